using Rethink.Kernels;
using System.Diagnostics;
using Rethink.Core;
using Rethink.Data;
using Rethink.Kernels.Devices;
using Rethink.Features;

namespace Rethink.Experiments;

/// <summary>
/// Runs a <see cref="KernelFitConfig"/>: data → preprocessing (÷255, flatten) → optional feature map →
/// bandwidth → one-hot targets → minimum-norm solve on the chosen device → tiled prediction → test error.
/// </summary>
public static class KernelFitRunner
{
    /// <param name="config">The experiment.</param>
    /// <param name="data">Where datasets are found.</param>
    /// <param name="device">Where to compute (default: this machine's CPU).</param>
    /// <param name="features">The implementation of <see cref="KernelFitConfig.Features"/> (required exactly when the config names one).</param>
    /// <param name="progress">Phase progress.</param>
    /// <param name="cancel">Cancellation.</param>
    /// <param name="gramCache">Where streamed Gram matrices are kept (default <see cref="GramCache"/>, the user cache).</param>
    /// <param name="checkpoints">When a streamed Gram is checkpointed (default every 10 minutes).</param>
    public static KernelFit Run(KernelFitConfig config, DataOptions data, DeviceRequest? device = null, IFeatureMap? features = null,
        IProgress<KernelProgress>? progress = null, CancellationToken cancel = default, string? gramCache = null, CheckpointSchedule? checkpoints = null)
    {
        ArgumentNullException.ThrowIfNull(config);
        config.Validate();
        device ??= DeviceRequest.Cpu;
        if ((config.Features is null) != (features is null) || (features is not null && features.Config != config.Features))
            throw new ArgumentException(config.Features is null
                ? "A feature map was given but the config names none."
                : $"The config asks for {config.Features.Describe()}; pass its IFeatureMap (got {features?.Config.Describe() ?? "none"}).", nameof(features));
        var watch = Stopwatch.StartNew();

        var dataset = DatasetLoader.Load(config.Dataset, data);
        var pipeline = new PipelineConfig(PipelineConfig.Scaled, config.Labels,
            Subset.Of(config.Train, dataset.Train.Count, "training", dataset.Name, nameof(config.Train), config.Subset, config.Seed),
            Subset.Of(config.Test, dataset.Test.Count, "test", dataset.Name, nameof(config.Test), config.Subset, config.Seed));
        var prepared = DataPipeline.Prepare(dataset, pipeline);
        var dataSeconds = watch.Lap();

        var targets = Targets.OneHot(prepared.TrainLabels, prepared.Classes);
        var opened = ComputeDevices.Open(device, config.Precision);
        KernelModel? model = null; // owns the device once it exists
        try
        {
            var cache = Path.Combine(gramCache ?? GramCache, Json.Hash(new { config.Dataset, config.Features, config.Train, config.Test, config.Subset, config.Labels, config.Seed, config.Precision }));
            using var operands = KernelOperands.Build(prepared, features, config.Precision, opened.Device, cache, progress, cancel, checkpoints);
            var featureSeconds = watch.Lap();
            var (kernel, bandwidth) = config.Kernel.Resolve(operands.Train, config.Seed);
            var bandwidthSeconds = watch.Lap();
            model = new MinimumNormSolver(opened.Device).Fit(operands.Train, targets, kernel, new SolveOptions(config.Precision, config.Ridge, Method: config.Method), progress, cancel).Owning(opened);
            var fitSeconds = watch.Lap();
            var scores = model.Predict(operands.Test, progress, cancel);
            var timings = new FitTimings(dataSeconds, featureSeconds, bandwidthSeconds, fitSeconds, watch.Lap());
            var (error, perClass) = Evaluate(scores, prepared.TestLabels, prepared.Classes);
            var result = new KernelFitResult(config, kernel, bandwidth, prepared.Steps, operands.Description, model.Report.N, prepared.Test.Count,
                prepared.Classes, prepared.Randomization.RealizedCorruption, model.Report, error, perClass, opened.Warning, MachineInfo.Current, timings, device, scores);
            return new KernelFit(result, model);
        }
        catch
        {
            if (model is null) opened.Dispose();
            else model.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Bytes the materialized path holds at its peak: the train and test features in double, the training points on
    /// the device in its precision, K, and a prediction tile (at most 16,384 test points).
    /// </summary>
    public static long MaterializedPlan(IStreamedFeatureMap map, int n, int m, Precision precision)
    {
        var b = precision == Precision.Fp64 ? 8L : 4L;
        var features = map.MaterializedBytes(n, m);
        var dimension = features / Math.Max(1L, (long)(n + m) * sizeof(double));
        return features + n * dimension * b + (long)n * n * b + (long)n * Math.Min(m, 16_384) * b;
    }

    /// <summary>Bytes the streamed path holds at its peak: K and the cross products, whatever the feature dimension.</summary>
    public static long StreamedPlan(int n, int m, Precision precision) => ((long)n * n + (long)n * m) * (precision == Precision.Fp64 ? 8L : 4L);

    /// <summary>
    /// Stream when asked (stream=1), never when told not to (stream=0, refused up front when the materialized plan cannot
    /// fit), else exactly when the materialized plan does not fit in the memory available now.
    /// </summary>
    internal static bool ChooseStreaming(IStreamedFeatureMap map, int n, int m, Precision precision)
    {
        var (materialized, available) = (MaterializedPlan(map, n, m, precision), MemoryBudget.Available());
        if (map.Stream is { } forced)
        {
            if (!forced && materialized > available)
                throw new UserInputException($"{nameof(RandomConvConfig)}.{nameof(RandomConvConfig.Stream)}", 0,
                    $"the materialized features, their device copy and K for {n:N0} + {m:N0} points need {MemoryBudget.Gigabytes(materialized)}; {MemoryBudget.Gigabytes(available)} available. Leave stream out (or 1) to stream the Gram matrices ({MemoryBudget.Gigabytes(StreamedPlan(n, m, precision))}).");
            return forced;
        }
        return materialized > available;
    }

    /// <summary>Where streamed Gram matrices are checkpointed and kept for reuse (by experiment configs that share features): $XDG_CACHE_HOME/rethink/grams.</summary>
    public static string GramCache => Path.Combine(DataLocator.CacheDirectory, "grams");

    /// <summary>Test error of argmax predictions, overall and per true class.</summary>
    public static (double Error, double[] PerClass) Evaluate(double[] scores, IReadOnlyList<int> labels, int classes)
    {
        var m = labels.Count;
        var wrong = new int[classes];
        var total = new int[classes];
        var errors = 0;
        for (var i = 0; i < m; i++)
        {
            var best = 0;
            for (var c = 1; c < classes; c++)
                if (scores[(long)c * m + i] > scores[(long)best * m + i]) best = c;
            total[labels[i]]++;
            if (best != labels[i]) { wrong[labels[i]]++; errors++; }
        }
        return (m == 0 ? double.NaN : (double)errors / m, wrong.Select((w, c) => total[c] == 0 ? double.NaN : (double)w / total[c]).ToArray());
    }
}
