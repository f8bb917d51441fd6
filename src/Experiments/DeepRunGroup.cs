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
public sealed class DeepRunGroup(string id, string title, Func<ReproduceContext, IReadOnlyList<TrainingConfig>> configure)
    : RunGroup<TrainingConfig, TrainingResult>(id, title, RunId, c => c.Models is { } models ? configure(c).Where(r => models.Contains(r.Model)).ToList() : configure(c))
{
    /// <summary>The result files' prefix: every training run is stored as <c>deep-run-&lt;hash&gt;.json</c>.</summary>
    public const string RunId = "deep-run";

    /// <inheritdoc/>
    public override string? Unavailable(ReproduceContext context)
    {
        if (context.Torch.Unavailable is { } cuda) return cuda;
        if (TorchRuntime.Unavailable is { } reason) return reason;
        var configs = Configure(context);
        if (DatasetAvailability.Missing(configs.Where(c => !c.IsImageNet).Select(c => c.Dataset), context.DataDirectory) is { } missing) return missing;
        if (configs.Any(c => c.IsImageNet))
        {
            // ImageNet cannot be downloaded for anyone: where to put it, in one line.
            try { _ = ImageNet.ImageNetData.Locate(context.DataDirectory)(); }
            catch (ImageNet.ImageNetLayoutException e) { return e.Message; }
        }
        return null;
    }

    /// <summary>
    /// Steps expected times the cost model's seconds per step, evaluations included: as many steps as
    /// finished runs of the same model, size and kind of labels took in this folder, else about 25 epochs
    /// for runs that stop when fitted (random labels a third more), bounded by the step budget. ImageNet's
    /// runs take their whole budget (no Table 2 row fits its 1.28 million images exactly: the paper's best
    /// training accuracy is 99.53%).
    /// </summary>
    protected override double Seconds(TrainingConfig c, ReproduceContext context)
    {
        var epochSteps = Math.Ceiling((c.Train ?? c.Dataset.TrainCount ?? (c.IsImageNet ? ImageNet.ImageNetFolder.PublishedTrainImages : 50_000)) / (double)c.BatchSize);
        var steps = !c.StopWhenFitted || (c.IsImageNet && c.Train is null) ? c.MaxSteps
            : context.Costs.ExpectedSteps(c) ?? Math.Min(c.MaxSteps, 25 * epochSteps * (c.Labels.Kind == RandomizationKind.TrueLabels ? 1 : 1.3));
        return steps * context.Costs.SecondsPerStep(c.Model, context.Torch.Device, c.BatchSize);
    }

    /// <summary>Trains in <c>&lt;out&gt;/runs/&lt;model&gt;-&lt;randomization&gt;-&lt;hash&gt;</c>, resuming from its checkpoint.</summary>
    protected override TrainingResult Compute(Configured<TrainingConfig> run, ReproduceContext context, IProgress<double> progress, CancellationToken cancel)
    {
        var config = run.Config;
        ITrainingData data = config.IsImageNet ? ImageNetTrainingData.Load(config, ImageNet.ImageNetData.Locate(context.DataDirectory)())
            : TrainingData.From(DatasetLoader.Load(config.Dataset, new DataOptions(context.DataDirectory, AllowDownload: true)), config);
        var session = new TrainingSession(context.Torch.Device, Path.Combine(context.OutputDirectory, "runs", $"{config.ShortName}-{run.Hash}"), Resume: true);
        return Trainer.Run(config, data, session,
            new SynchronousProgress<TrainingProgress>(p => progress.Report((double)p.Step / config.MaxSteps)), cancel);
    }

    /// <summary>Every finished run measures the seconds per step of its model on this device.</summary>
    protected override void Finished(TrainingConfig config, TrainingResult result, double seconds, ReproduceContext context)
    {
        if (result.Final is { Step: > 0 } final)
        {
            context.Costs.Observe(config.Model, result.Device, config.BatchSize, seconds / final.Step);
            context.Costs.ObserveSteps(config, final.Step);
        }
    }

    /// <summary>Model, randomization, crop, dropout, weight decay and size, e.g. "alexnet true-labels crop wd, 1,000 images".</summary>
    protected override string Describe(TrainingConfig config) =>
        $"{config.Model.Name()} {config.Labels.Name}{(config.Augment ? " crop" : "")}{(config.Dropout > 0 ? " dropout" : "")}{(config.WeightDecay > 0 ? " wd" : "")}, {config.Train?.ToString("N0") ?? "all"} images";

    /// <inheritdoc/>
    protected override (string Backend, Kernels.Precision Precision, int? Seed) Provenance(ExperimentRecord<TrainingConfig, TrainingResult> record) =>
        ($"torchsharp ({(record.Result.Device == TrainingDevice.Cuda ? "cuda" : "cpu")})", Kernels.Precision.Fp32, record.Config.Seed);
}
