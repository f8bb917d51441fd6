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
public sealed record MacroIndex(string Version, string Commit, DateTimeOffset Rendered, RunProfile Profile, Kernels.Devices.ComputeDevice Device, Deep.TrainingDevice TorchDevice,
    IReadOnlyDictionary<string, MacroEntry> Macros)
{
    public const string FileName = "macros.json";

    public static MacroIndex? Load(string resultsDirectory)
    {
        var path = Path.Combine(resultsDirectory, FileName);
        return File.Exists(path) ? Json.Deserialize<MacroIndex>(File.ReadAllText(path), path) : null;
    }

    public void Save(string resultsDirectory) => AtomicFile.WriteAllText(Path.Combine(resultsDirectory, FileName), Json.Serialize(this));
}

/// <summary>One macro: its LaTeX value and its sources (result file names without .json under data/, or checks/&lt;claim&gt;).</summary>
public sealed record MacroEntry(string Value, IReadOnlyList<string> Sources);
