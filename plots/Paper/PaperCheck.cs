using System.Text.Json;
using System.Text.RegularExpressions;
using Rethink.Core;
using Rethink.Experiments;
using Rethink.Plots.Tables;

namespace Rethink.Plots.Paper;

/// <summary>A macro a paper uses that it cannot trust: missing from the results, or stale, and why.</summary>
/// <param name="Macro">The macro's name; or, for a figure, table or macros.tex itself, what the paper names (figure fig1a, table table1, macros.tex).</param>
/// <param name="Kind">missing, stale (an input changed) or edited (a generated file changed after the render).</param>
/// <param name="Where">The paper's file:line that uses it (or the generated file that changed).</param>
/// <param name="Reason">Why, and the command that refreshes it.</param>
public sealed record PaperProblem(string Macro, string Kind, string Where, string Reason)
{
    public override string ToString() => $"{Kind} {(Macro.Contains(' ') || Macro.Contains('.') ? Macro : "\\" + Macro)} ({Where}): {Reason}";
}

/// <summary>
/// A results folder a paper reads: <c>\rethinkresults{DIR}</c> (no prefix) or
/// <c>\rethinkresults[Prefix]{DIR}</c>, whose macros the paper names with Prefix before them
/// (<c>\rethink{FullTableOneTestAccAlexnet}</c> for <c>TableOneTestAccAlexnet</c> of the folder declared as
/// <c>Full</c>), so that two profiles' results can be quoted side by side.
/// </summary>
public sealed record ResultsFolder(string Prefix, string Directory)
{
    public override string ToString() => Prefix.Length == 0 ? Directory : $"{Prefix}: {Directory}";
}

/// <summary>
/// `rethink paper check DIR`: every <c>\rethink{Name}</c> (and every direct <c>\Name</c> of a Rethink
/// macro) in the paper's .tex files against the <c>macros.json</c> of the results folder it belongs to
/// (by its prefix, see <see cref="ResultsFolder"/>). A macro is <b>missing</b> when the results do not
/// define it, and <b>stale</b> when a source it was computed from has moved on: the result file is gone,
/// its config is no longer one the current code runs (the experiment changed), it was produced by
/// another Rethink version, or it (or a theorem check) is newer than the render, so macros.tex no
/// longer shows it.
/// </summary>
public static partial class PaperCheck
{
    [GeneratedRegex(@"\\rethink\{([A-Za-z]+)\}")]
    private static partial Regex RethinkUse();

    [GeneratedRegex(@"\\([A-Za-z]+)")]
    private static partial Regex Command();

    [GeneratedRegex(@"\\rethinkresults\s*(?:\[([A-Za-z]*)\])?\s*\{([^}]+)\}")]
    private static partial Regex Declaration();

    /// <summary>\rethinkfigure[opts]{id}, \rethinktable{id} and \rethinkfrom{Prefix}, in the order they appear.</summary>
    [GeneratedRegex(@"\\rethink(figure|table|from)\s*(?:\[[^\]]*\])?\s*\{([^}]+)\}")]
    private static partial Regex TargetUse();

    /// <summary>A line of macros.tex: \newcommand{\Name}{Value}.</summary>
    [GeneratedRegex(@"^\\newcommand\{\\([A-Za-z]+)\}\{(.*)\}\s*$")]
    private static partial Regex Definition();

    /// <summary>macros.tex's first line: % Rethink VERSION (commit COMMIT), rendered ….</summary>
    [GeneratedRegex(@"^% Rethink (\S+) \(commit ([0-9a-f]+|unknown)\)")]
    private static partial Regex HeaderLine();

