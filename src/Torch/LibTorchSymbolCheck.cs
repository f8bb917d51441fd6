using Path = System.IO.Path;

namespace Rethink.Torch;

/// <summary>
/// Whether TorchSharp's native library (<c>libLibTorchSharp.so</c>, compiled against one libtorch) can
/// bind to another libtorch: every symbol it leaves undefined (not weak) must be defined by a library the
/// dynamic linker would give it — the libtorch directory's libraries first (they are loaded by path before
/// TorchSharp starts), then its run path, <c>LD_LIBRARY_PATH</c>, <c>/etc/ld.so.conf</c> and the system
/// directories, followed through their own <c>DT_NEEDED</c> — and every symbol version it needs (such as
/// <c>GLIBCXX_3.4.32</c>) must be defined by the library it names. The same test as comparing
/// <c>nm -D --undefined-only libLibTorchSharp.so</c> with <c>nm -D --defined-only</c> of those libraries,
/// done before anything is loaded, so that a mismatch is refused in one line instead of failing at the
/// first call of a missing function.
/// </summary>
/// <param name="Library">The TorchSharp native library checked.</param>
/// <param name="LibTorchDirectory">The libtorch directory it was checked against.</param>
/// <param name="Symbols">Undefined, non-weak symbols of <paramref name="Library"/> that were looked up.</param>
/// <param name="Unresolved">Those defined by no library in its scope (sorted).</param>
/// <param name="Versions">Symbol versions <paramref name="Library"/> needs, as "library:version".</param>
/// <param name="MissingVersions">Those whose library does not define them, or was not found.</param>
/// <param name="Scope">The libraries searched, in the order found (file names).</param>
/// <param name="NotLocated">Libraries named by <c>DT_NEEDED</c> somewhere in the scope that the check could not locate (left to the loader).</param>
public sealed record LibTorchSymbolCheck(
    string Library,
    string LibTorchDirectory,
    int Symbols,
    IReadOnlyList<string> Unresolved,
    int Versions,
    IReadOnlyList<string> MissingVersions,
    IReadOnlyList<string> Scope,
    IReadOnlyList<string> NotLocated)
{
    /// <summary>True when every symbol and version resolves.</summary>
    public bool Passed => Unresolved.Count == 0 && MissingVersions.Count == 0;

    /// <summary>One line for results and logs, e.g. "all 1,209 symbols and 14 versions of libLibTorchSharp.so resolve in …".</summary>
    public string Describe() => Passed
        ? $"all {Symbols:N0} symbols and {Versions} symbol versions of {System.IO.Path.GetFileName(Library)} resolve in {LibTorchDirectory} ({Scope.Count} libraries searched)"
        : $"{Unresolved.Count:N0} of {Symbols:N0} symbols of {System.IO.Path.GetFileName(Library)} are defined nowhere in {LibTorchDirectory} and its dependencies"
          + (Unresolved.Count > 0 ? $" ({Names(Unresolved)})" : "")
          + (MissingVersions.Count > 0 ? $"; missing symbol versions: {string.Join(", ", MissingVersions)}" : "");

    /// <summary>The first three names (C++ names as the linker sees them, mangled) and how many more.</summary>
    private static string Names(IReadOnlyList<string> names) =>
        string.Join(", ", names.Take(3)) + (names.Count > 3 ? $" and {names.Count - 3:N0} more" : "");

    /// <summary>System directories the dynamic linker searches last on x86-64 Debian and most other distributions.</summary>
    private static readonly string[] SystemDirectories =
        ["/lib/x86_64-linux-gnu", "/usr/lib/x86_64-linux-gnu", "/lib64", "/usr/lib64", "/lib", "/usr/lib"];

    /// <summary>
    /// Checks <paramref name="library"/> (TorchSharp's native library) against the libtorch in
    /// <paramref name="libTorchDirectory"/>; <paramref name="libraryPath"/> is LD_LIBRARY_PATH's value.
    /// Reads files only; loads nothing.
    /// </summary>
    public static LibTorchSymbolCheck Run(string library, string libTorchDirectory, string? libraryPath)
    {
        var root = ElfDynamic.Read(library);
        var ldPath = (libraryPath ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries);
        var configured = LdSoConfDirectories("/etc/ld.so.conf", depth: 0).ToList();
        var scope = new List<ElfDynamic>();
        var byName = new Dictionary<string, ElfDynamic?>(StringComparer.Ordinal);
        var notLocated = new SortedSet<string>(StringComparer.Ordinal);
        var queue = new Queue<(string Name, ElfDynamic From)>(root.Needed.Select(n => (n, root)));
        while (queue.Count > 0)
        {
            var (name, from) = queue.Dequeue();
            if (byName.ContainsKey(name)) continue;
            var origin = System.IO.Path.GetDirectoryName(from.Path)!;
            var candidates = name.Contains('/') ? [name]
                : new[] { libTorchDirectory }.Concat(from.RunPath.Select(p => p.Replace("$ORIGIN", origin).Replace("${ORIGIN}", origin)))
                    .Concat(ldPath).Concat(configured).Concat(SystemDirectories).Select(d => System.IO.Path.Combine(d, name));
            ElfDynamic? found = null;
            foreach (var candidate in candidates)
            {
                if (!File.Exists(candidate)) continue;
                try
                {
                    found = ElfDynamic.Read(candidate);
                    break;
                }
                catch (InvalidDataException)
                {
                    // A linker script or a 32-bit file under the same name: the loader skips it too. But a
                    // library of the libtorch directory is loaded from there by path: no other copy counts.
                    if (Path.GetDirectoryName(Path.GetFullPath(candidate)) == Path.GetFullPath(libTorchDirectory).TrimEnd('/')) break;
                }
            }
            byName[name] = found;
            if (found is null)
            {
                notLocated.Add(name);
                continue;
            }
            scope.Add(found);
            foreach (var next in found.Needed) queue.Enqueue((next, found));
        }

        var defined = new HashSet<string>(scope.SelectMany(l => l.Defined), StringComparer.Ordinal);
        var wanted = root.Undefined.Where(u => !u.Weak).Select(u => u.Name).Distinct().ToList();
        var unresolved = wanted.Where(n => !defined.Contains(n)).Order(StringComparer.Ordinal).ToList();
        var missingVersions = root.VersionsNeeded
            .Where(v => !(byName.GetValueOrDefault(v.Library) is { } provider && provider.VersionsDefined.Contains(v.Version)))
            .Select(v => $"{v.Version} from {v.Library}").ToList();
        return new LibTorchSymbolCheck(library, libTorchDirectory, wanted.Count, unresolved, root.VersionsNeeded.Count, missingVersions,
            scope.Select(l => System.IO.Path.GetFileName(l.Path)).ToList(), notLocated.ToList());
    }

    /// <summary>TorchSharp's native library next to this program (published or built), or null.</summary>
    public static string? FindTorchSharpNative()
    {
        var baseDirectory = AppContext.BaseDirectory;
        foreach (var candidate in new[] { System.IO.Path.Combine(baseDirectory, "libLibTorchSharp.so"), System.IO.Path.Combine(baseDirectory, "runtimes", "linux-x64", "native", "libLibTorchSharp.so") })
            if (File.Exists(candidate)) return candidate;
        return null;
    }

    /// <summary>Directories listed by an ld.so.conf file and the files it includes.</summary>
    private static IEnumerable<string> LdSoConfDirectories(string path, int depth)
    {
        if (depth > 4 || !File.Exists(path)) yield break;
        string[] lines;
        try { lines = File.ReadAllLines(path); }
        catch (IOException) { yield break; }
        catch (UnauthorizedAccessException) { yield break; }
        foreach (var raw in lines)
        {
            var line = raw.Split('#')[0].Trim();
            if (line.Length == 0) continue;
            if (line.StartsWith("include ", StringComparison.Ordinal))
            {
                var pattern = line["include ".Length..].Trim();
                var directory = System.IO.Path.GetDirectoryName(pattern);
                if (directory is null || !Directory.Exists(directory)) continue;
                foreach (var included in Directory.GetFiles(directory, System.IO.Path.GetFileName(pattern)).Order(StringComparer.Ordinal))
                    foreach (var d in LdSoConfDirectories(included, depth + 1)) yield return d;
            }
            else if (line.StartsWith('/'))
            {
                yield return line;
            }
        }
    }
}
