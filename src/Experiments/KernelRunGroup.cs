using Rethink.Features;
using Rethink.Core;
using Rethink.Data;
using Rethink.Kernels;
using Rethink.Kernels.Devices;

namespace Rethink.Experiments;

/// <summary>A set of kernel fits behind a figure or table, each cached on its own by config hash.</summary>
public sealed class KernelRunGroup(string id, string title, Func<ReproduceContext, IReadOnlyList<KernelFitConfig>> configure) : IExperiment
{
    /// <summary>The result files' prefix: every fit is stored as <c>kernel-fit-&lt;hash&gt;.json</c>.</summary>
    public const string RunId = "kernel-fit";

    /// <inheritdoc/>
    public string Id => id;

    /// <inheritdoc/>
    public string Title => title;

    /// <summary>The group's fits under the context's profile (the same for every device).</summary>
    public IReadOnlyList<KernelFitConfig> Configure(ReproduceContext context) => configure(context);

    private IReadOnlyList<Configured<KernelFitConfig>> Runs(ReproduceContext context) => Configure(context).Select(Configured<KernelFitConfig>.Of).ToList();

    /// <inheritdoc/>
    public string? Unavailable(ReproduceContext context)
    {
        if (context.KernelDevice.Device == ComputeDevice.Cuda && ComputeDevices.CudaUnavailable() is { } reason) return reason;
        if (DatasetAvailability.Missing(Configure(context).Select(c => c.Dataset), context.DataDirectory) is { } missing) return missing;
        return null;
    }

    /// <summary>n³/3 flops at about 30 GFLOP/s (FP64, 2 cores) plus the Gram and prediction products.</summary>
    private static double Seconds(KernelFitConfig c)
    {
        double n = c.Train ?? c.Dataset.TrainCount ?? 60_000;
        double m = c.Test ?? 10_000;
        double d = (c.Dataset.Channels ?? 1) * Math.Pow(c.Dataset.Side ?? 28, 2);
        var flops = n * n * n / 3 + n * n * d + 2 * n * m * d;
        // Random features: the convolution (one GEMM per image batch) and the products of D features
        // (measured here: about 70 GFLOP/s in FP32 on 2 cores, streamed or not).
        var features = c.Features is RandomConvConfig r
            ? (n + m) * 28 * 28 * r.Patch * r.Patch * 3 * 2.0 * r.Filters + r.Dimension * (n * n + 2 * n * m)
            : 0;
        return flops / (c.Precision == Precision.Fp32 ? 60e9 : 30e9) + features / 70e9 + 2;
    }

    /// <inheritdoc/>
    public IReadOnlyList<RunUnit> Units(ReproduceContext context) =>
        Runs(context).Select(run => new RunUnit(id, RunId, run.Hash, Describe(run.Config),
            TimeSpan.FromSeconds(Seconds(run.Config)),
            (store, progress, cancel) =>
            {
                var config = run.Config;
                var watch = System.Diagnostics.Stopwatch.StartNew();
                var features = config.Features is { } f ? FeatureMaps.Create(f) : null;
                using var fit = KernelFitRunner.Run(config, new DataOptions(context.DataDirectory, AllowDownload: true), context.KernelDevice, features,
                    new SynchronousProgress<KernelProgress>(p => progress.Report(p.Fraction)), cancel);
                store.Save(RunId, run, fit.Result, watch.Elapsed.TotalSeconds);
            })).ToList();

    /// <summary>Dataset, features, labels, size and ridge, e.g. "mnist raw random-labels n=4,000".</summary>
    private static string Describe(KernelFitConfig config) =>
        $"{config.Dataset} {config.Features?.Name ?? "raw"} {config.Labels.Name} n={config.Train?.ToString("N0") ?? "all"}{(config.Ridge > 0 ? $" ridge {config.Ridge:G3}" : "")}";

    /// <inheritdoc/>
    public IReadOnlyList<RunSummary> Summaries(ResultStore store, ReproduceContext context) =>
        Runs(context).Select(run => store.TryLoad<KernelFitConfig, KernelFitResult>(RunId, run)).OfType<ExperimentRecord<KernelFitConfig, KernelFitResult>>()
            .Select(r => new RunSummary(id, Describe(r.Config), r.Result.Solve.Backend.ToString().ToLowerInvariant(), r.Result.Solve.Precision, r.Config.Seed, r.Run)).ToList();

    /// <summary>The stored results of the group's fits, in <see cref="Configure"/>'s order (all must exist).</summary>
    public IReadOnlyList<KernelFitResult> Load(ResultStore store, ReproduceContext context) =>
        Runs(context).Select(run => store.TryLoad<KernelFitConfig, KernelFitResult>(RunId, run)?.Result
            ?? throw new InvalidOperationException($"No result for {id}: {Describe(run.Config)}.")).ToList();
}