    /// <summary>
    /// The results folders the paper's .tex files declare with <c>\rethinkresults[Prefix]{DIR}</c> (DIR
    /// relative to the file that declares it), the unprefixed one first; <paramref name="results"/>, when
    /// given, replaces the unprefixed one (or is it, when none is declared: default ./results).
    /// </summary>
    public static IReadOnlyList<ResultsFolder> Declared(string paper, string? results = null)
    {
        var folders = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var file in Directory.EnumerateFiles(paper, "*.tex", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
            foreach (var line in File.ReadLines(file))
                foreach (Match m in Declaration().Matches(StripComment(line)))
                    folders.TryAdd(m.Groups[1].Value, Path.GetFullPath(Path.Combine(Path.GetDirectoryName(file)!, m.Groups[2].Value)));
        if (results is not null) folders[""] = Path.GetFullPath(results);
        else folders.TryAdd("", Path.GetFullPath("results"));
        return folders.OrderBy(f => f.Key.Length).ThenBy(f => f.Key, StringComparer.Ordinal).Select(f => new ResultsFolder(f.Key, f.Value)).ToList();
    }

    /// <summary>
    /// Macro uses by name (with the folder's prefix), each with its first place (file:line). Files inside a
    /// results folder (when it lies below the paper, as paper/results does) are Rethink's own output, not uses.
    /// </summary>
    public static IReadOnlyDictionary<string, string> Uses(string paper, IReadOnlyList<ResultsFolder> folders)
    {
        var indexes = folders.Select(f => (f.Prefix, Index: MacroIndex.Load(f.Directory))).Where(f => f.Index is not null).ToList();
        var uses = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var file in PaperFiles(paper, folders))
        {
            var lines = File.ReadAllLines(file);
            for (var i = 0; i < lines.Length; i++)
            {
                var line = StripComment(lines[i]);
                var where = $"{Path.GetRelativePath(paper, file)}:{i + 1}";
                foreach (Match m in RethinkUse().Matches(line)) uses.TryAdd(m.Groups[1].Value, where);
                foreach (Match m in Command().Matches(line))
                {
                    var name = m.Groups[1].Value;
                    if (indexes.Any(f => name.StartsWith(f.Prefix, StringComparison.Ordinal) && f.Index!.Macros.ContainsKey(name[f.Prefix.Length..])))
                        uses.TryAdd(name, where);
                }
            }
        }
        return uses;
    }

    /// <summary>How many \rethinkfigure and \rethinktable the paper's .tex files (outside the results folders) hold.</summary>
    public static int CountTargets(string paper, IReadOnlyList<ResultsFolder> folders)
    {
        return PaperFiles(paper, folders).Sum(file => File.ReadLines(file).Sum(line => TargetUse().Matches(StripComment(line)).Count(m => m.Groups[1].Value != "from")));
    }

    /// <summary>
    /// The paper's own .tex files, in order: files inside a results folder (when it lies below the paper, as
    /// paper/results does) are Rethink's output, not the author's.
    /// </summary>
    private static IEnumerable<string> PaperFiles(string paper, IReadOnlyList<ResultsFolder> folders)
    {
        var generated = folders.Select(f => Path.TrimEndingDirectorySeparator(f.Directory) + Path.DirectorySeparatorChar).ToList();
        return Directory.EnumerateFiles(paper, "*.tex", SearchOption.AllDirectories).Order(StringComparer.Ordinal)
            .Where(file => !generated.Any(g => Path.GetFullPath(file).StartsWith(g, StringComparison.Ordinal)));
    }

    private static string StripComment(string line)
    {
        for (var i = 0; i < line.Length; i++)
            if (line[i] == '%' && (i == 0 || line[i - 1] != '\\')) return line[..i];
        return line;
    }

    /// <summary>The check of a paper against one unprefixed results folder.</summary>
    public static IReadOnlyList<PaperProblem> Run(string paper, string results) => Run(paper, [new ResultsFolder("", Path.GetFullPath(results))]);

    public static IReadOnlyList<PaperProblem> Run(string paper, IReadOnlyList<ResultsFolder> folders)
    {
        var indexes = folders.ToDictionary(f => f, f => MacroIndex.Load(f.Directory));
        var current = new Dictionary<ResultsFolder, IReadOnlySet<string>>();
        var texts = new Dictionary<ResultsFolder, MacrosTex>();
        var problems = new List<PaperProblem>();
        // The longest prefix first: Full's macros before the unprefixed folder's.
        var byPrefix = folders.OrderByDescending(f => f.Prefix.Length).ToList();
        foreach (var (name, where) in Uses(paper, folders).OrderBy(u => u.Key, StringComparer.Ordinal))
        {
            var candidates = byPrefix.Where(f => name.StartsWith(f.Prefix, StringComparison.Ordinal)).ToList();
            var found = candidates.FirstOrDefault(f => indexes[f] is { } i && i.Macros.ContainsKey(name[f.Prefix.Length..]));
            if (found is null)
            {
                var folder = candidates.First();
                var results = folder.Directory;
                problems.Add(indexes[folder] is { } index
                    ? new PaperProblem(name, "missing", where, $"no result in {results} defines {(folder.Prefix.Length > 0 ? $"{name[folder.Prefix.Length..]} (prefix {folder.Prefix})" : "it")} (rendered {index.Rendered:yyyy-MM-dd HH:mm}); check the name, or run the experiment that reports it")
                    : new PaperProblem(name, "missing", where, $"{results} has no {MacroIndex.FileName}: run rethink reproduce (or rethink render) --out {results}"));
                continue;
            }
            var entry = indexes[found]!.Macros[name[found.Prefix.Length..]];
            if (!current.TryGetValue(found, out var names)) current[found] = names = CurrentResultNames(indexes[found]!, found.Directory);
            if (Edited(name[found.Prefix.Length..], entry, found, texts) is { } edited)
            {
                problems.Add(new PaperProblem(name, "edited", where, edited));
                continue;
            }
            foreach (var source in entry.Sources)
                if ((Stale(source, indexes[found]!, found.Directory, names) ?? Changed(source, entry.Hashes, found.Directory)) is { } reason)
                {
                    problems.Add(new PaperProblem(name, "stale", where, reason));
                    break;
                }
        }
        // macros.tex as a whole (its version and commit lines, anything edited that no used macro showed), and the figures and tables the paper includes.
        foreach (var folder in folders)
            if (indexes[folder] is { } index && MacrosTexProblem(folder, index, texts, problems) is { } problem) problems.Add(problem);
        problems.AddRange(Targets(paper, folders, indexes));
        return problems;
    }

