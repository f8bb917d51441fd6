using System.Globalization;
using Rethink.Experiments;

namespace Rethink.Plots.Tables;

/// <summary>
/// The run manifest: for every result behind the figures and tables, what it is, where it ran
/// (backend, device, precision), its seed, and how long it took — from the typed records, each read once.
/// </summary>
public static class Manifest
{
    /// <summary>Writes tables/manifest.md and .tex for the stored results of <paramref name="experiments"/>.</summary>
    public static IReadOnlyList<string> Save(IEnumerable<IExperiment> experiments, ResultStore store, ReproduceContext context)
    {
        var runs = experiments.SelectMany(e => e.Summaries(store, context)).ToList();
        var rows = runs.Select(r => (IReadOnlyList<string>)
        [
            r.Experiment, r.Description, r.Backend, r.Precision.ToString().ToLowerInvariant(), r.Seed?.ToString(CultureInfo.InvariantCulture) ?? "—",
            r.Run.Seconds.ToString("F1", CultureInfo.InvariantCulture),
        ]).ToList();
        var machines = runs.Select(r => r.Run.Machine.Cpu ?? "?").Distinct();
        var caption = $"Run manifest: every result behind the figures and tables ({rows.Count} runs, {runs.Sum(r => r.Run.Seconds) / 60:F1} min of compute) on {string.Join("; ", machines)}; " +
                      $"profile {context.Profile.ToString().ToLowerInvariant()}, device option {context.Device.ToString().ToLowerInvariant()}.";
        return TableFile.Save(context.TablesDirectory, "manifest", caption, ["experiment", "run", "backend", "precision", "seed", "seconds"], rows, "llllrr");
    }
}
