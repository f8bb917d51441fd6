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
    /// <summary>The result files' prefix: every training run is stored as <c>deep-run-&lt;hash&gt;.json</c>.</summary>
    public const string RunId = "deep-run";

    /// <inheritdoc/>
    public string Id => id;

    /// <inheritdoc/>
    public string Title => title;

    /// <summary>The group's training runs under the context's profile (the same for every device).</summary>
    public IReadOnlyList<TrainingConfig> Configure(ReproduceContext context) => configure(context);

    private IReadOnlyList<Configured<TrainingConfig>> Runs(ReproduceContext context) => Configure(context).Select(Configured<TrainingConfig>.Of).ToList();

    /// <inheritdoc/>
    public string? Unavailable(ReproduceContext context)
    {
        if (context.Torch.Unavailable is { } cuda) return cuda;
        if (TorchRuntime.Unavailable is { } reason) return reason;
        if (DatasetAvailability.Missing(Configure(context).Select(c => c.Dataset), context.DataDirectory) is { } missing) return missing;
        return null;
    }

    /// <summary>
    /// Steps expected times the cost model's seconds per step, evaluations included: runs that stop when
    /// fitted take about 25 epochs (random labels a third more), bounded by the step budget.
    /// </summary>
    private static double Seconds(TrainingConfig c, ReproduceContext context)
    {
        var epochSteps = Math.Ceiling((c.Train ?? c.Dataset.TrainCount ?? 50_000) / (double)c.BatchSize);
        var steps = c.StopWhenFitted ? Math.Min(c.MaxSteps, 25 * epochSteps * (c.Labels.Kind == RandomizationKind.TrueLabels ? 1 : 1.3)) : c.MaxSteps;
        return steps * context.Costs.SecondsPerStep(c.Model, context.Torch.Device, c.BatchSize);
    }

    /// <inheritdoc/>
    public IReadOnlyList<RunUnit> Units(ReproduceContext context) =>
        Runs(context).Select(run => new RunUnit(id, RunId, run.Hash, Describe(run.Config),
            TimeSpan.FromSeconds(Seconds(run.Config, context)),
            (store, progress, cancel) =>
            {
                var config = run.Config;
                var dataset = DatasetLoader.Load(config.Dataset, new DataOptions(context.DataDirectory, AllowDownload: true));
                var data = TrainingData.From(dataset, config);
                var device = context.Torch.Device;
                var session = new TrainingSession(device, Path.Combine(context.OutputDirectory, "runs", $"{config.ShortName}-{run.Hash}"), Resume: true);
                var watch = System.Diagnostics.Stopwatch.StartNew();
                var result = Trainer.Run(config, data, session,
                    new SynchronousProgress<TrainingProgress>(p => progress.Report((double)p.Step / config.MaxSteps)), cancel);
                store.Save(RunId, run, result, watch.Elapsed.TotalSeconds);
                if (result.Final is { Step: > 0 } final) context.Costs.Observe(config.Model, device, config.BatchSize, watch.Elapsed.TotalSeconds / final.Step);
            })).ToList();

    /// <summary>Model, randomization, crop, weight decay and size, e.g. "alexnet true-labels crop wd, 1,000 images".</summary>
    private static string Describe(TrainingConfig config) =>
        $"{config.Model.Name()} {config.Labels.Name}{(config.Augment ? " crop" : "")}{(config.WeightDecay > 0 ? " wd" : "")}, {config.Train?.ToString("N0") ?? "all"} images";

    /// <inheritdoc/>
    public IReadOnlyList<RunSummary> Summaries(ResultStore store, ReproduceContext context) =>
        Runs(context).Select(run => store.TryLoad<TrainingConfig, TrainingResult>(RunId, run)).OfType<ExperimentRecord<TrainingConfig, TrainingResult>>()
            .Select(r => new RunSummary(id, Describe(r.Config), $"torchsharp ({(r.Result.Device == TrainingDevice.Cuda ? "cuda" : "cpu")})", Kernels.Precision.Fp32, r.Config.Seed, r.Run)).ToList();

    /// <summary>The stored results of the group's runs, in <see cref="Configure"/>'s order (all must exist).</summary>
    public IReadOnlyList<TrainingResult> Load(ResultStore store, ReproduceContext context) =>
        Runs(context).Select(run => store.TryLoad<TrainingConfig, TrainingResult>(RunId, run)?.Result
            ?? throw new InvalidOperationException($"No result for {id}: {Describe(run.Config)}.")).ToList();
}