    /// <summary>
    /// Each folder's macros.tex read once: definitions by name with their line, the header's version and commit.
    /// </summary>
    private sealed record MacrosTex(IReadOnlyDictionary<string, (string Value, int Line)> Definitions, string? Version, string? Commit, string? Sha256);

    private static MacrosTex ReadMacrosTex(string directory)
    {
        var path = Path.Combine(directory, "macros.tex");
        var definitions = new Dictionary<string, (string, int)>(StringComparer.Ordinal);
        if (!File.Exists(path)) return new MacrosTex(definitions, null, null, null);
        var lines = File.ReadAllLines(path);
        string? version = null, commit = null;
        if (lines.Length > 0 && HeaderLine().Match(lines[0]) is { Success: true } h) (version, commit) = (h.Groups[1].Value, h.Groups[2].Value);
        for (var i = 0; i < lines.Length; i++)
            if (Definition().Match(lines[i]) is { Success: true } m) definitions.TryAdd(m.Groups[1].Value, (m.Groups[2].Value, i + 1));
        return new MacrosTex(definitions, version, commit, MacroSources.Sha256(path));
    }

    /// <summary>Why the value the PDF shows (macros.tex) is not the one rendered (macros.json), or null.</summary>
    private static string? Edited(string name, MacroEntry entry, ResultsFolder folder, Dictionary<ResultsFolder, MacrosTex> texts)
    {
        if (!texts.TryGetValue(folder, out var tex)) texts[folder] = tex = ReadMacrosTex(folder.Directory);
        var file = Path.Combine(folder.Directory, "macros.tex");
        if (!tex.Definitions.TryGetValue(name, out var shown))
            return $"{file} does not define it, though the render did ({entry.Value}); run rethink render --out {folder.Directory}";
        return shown.Value == entry.Value ? null
            : $"{file}:{shown.Line} reads {shown.Value}, the render wrote {entry.Value} (macros.tex was edited after the render); run rethink render --out {folder.Directory}";
    }

    /// <summary>Why macros.tex as a whole does not match its render: the version or commit lines, or its hash.</summary>
    private static PaperProblem? MacrosTexProblem(ResultsFolder folder, MacroIndex index, Dictionary<ResultsFolder, MacrosTex> texts, IReadOnlyList<PaperProblem> found)
    {
        if (!texts.TryGetValue(folder, out var tex)) texts[folder] = tex = ReadMacrosTex(folder.Directory);
        var file = Path.Combine(folder.Directory, "macros.tex");
        var refresh = $"run rethink render --out {folder.Directory}";
        if (tex.Sha256 is null) return new PaperProblem("macros.tex", "missing", file, $"the paper reads it; {refresh}");
        var shortCommit = index.Commit[..Math.Min(12, index.Commit.Length)];
        if (tex.Definitions.TryGetValue("RethinkCommit", out var c) && c.Value != shortCommit)
            return new PaperProblem("macros.tex", "edited", $"{file}:{c.Line}", $"\\RethinkCommit reads {c.Value}, but macros.json was rendered by commit {shortCommit}; {refresh}");
        if (tex.Definitions.TryGetValue("RethinkVersion", out var v) && v.Value != index.Version)
            return new PaperProblem("macros.tex", "edited", $"{file}:{v.Line}", $"\\RethinkVersion reads {v.Value}, but macros.json was rendered by Rethink {index.Version}; {refresh}");
        if (tex.Commit is { } headerCommit && headerCommit != index.Commit)
            return new PaperProblem("macros.tex", "edited", $"{file}:1", $"its header names commit {headerCommit}, macros.json commit {index.Commit}: one of them was edited; {refresh}");
        if (tex.Version is { } headerVersion && headerVersion != index.Version)
            return new PaperProblem("macros.tex", "edited", $"{file}:1", $"its header names Rethink {headerVersion}, macros.json {index.Version}: one of them was edited; {refresh}");
        if (index.MacrosTex is { } sha && sha != tex.Sha256 && !found.Any(p => p.Kind == "edited"))
            return new PaperProblem("macros.tex", "edited", file, $"changed after the render (SHA-256 {sha[..12]} then, {tex.Sha256[..12]} now); {refresh}");
        return null;
    }

