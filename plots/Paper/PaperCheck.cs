using System.Text.Json;
using System.Text.RegularExpressions;
using Rethink.Core;
using Rethink.Experiments;
using Rethink.Plots.Tables;

namespace Rethink.Plots.Paper;

/// <summary>A macro a paper uses that it cannot trust: missing from the results, or stale, and why.</summary>
public sealed record PaperProblem(string Macro, string Kind, string Where, string Reason)
{
    public override string ToString() => $"{Kind} \\{Macro} ({Where}): {Reason}";
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
        var generated = folders.Select(f => Path.TrimEndingDirectorySeparator(f.Directory) + Path.DirectorySeparatorChar).ToList();
        var uses = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var file in Directory.EnumerateFiles(paper, "*.tex", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
        {
            if (generated.Any(g => Path.GetFullPath(file).StartsWith(g, StringComparison.Ordinal))) continue;
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
            foreach (var source in entry.Sources)
                if (Stale(source, indexes[found]!, found.Directory, names) is { } reason)
                {
                    problems.Add(new PaperProblem(name, "stale", where, reason));
                    break;
                }
        }
        return problems;
    }

    /// <summary>Why a source no longer supports the rendered value, or null.</summary>
    private static string? Stale(string source, MacroIndex index, string results, IReadOnlySet<string> current)
    {
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
