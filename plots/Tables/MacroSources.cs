using Rethink.Core;
using Rethink.Experiments;

namespace Rethink.Plots.Tables;

/// <summary>
/// Names and content hashes of what a rendered number, figure or table was computed from: a result file
/// (<c>data/&lt;kind&gt;-&lt;config hash&gt;.json</c>, named without .json) or a theorem-check record
/// (<c>checks/&lt;claim&gt;</c>), or a user's own record (<c>user/values/&lt;Name&gt;</c>, <c>user/figures/&lt;id&gt;</c>,
/// see <see cref="UserRecord"/>). <c>macros.json</c> keeps the SHA-256 of each at render time, and
/// <c>rethink paper check</c> recomputes them: an edit anywhere in a source marks exactly the numbers,
/// figures and tables computed from it.
/// </summary>
public static class MacroSources
{
    /// <summary>The source name of the result of <paramref name="config"/> in the experiment kind <paramref name="kind"/> (e.g. deep-run-1a2b3c4d5e6f).</summary>
    public static string Of<TConfig>(string kind, TConfig config) => $"{kind}-{Json.Hash(config)}";

    /// <summary>Where a source lies in a results folder.</summary>
    public static string PathOf(string results, string source) =>
        source.Contains('/') ? Path.Combine(results, source + ".json") : Path.Combine(results, "data", source + ".json");

    /// <summary>SHA-256 of a file's bytes (lower-case hex), or null when it is not there.</summary>
    public static string? Sha256(string path) => File.Exists(path) ? FileHash.Sha256(path) : null;

    /// <summary>Each source with the hash of its file now (sources whose file is missing are left out).</summary>
    public static IReadOnlyDictionary<string, string> Hashes(string results, IEnumerable<string> sources) =>
        sources.Distinct().Select(s => (s, Hash: Sha256(PathOf(results, s)))).Where(p => p.Hash is not null)
            .ToDictionary(p => p.s, p => p.Hash!, StringComparer.Ordinal);
}
