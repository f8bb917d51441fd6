using System.Diagnostics;
using Rethink.Core;
using Rethink.Data;

namespace Rethink.Kernels;

/// <summary>
/// Runs a <see cref="KernelFitConfig"/>: data → preprocessing (÷255, flatten) → optional features →
/// bandwidth → one-hot targets → minimum-norm solve → tiled prediction → test error.
/// </summary>
public static class KernelFitRunner
{
    /// <summary>Feature pipelines by name (registered by the features issue: gabor, random-conv).</summary>
    public static readonly Dictionary<string, Func<PreparedData, KernelFitConfig, IProgress<KernelProgress>?, (FeatureMatrix Train, FeatureMatrix Test, string Description)>> FeaturePipelines = new();

    public static (KernelFitResult Result, IKernelModel Model) Run(KernelFitConfig config, DataOptions data,
        IProgress<KernelProgress>? progress = null, CancellationToken cancel = default)
    {
        ArgumentNullException.ThrowIfNull(config);
        config.Validate();
        var timings = new Dictionary<string, double>();
        var watch = Stopwatch.StartNew();

        var dataset = DatasetLoader.Load(config.Dataset, data);
        var randomization = Randomization.Parse(config.Randomization, seed: config.Seed);
        var pipeline = new PipelineConfig(PipelineConfig.Scaled, randomization,
            config.Train is { } tr && tr < dataset.Train.Count ? new Subset(tr, config.Subset, config.Seed) : null,
            config.Test is { } te && te < dataset.Test.Count ? new Subset(te, config.Subset, config.Seed) : null);
        var prepared = DataPipeline.Prepare(dataset, pipeline);
        timings["data"] = watch.Lap();

        FeatureMatrix train, test;
        string? featureDescription = null;
        if (config.Features is { } name)
        {
            if (!FeaturePipelines.TryGetValue(name, out var features))
                throw new ArgumentException($"--features {name}: unknown feature pipeline; available: {string.Join(", ", FeaturePipelines.Keys.DefaultIfEmpty("none"))}.");
            (train, test, featureDescription) = features(prepared, config, progress);
            timings["features"] = watch.Lap();
        }
        else
        {
            train = FeatureMatrix.From(prepared.Train);
            test = FeatureMatrix.From(prepared.Test);
        }

        var (kernel, bandwidth) = CreateKernel(config, train);
        timings["bandwidth"] = watch.Lap();
        var targets = OneHot(prepared.TrainLabels, prepared.Classes);
        var backend = KernelBackends.Create(config.Device, out var warning);
        var options = new SolveOptions(config.Precision, config.Ridge, Method: config.Method);
        var model = backend.Fit(train, targets, prepared.Classes, kernel, options, progress, cancel);
        timings["fit"] = watch.Lap();
        try
        {
            var scores = model.Predict(test, progress, cancel);
            timings["predict"] = watch.Lap();
            var (error, perClass) = Evaluate(scores, prepared.TestLabels, prepared.Classes);
            var result = new KernelFitResult(config, kernel.Describe(), bandwidth, prepared.Steps, featureDescription, train.Rows, test.Rows,
                prepared.Classes, prepared.Randomization.RealizedCorruption, model.Report, error, perClass, warning, MachineInfo.Current, timings);
            return (result, model);
        }
        catch
        {
            model.Dispose();
            throw;
        }
    }

    public static (Kernel Kernel, Bandwidth? Bandwidth) CreateKernel(KernelFitConfig config, FeatureMatrix train)
    {
        Bandwidth? bandwidth = null;
        if (config.Kernel is "gaussian" or "laplacian")
        {
            bandwidth = config.BandwidthRule == BandwidthRule.Given
                ? (config.Kernel == "gaussian" ? Bandwidth.Given(config.Bandwidth) : new Bandwidth(BandwidthRule.Given, double.NaN, 1, 1 / (config.Bandwidth * config.Bandwidth), config.Bandwidth))
                : Bandwidth.Resolve(config.BandwidthRule, config.Bandwidth, train, config.Seed);
        }
        Kernel kernel = config.Kernel switch
        {
            "gaussian" => new GaussianKernel(bandwidth!.Gamma),
            "laplacian" => new LaplacianKernel(bandwidth!.Sigma),
            "polynomial" => new PolynomialKernel(config.Degree, config.BandwidthRule == BandwidthRule.Given ? config.Bandwidth : 1.0 / train.Columns),
            "linear" => new LinearKernel(),
            "arc-cosine" => new ArcCosineKernel(),
            _ => throw new ArgumentException($"Unknown kernel {config.Kernel}."),
        };
        return (kernel, bandwidth);
    }

    /// <summary>One-hot targets, n×classes column-major: Y[i, c] = 1 when label i is c, else 0.</summary>
    public static double[] OneHot(IReadOnlyList<int> labels, int classes)
    {
        var y = new double[(long)labels.Count * classes];
        for (var i = 0; i < labels.Count; i++) y[(long)labels[i] * labels.Count + i] = 1;
        return y;
    }

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