    /// <summary>Why a user's own record no longer stands: gone, or one of its inputs changed since it was recorded.</summary>
    private static string? UserStale(string source, string results)
    {
        var path = MacroSources.PathOf(results, source);
        if (!File.Exists(path)) return $"its record {source} is gone; rerun the program that records it, then rethink render";
        return Json.Deserialize<UserRecord>(File.ReadAllText(path), path).ChangedInput(results);
    }

    /// <summary>Why a source's content is no longer what the render read (its SHA-256 differs), or null (also when the render recorded no hash).</summary>
    private static string? Changed(string source, IReadOnlyDictionary<string, string>? hashes, string results)
    {
        if (hashes is null || !hashes.TryGetValue(source, out var then)) return null;
        var path = MacroSources.PathOf(results, source);
        var now = MacroSources.Sha256(path);
        if (now is null) return null; // gone: Stale says so
        return now == then ? null
            : $"{source} changed after the render (SHA-256 {then[..12]} then, {now[..12]} now); if it was edited by hand, delete it and run rethink reproduce, else run rethink render";
    }

    /// <summary>
    /// The figures and tables the paper includes (\rethinkfigure, \rethinktable, from the folder \rethinkfrom last chose in that file):
    /// missing when the file is not there, edited when it differs from what the render wrote, stale when one of its sources changed.
    /// </summary>
    private static IEnumerable<PaperProblem> Targets(string paper, IReadOnlyList<ResultsFolder> folders, IReadOnlyDictionary<ResultsFolder, MacroIndex?> indexes)
    {
        var unprefixed = folders.First(f => f.Prefix.Length == 0);
        foreach (var file in PaperFiles(paper, folders))
        {
            var lines = File.ReadAllLines(file);
            // \rethinkfrom{P} holds to the end of the group it is in ({\rethinkfrom{Full} …}): a stack of (brace depth, folder).
            var depth = 0;
            var scopes = new Stack<(int Depth, ResultsFolder Folder)>();
            for (var i = 0; i < lines.Length; i++)
            {
                var line = StripComment(lines[i]);
                var uses = new List<(ResultsFolder Folder, string What, string Id)>();
                var matches = TargetUse().Matches(line).ToDictionary(m => m.Index);
                for (var k = 0; k < line.Length; k++)
                {
                    if (matches.TryGetValue(k, out var m))
                    {
                        var (kind, name) = (m.Groups[1].Value, m.Groups[2].Value.Trim());
                        if (kind == "from") scopes.Push((depth, folders.FirstOrDefault(f => f.Prefix == name) ?? (scopes.Count > 0 ? scopes.Peek().Folder : unprefixed)));
                        else uses.Add((scopes.Count > 0 ? scopes.Peek().Folder : unprefixed, kind, name));
                        k += m.Length - 1; // its own braces are balanced
                        continue;
                    }
                    if (line[k] == '\\') { k++; continue; } // \{ and \} are not groups
                    if (line[k] == '{') depth++;
                    else if (line[k] == '}')
                    {
                        depth--;
                        while (scopes.Count > 0 && scopes.Peek().Depth > depth) scopes.Pop();
                    }
                }
                foreach (var (folder, what, id) in uses)
                {
                    var where = $"{Path.GetRelativePath(paper, file)}:{i + 1}";
                    var relative = what == "figure" ? $"figures/{id}.png" : $"tables/{id}.tex";
                    var path = Path.Combine(folder.Directory, relative);
                    var subject = $"{what} {id}";
                    var refresh = $"run rethink render --out {folder.Directory}";
                    if (!File.Exists(path))
                    {
                        var known = Directory.Exists(Path.GetDirectoryName(path)) ? Directory.GetFiles(Path.GetDirectoryName(path)!, what == "figure" ? "*.png" : "*.tex")
                            .Select(Path.GetFileNameWithoutExtension).Where(n => n is not null && !n.StartsWith("manifest", StringComparison.Ordinal)).Order(StringComparer.Ordinal).ToList() : [];
                        yield return new PaperProblem(subject, "missing", where, $"{path} does not exist (the PDF shows ??); check the name{(known.Count > 0 ? $" (there: {string.Join(", ", known)})" : "")}, or run the experiment that draws it");
                        continue;
                    }
                    if (indexes[folder]?.Targets is not { } targets || !targets.TryGetValue(relative, out var target)) continue; // rendered before hashes were kept
                    var now = MacroSources.Sha256(path)!;
                    if (now != target.Sha256)
                    {
                        yield return new PaperProblem(subject, "edited", where, $"{path} changed after the render (SHA-256 {target.Sha256[..12]} then, {now[..12]} now); {refresh}");
                        continue;
                    }
                    foreach (var source in target.Sources.Keys)
                        if ((Changed(source, target.Sources, folder.Directory) ?? (source.StartsWith(UserRecord.Directory + "/", StringComparison.Ordinal) ? UserStale(source, folder.Directory) : null)) is { } reason)
                        {
                            yield return new PaperProblem(subject, "stale", where, reason);
                            break;
                        }
                        else if (!File.Exists(MacroSources.PathOf(folder.Directory, source)))
                        {
                            yield return new PaperProblem(subject, "stale", where, $"its result {source} is gone; run rethink reproduce");
                            break;
                        }
                }
            }
        }
    }

