using Rethink.Kernels;

namespace Rethink.Features;

/// <summary>
/// Registers the feature pipelines with <see cref="KernelFitRunner"/> so that
/// <c>rethink kernels fit --features gabor|random-conv</c> and the kernel table can use them.
/// Parameters come from <see cref="KernelFitConfig.FeatureOptions"/> (e.g. "filters=2048").
/// </summary>
public static class FeaturePipelines
{
    public static void Register()
    {
        KernelFitRunner.FeaturePipelines["gabor"] = (prepared, config, progress) =>
        {
            var gabor = GaborOptions(config.FeatureOptions);
            progress?.Report(new KernelProgress("gabor features", 0));
            var train = GaborFeatures.Transform(prepared.Train, gabor);
            var test = GaborFeatures.Transform(prepared.Test, gabor);
            return (train, test, $"{gabor.Describe()}; {train.Columns} features");
        };
        KernelFitRunner.FeaturePipelines["random-conv"] = (prepared, config, progress) =>
        {
            var random = RandomConvOptions(config.FeatureOptions, config.Seed);
            progress?.Report(new KernelProgress("random conv features", 0));
            var features = RandomConvFeatures.Create(random, prepared.Train);
            var (train, test) = features.Transform(prepared.Train, prepared.Test);
            return (train, test, $"{random.Describe()}; {train.Columns} features");
        };
    }

    public static GaborConfig GaborOptions(string? options)
    {
        var values = Parse(options);
        var defaults = new GaborConfig();
        var config = new GaborConfig(
            (int)values.GetValueOrDefault("scales", defaults.Scales),
            (int)values.GetValueOrDefault("orientations", defaults.Orientations),
            values.GetValueOrDefault("sigma0", defaults.Sigma0),
            (int)values.GetValueOrDefault("pool", defaults.Pool));
        config.Validate();
        return config;
    }

    public static RandomConvConfig RandomConvOptions(string? options, int seed)
    {
        var values = Parse(options);
        var defaults = new RandomConvConfig();
        var source = values.TryGetValue("gaussian", out var g) && g != 0 ? FilterSource.Gaussian : FilterSource.Patches;
        var config = new RandomConvConfig(
            (int)values.GetValueOrDefault("filters", defaults.Filters),
            (int)values.GetValueOrDefault("patch", defaults.Patch),
            source,
            values.GetValueOrDefault("threshold", defaults.Threshold),
            (int)values.GetValueOrDefault("grid", defaults.Grid),
            seed);
        config.Validate();
        return config;
    }

    /// <summary>Parses "key=value,key=value" (numbers only); unknown keys are an error naming the option.</summary>
    private static Dictionary<string, double> Parse(string? options)
    {
        var result = new Dictionary<string, double>();
        if (string.IsNullOrWhiteSpace(options)) return result;
        string[] known = ["scales", "orientations", "sigma0", "pool", "filters", "patch", "threshold", "grid", "gaussian"];
        foreach (var part in options.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var kv = part.Split('=', 2);
            if (kv.Length != 2 || !known.Contains(kv[0]) || !double.TryParse(kv[1], System.Globalization.CultureInfo.InvariantCulture, out var v))
                throw new ArgumentException($"--feature-options: '{part}' is not key=number with key one of {string.Join(", ", known)}.");
            result[kv[0]] = v;
        }
        return result;
    }
}
