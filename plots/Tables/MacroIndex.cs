using Rethink.Core;
using Rethink.Experiments;

namespace Rethink.Plots.Tables;

/// <summary>
/// <c>macros.json</c> beside <c>macros.tex</c>: for every macro, its value and the result files (or
/// theorem-check records) it was computed from, with the version and commit that rendered them — what
/// <c>rethink paper check</c> reads to find the macros a paper uses that are missing or stale.
/// </summary>
/// <param name="Version">Rethink version that rendered the macros.</param>
/// <param name="Commit">Its commit.</param>
/// <param name="Rendered">When.</param>
/// <param name="Profile">quick or paper.</param>
/// <param name="Macros">Every macro by name.</param>
/// <param name="Device">The device the render was asked for (where runs computed; result names do not depend on it).</param>
/// <param name="TorchDevice">Where that put the deep runs.</param>
/// <param name="Targets">Every rendered figure (figures/&lt;id&gt;.png) and table (tables/&lt;id&gt;.tex): the file's hash and its sources' hashes.</param>
/// <param name="MacrosTex">SHA-256 of macros.tex as written.</param>
public sealed record MacroIndex(string Version, string Commit, DateTimeOffset Rendered, RunProfile Profile, Kernels.Devices.ComputeDevice Device, Deep.TrainingDevice TorchDevice,
    IReadOnlyDictionary<string, MacroEntry> Macros, IReadOnlyDictionary<string, RenderedTarget>? Targets = null, string? MacrosTex = null)
{
    public const string FileName = "macros.json";

    public static MacroIndex? Load(string resultsDirectory)
    {
        var path = Path.Combine(resultsDirectory, FileName);
        return File.Exists(path) ? Json.Deserialize<MacroIndex>(File.ReadAllText(path), path) : null;
    }

    public void Save(string resultsDirectory) => AtomicFile.WriteAllText(Path.Combine(resultsDirectory, FileName), Json.Serialize(this));
}

/// <summary>One macro: its LaTeX value, its sources (result file names without .json under data/, or checks/&lt;claim&gt;) and their SHA-256 at render time.</summary>
public sealed record MacroEntry(string Value, IReadOnlyList<string> Sources, IReadOnlyDictionary<string, string>? Hashes = null);

/// <summary>A rendered figure or table file: its SHA-256 as written, and its sources' SHA-256 at render time.</summary>
public sealed record RenderedTarget(string Sha256, IReadOnlyDictionary<string, string> Sources);
