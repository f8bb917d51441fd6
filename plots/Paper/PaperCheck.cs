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
/// `rethink paper check DIR`: every <c>\rethink{Name}</c> (and every direct <c>\Name</c> of a Rethink
/// macro) in the paper's .tex files against the results folder's <c>macros.json</c>. A macro is
/// <b>missing</b> when the results do not define it, and <b>stale</b> when a source it was computed from
/// has moved on: the result file is gone, its config is no longer one the current code runs (the
/// experiment changed), it was produced by another Rethink version, or it (or a theorem check) is
/// newer than the render, so macros.tex no longer shows it.
/// </summary>
public static partial class PaperCheck
{
    [GeneratedRegex(@"\\rethink\{([A-Za-z]+)\}")]
    private static partial Regex RethinkUse();

    [GeneratedRegex(@"\\([A-Za-z]+)")]
    private static partial Regex Command();

    /// <summary>
    /// Macro uses by name, each with its first place (file:line). Files inside the results folder (when
    /// it lies below the paper, as paper/results does) are Rethink's own output, not uses.
    /// </summary>
    public static IReadOnlyDictionary<string, string> Uses(string paper, MacroIndex? index, string? results = null)
    {
        var uses = new Dictionary<string, string>(StringComparer.Ordinal);
        var generated = results is null ? null : Path.TrimEndingDirectorySeparator(Path.GetFullPath(results)) + Path.DirectorySeparatorChar;
        foreach (var file in Directory.EnumerateFiles(paper, "*.tex", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
        {
            if (generated is not null && Path.GetFullPath(file).StartsWith(generated, StringComparison.Ordinal)) continue;
            var lines = File.ReadAllLines(file);
            for (var i = 0; i < lines.Length; i++)
            {
                var line = StripComment(lines[i]);
                var where = $"{Path.GetRelativePath(paper, file)}:{i + 1}";
                foreach (Match m in RethinkUse().Matches(line)) uses.TryAdd(m.Groups[1].Value, where);
                if (index is null) continue;
                foreach (Match m in Command().Matches(line))
                    if (index.Macros.ContainsKey(m.Groups[1].Value)) uses.TryAdd(m.Groups[1].Value, where);
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

    public static IReadOnlyList<PaperProblem> Run(string paper, string results)
    {
        var index = MacroIndex.Load(results);
        var uses = Uses(paper, index, results);
        var problems = new List<PaperProblem>();
        if (index is null)
        {
            problems.AddRange(uses.Select(u => new PaperProblem(u.Key, "missing", u.Value, $"{results} has no {MacroIndex.FileName}: run rethink reproduce (or rethink render) --out {results}")));
            return problems;
        }
        var current = CurrentResultNames(index, results);
        var store = new ResultStore(Path.Combine(results, "data"));
        foreach (var (name, where) in uses.OrderBy(u => u.Key, StringComparer.Ordinal))
        {
            if (!index.Macros.TryGetValue(name, out var entry))
            {
                problems.Add(new PaperProblem(name, "missing", where, $"no result defines it (rendered {index.Rendered:yyyy-MM-dd HH:mm}); check the name, or run the experiment that reports it"));
                continue;
            }
            foreach (var source in entry.Sources)
                if (Stale(source, index, results, current) is { } reason)
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
