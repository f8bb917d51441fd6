using Rethink.Torch;
using Rethink.Core;
using Rethink.Data;
using Rethink.Deep;

namespace Rethink.Plots.Experiments;

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
        configure(context).Select(c => c with { Device = context.Device == Kernels.Devices.ComputeDevice.Cuda ? "cuda" : "cpu" }).ToList();

    public string? Unavailable(ReproduceContext context)
    {
        if (TorchRuntime.Unavailable is { } reason) return reason;
        if (context.Device == Kernels.Devices.ComputeDevice.Cuda && !TorchSharp.torch.cuda.is_available())
            return "--device cuda: TorchSharp sees no CUDA device (this build bundles the CPU libtorch); use --device auto or cpu.";
        if (DatasetAvailability.Missing(Configure(context).Select(c => c.Dataset), context.DataDirectory) is { } missing) return missing;
        return null;
    }

    /// <summary>
    /// Runs that stop when fitted take about 25 epochs (random labels a third more), bounded by the
    /// step budget; evaluations add about half again.
    /// </summary>
    public TimeSpan Estimate(ReproduceContext context) =>
        TimeSpan.FromSeconds(Configure(context).Sum(c =>
        {
            var epochSteps = Math.Ceiling((c.Train ?? 50_000) / (double)c.BatchSize);
            var steps = c.StopWhenFitted ? Math.Min(c.MaxSteps, 25 * epochSteps * (c.Randomization == "true-labels" ? 1 : 1.3)) : c.MaxSteps;
            return 1.5 * steps * SecondsPerStep(c.Model) * (c.Device == "cuda" ? 0.05 : 1);
        }));

    /// <summary>Measured on a 2-core CPU at batch 128.</summary>
    private static double SecondsPerStep(string model) => model switch
    {
        ModelKind.Mlp1x512 => 0.008,
        ModelKind.Mlp3x512 => 0.015,
        ModelKind.AlexNet => 0.22,
        _ => 1.0,
    };

    public IReadOnlyList<string> ResultFiles(ResultStore store, ReproduceContext context) =>
        Configure(context).Select(c => store.PathFor(RunId, Json.Hash(c))).ToList();

    public bool IsCached(ResultStore store, ReproduceContext context) =>
        Configure(context).All(c => store.Exists(RunId, Json.Hash(c)));

    public void Run(ResultStore store, ReproduceContext context, IProgress<double> progress, CancellationToken cancel)
    {
        var configs = Configure(context);
        var options = new DataOptions(context.DataDirectory, AllowDownload: true);
        var datasets = new Dictionary<string, LabeledDataset>();
        var total = configs.Sum(c => (double)c.MaxSteps);
        var done = 0.0;
        foreach (var config in configs)
        {
            cancel.ThrowIfCancellationRequested();
            if (!store.Exists(RunId, Json.Hash(config)))
            {
                if (!datasets.TryGetValue(config.Dataset, out var dataset))
                    datasets[config.Dataset] = dataset = DatasetLoader.Load(config.Dataset, options);
                var data = TrainingData.From(dataset, config);
                var directory = Path.Combine(context.OutputDirectory, "runs", $"{config.Model}-{Randomization.Parse(config.Randomization).Name}-{Json.Hash(config)}");
                var watch = System.Diagnostics.Stopwatch.StartNew();
                var before = done;
                var result = Trainer.Run(config, data, directory, resume: true,
                    new Cli.SynchronousProgressAdapter<TrainingProgress>(p => progress.Report((before + p.Step) / total)), cancel);
                store.Save(RunId, config, result, watch.Elapsed.TotalSeconds);
            }
            done += config.MaxSteps;
            progress.Report(done / total);
        }
    }

    public IReadOnlyList<TrainingResult> Load(ResultStore store, ReproduceContext context) =>
        Configure(context).Select(c => store.TryLoad<TrainingConfig, TrainingResult>(RunId, c)?.Result
            ?? throw new InvalidOperationException($"No result for {id}: {c.Model} {c.Randomization}.")).ToList();
}
