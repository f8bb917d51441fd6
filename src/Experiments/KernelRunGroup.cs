using Rethink.Features;
using Rethink.Core;
using Rethink.Data;
using Rethink.Kernels;
using Rethink.Kernels.Devices;

namespace Rethink.Experiments;

/// <summary>A set of kernel fits behind a figure or table, each cached on its own by config hash.</summary>
public sealed class KernelRunGroup(string id, string title, Func<ReproduceContext, IReadOnlyList<KernelFitConfig>> configure) : IExperiment
{
    public const string RunId = "kernel-fit";
    public string Id => id;
    public string Title => title;

    public IReadOnlyList<KernelFitConfig> Configure(ReproduceContext context) =>
        configure(context).Select(c => c with { Device = context.Device }).ToList();

    /// <summary>Why the kernel solves cannot run on CUDA here, or null when they can.</summary>
    public static string? CudaUnavailable()
    {
        try
        {
            Kernels.Cuda.CudaDevice.Open(Precision.Fp64).Dispose();
            return null;
        }
        catch (DeviceUnavailableException e)
        {
            return e.Message;
        }
    }

    public string? Unavailable(ReproduceContext context)
    {
        if (context.Device == ComputeDevice.Cuda && CudaUnavailable() is { } reason) return reason;
        if (DatasetAvailability.Missing(Configure(context).Select(c => c.Dataset), context.DataDirectory) is { } missing) return missing;
        return null;
    }

    /// <summary>n³/3 flops at about 30 GFLOP/s (FP64, 2 cores) plus the Gram and prediction products.</summary>
    public TimeSpan Estimate(ReproduceContext context) => TimeSpan.FromSeconds(Configure(context).Sum(Seconds));

    private static double Seconds(KernelFitConfig c)
    {
        double n = c.Train ?? (c.Dataset == "cifar10" ? 50_000 : 60_000);
        double m = c.Test ?? 10_000;
        double d = c.Dataset == "cifar10" ? 3072 : 784;
        var flops = n * n * n / 3 + n * n * d + 2 * n * m * d;
        // Random features: the convolution (one GEMM per image batch) and the products of D features
        // (measured here: about 70 GFLOP/s in FP32 on 2 cores, streamed or not).
        var features = c.Features is RandomConvConfig r
            ? (n + m) * 28 * 28 * r.Patch * r.Patch * 3 * 2.0 * r.Filters + r.Dimension * (n * n + 2 * n * m)
            : 0;
        return flops / (c.Precision == Precision.Fp32 ? 60e9 : 30e9) + features / 70e9 + 2;
    }

    public IReadOnlyList<string> ResultFiles(ResultStore store, ReproduceContext context) =>
        Configure(context).Select(c => store.PathFor(RunId, Json.Hash(c))).ToList();

    public bool IsCached(ResultStore store, ReproduceContext context) =>
        Configure(context).All(c => store.Exists(RunId, Json.Hash(c)));

    public IReadOnlyList<RunUnit> Units(ReproduceContext context) =>
        Configure(context).Select(config => new RunUnit(id, RunId, Json.Hash(config),
            $"{config.Dataset} {config.Features?.Name ?? "raw"} {config.Labels.Name} n={config.Train?.ToString("N0") ?? "all"}{(config.Ridge > 0 ? $" ridge {config.Ridge:G3}" : "")}",
            TimeSpan.FromSeconds(Seconds(config)),
            (store, progress, cancel) =>
            {
                var watch = System.Diagnostics.Stopwatch.StartNew();
                var features = config.Features is { } f ? Features.FeatureMaps.Create(f) : null;
                var (result, model) = KernelFitRunner.Run(config, new DataOptions(context.DataDirectory, AllowDownload: true), features,
                    new SynchronousProgress<KernelProgress>(p => progress.Report(p.Fraction)), cancel);
                model.Dispose();
                store.Save(RunId, config, result, watch.Elapsed.TotalSeconds);
            })).ToList();

    public IReadOnlyList<KernelFitResult> Load(ResultStore store, ReproduceContext context) =>
        Configure(context).Select(c => store.TryLoad<KernelFitConfig, KernelFitResult>(RunId, c)?.Result
            ?? throw new InvalidOperationException($"No result for {id}: {c.Dataset} n={c.Train}.")).ToList();
}
