using Rethink.Torch;
using Rethink.Core;
using Rethink.Data;
using Rethink.Deep;

namespace Rethink.Experiments;

/// <summary>
/// A set of training runs behind a figure or table. Each run is cached on its own (result file
/// <c>deep-run-&lt;config hash&gt;.json</c>) and trains in <c>&lt;out&gt;/runs/&lt;hash&gt;</c> with checkpoints,
/// so an interrupted reproduce resumes mid-run.
/// </summary>
public sealed class DeepRunGroup(string id, string title, Func<ReproduceContext, IReadOnlyList<TrainingConfig>> configure) : IExperiment
{
    public const string RunId = "deep-run";
    public string Id => id;
    public string Title => title;

    public IReadOnlyList<TrainingConfig> Configure(ReproduceContext context) =>
        configure(context).Select(c => c with { Device = context.Torch.Name }).ToList();

    public string? Unavailable(ReproduceContext context)
    {
        if (context.Torch.Unavailable is { } cuda) return cuda;
        if (TorchRuntime.Unavailable is { } reason) return reason;
        if (DatasetAvailability.Missing(Configure(context).Select(c => c.Dataset), context.DataDirectory) is { } missing) return missing;
        return null;
    }

    /// <summary>
    /// Runs that stop when fitted take about 25 epochs (random labels a third more), bounded by the
    /// step budget; evaluations add about half again.
    /// </summary>
    public TimeSpan Estimate(ReproduceContext context) => TimeSpan.FromSeconds(Configure(context).Sum(c => Seconds(c, context)));

    /// <summary>Steps expected (fitted runs stop early) times the cost model's seconds per step, evaluations included.</summary>
    private static double Seconds(TrainingConfig c, ReproduceContext context)
    {
        var epochSteps = Math.Ceiling((c.Train ?? 50_000) / (double)c.BatchSize);
        var steps = c.StopWhenFitted ? Math.Min(c.MaxSteps, 25 * epochSteps * (c.Randomization == "true-labels" ? 1 : 1.3)) : c.MaxSteps;
        return steps * context.Costs.SecondsPerStep(c.Model, c.Device, c.BatchSize);
    }

    public IReadOnlyList<string> ResultFiles(ResultStore store, ReproduceContext context) =>
        Configure(context).Select(c => store.PathFor(RunId, Json.Hash(c))).ToList();

    public bool IsCached(ResultStore store, ReproduceContext context) =>
        Configure(context).All(c => store.Exists(RunId, Json.Hash(c)));

    public IReadOnlyList<RunUnit> Units(ReproduceContext context) =>
        Configure(context).Select(config => new RunUnit(id, RunId, Json.Hash(config),
            $"{config.Model} {Randomization.Parse(config.Randomization).Name}{(config.Augment ? " crop" : "")}{(config.WeightDecay > 0 ? " wd" : "")}, {config.Train?.ToString("N0") ?? "all"} images",
            TimeSpan.FromSeconds(Seconds(config, context)),
            (store, progress, cancel) =>
            {
                var dataset = DatasetLoader.Load(config.Dataset, new DataOptions(context.DataDirectory, AllowDownload: true));
                var data = TrainingData.From(dataset, config);
                var directory = Path.Combine(context.OutputDirectory, "runs", $"{config.Model}-{Randomization.Parse(config.Randomization).Name}-{Json.Hash(config)}");
                var watch = System.Diagnostics.Stopwatch.StartNew();
                var result = Trainer.Run(config, data, directory, resume: true,
                    new SynchronousProgress<TrainingProgress>(p => progress.Report((double)p.Step / config.MaxSteps)), cancel);
                store.Save(RunId, config, result, watch.Elapsed.TotalSeconds);
                if (result.Final is { Step: > 0 } final) context.Costs.Observe(config.Model, config.Device, config.BatchSize, watch.Elapsed.TotalSeconds / final.Step);
            })).ToList();

    public IReadOnlyList<TrainingResult> Load(ResultStore store, ReproduceContext context) =>
        Configure(context).Select(c => store.TryLoad<TrainingConfig, TrainingResult>(RunId, c)?.Result
            ?? throw new InvalidOperationException($"No result for {id}: {c.Model} {c.Randomization}.")).ToList();
}