    /// <summary>Why a source no longer supports the rendered value, or null.</summary>
    private static string? Stale(string source, MacroIndex index, string results, IReadOnlySet<string> current)
    {
        if (source.StartsWith(UserRecord.Directory + "/", StringComparison.Ordinal)) return UserStale(source, results);
        if (source.StartsWith(TheoremCheck.Directory + "/", StringComparison.Ordinal))
        {
            var path = Path.Combine(results, source + ".json");
            if (!File.Exists(path)) return $"its theorem check {source} is gone; run dotnet test, then rethink render";
            var check = Json.Deserialize<TheoremCheck>(File.ReadAllText(path), path);
            if (check.Version != RethinkVersion.Version) return $"checked by Rethink {check.Version}, this is {RethinkVersion.Version}; run dotnet test, then rethink render";
            if (check.Finished > index.Rendered) return $"{source} was rerun after the render ({check.Finished:yyyy-MM-dd HH:mm}); run rethink render";
            if (!check.Passed) return $"{source} FAILED; the claim is not checked";
            return null;
        }
        var file = Path.Combine(results, "data", source + ".json");
        if (!File.Exists(file)) return $"its result {source} is gone; run rethink reproduce";
        if (!current.Contains(source)) return $"its result {source} belongs to a config the current code no longer runs (the experiment changed); run rethink reproduce";
        using var doc = JsonDocument.Parse(File.ReadAllText(file));
        var run = doc.RootElement.GetProperty("run");
        var version = run.TryGetProperty("version", out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
        if (version != RethinkVersion.Version) return $"{source} was computed by Rethink {version ?? "before 0.5.0"}, this is {RethinkVersion.Version}; delete it and run rethink reproduce";
        var finished = run.GetProperty("finished").GetDateTimeOffset();
        if (finished > index.Rendered) return $"{source} was recomputed after the render ({finished:yyyy-MM-dd HH:mm}); run rethink render";
        return null;
    }

    /// <summary>The result names (experiment-hash) the current code configures for the render's profile and device.</summary>
    private static HashSet<string> CurrentResultNames(MacroIndex index, string results)
    {
        var context = new ReproduceContext(index.Profile, index.Device, null, Path.GetFullPath(results))
        {
            Torch = new TorchDevice(index.TorchDevice, null, null),
        };
        var store = new ResultStore(context.DataResultsDirectory);
        return new Catalog().Experiments.SelectMany(e => e.ResultFiles(store, context))
            .Select(Path.GetFileNameWithoutExtension).OfType<string>().ToHashSet(StringComparer.Ordinal);
    }
}
