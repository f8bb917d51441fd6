using Rethink.Features;
using Rethink.Core;
using Rethink.Data;
using Rethink.Kernels;
using Rethink.Kernels.Devices;

namespace Rethink.Experiments;

/// <summary>A set of kernel fits behind a figure or table, each cached on its own by config hash.</summary>
public sealed class KernelRunGroup(string id, string title, Func<ReproduceContext, IReadOnlyList<KernelFitConfig>> configure)
    : RunGroup<KernelFitConfig, KernelFitResult>(id, title, RunId, configure)
{
    /// <summary>The result files' prefix: every fit is stored as <c>kernel-fit-&lt;hash&gt;.json</c>.</summary>
    public const string RunId = "kernel-fit";

    /// <inheritdoc/>
    public override string? Unavailable(ReproduceContext context)
    {
        if (context.KernelDevice.Device == ComputeDevice.Cuda && ComputeDevices.CudaUnavailable() is { } reason) return reason;
        if (DatasetAvailability.Missing(Configure(context).Select(c => c.Dataset), context.DataDirectory) is { } missing) return missing;
        return null;
    }

    /// <summary>n³/3 flops at about 30 GFLOP/s (FP64, 2 cores) plus the Gram and prediction products.</summary>
    protected override double Seconds(KernelFitConfig c, ReproduceContext context)
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

    /// <summary>Fits on the context's device; the model is freed once the result is taken.</summary>
    protected override KernelFitResult Compute(Configured<KernelFitConfig> run, ReproduceContext context, IProgress<double> progress, CancellationToken cancel)
    {
        var config = run.Config;
        var features = config.Features is { } f ? FeatureMaps.Create(f) : null;
        using var fit = KernelFitRunner.Run(config, new DataOptions(context.DataDirectory, AllowDownload: true), context.KernelDevice, features,
            new SynchronousProgress<KernelProgress>(p => progress.Report(p.Fraction)), cancel, checkpoints: context.Checkpoints);
        return fit.Result;
    }

    /// <summary>Dataset, features, labels, size and ridge, e.g. "mnist raw random-labels n=4,000".</summary>
    protected override string Describe(KernelFitConfig config) =>
        $"{config.Dataset} {config.Features?.Name ?? "raw"} {config.Labels.Name} n={config.Train?.ToString("N0") ?? "all"}{(config.Ridge > 0 ? $" ridge {config.Ridge:G3}" : "")}";

    /// <inheritdoc/>
    protected override (string Backend, Precision Precision, int? Seed) Provenance(ExperimentRecord<KernelFitConfig, KernelFitResult> record) =>
        (record.Result.Solve.Backend.ToString().ToLowerInvariant(), record.Result.Solve.Precision, record.Config.Seed);
}
