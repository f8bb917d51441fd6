using Rethink.Kernels;
using System.Globalization;
using System.Text.Json.Serialization;
using Rethink.Core;

namespace Rethink.Features;

/// <summary>
/// A feature map applied to the images before the kernel, as data: written verbatim into every result
/// and hashed with the experiment's config. The implementations (TorchSharp or BLAS convolutions) live
/// in Rethink.Features and are passed to the runner as an <see cref="IFeatureMap"/>.
/// </summary>
[JsonPolymorphic(TypeDiscriminatorPropertyName = "kind")]
[JsonDerivedType(typeof(GaborConfig), "gabor")]
[JsonDerivedType(typeof(RandomConvConfig), "random-conv")]
public abstract record FeatureMapConfig
{
    /// <summary>The console name: gabor, random-conv.</summary>
    [JsonIgnore]
    public abstract string Name { get; }

    public abstract void Validate();

    public abstract string Describe();

    /// <summary>Parses a feature map's name and its options "key=value,…" (the console's only parse of these strings).</summary>
    /// <exception cref="UserInputException">An unknown key, a value that is not a number of the key's kind, or out of its range (parameter "FeatureOptions.KEY").</exception>
    public static FeatureMapConfig Parse(string name, string? options, int seed)
    {
        var values = ParseOptions(options, name switch
        {
            "gabor" => GaborConfig.Keys,
            "random-conv" => RandomConvConfig.Keys,
            _ => throw new UserInputException("Features", name, "choose gabor or random-conv."),
        });
        FeatureMapConfig config = name == "gabor" ? GaborConfig.From(values) : RandomConvConfig.From(values, seed);
        config.Validate();
        return config;
    }

    private static Dictionary<string, (double Value, string Text)> ParseOptions(string? options, string[] known)
    {
        var result = new Dictionary<string, (double Value, string Text)>();
        if (string.IsNullOrWhiteSpace(options)) return result;
        foreach (var part in options.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var kv = part.Split('=', 2);
            if (kv.Length != 2 || !known.Contains(kv[0]))
                throw new UserInputException("FeatureOptions", part, $"not key=value with a key among {string.Join(", ", known)}.");
            if (!double.TryParse(kv[1], NumberStyles.Float, CultureInfo.InvariantCulture, out var v) || !double.IsFinite(v))
                throw new UserInputException($"FeatureOptions.{kv[0]}", kv[1], "not a finite number (a dot for decimals).");
            if (!result.TryAdd(kv[0], (v, kv[1]))) throw new UserInputException($"FeatureOptions.{kv[0]}", kv[1], "given twice.");
        }
        return result;
    }

    /// <summary>A whole-number option within [<paramref name="minimum"/>, <paramref name="maximum"/>], or the default when absent.</summary>
    private protected static int Whole(Dictionary<string, (double Value, string Text)> values, string key, int fallback, int minimum, int maximum, string meaning)
    {
        if (!values.TryGetValue(key, out var given)) return fallback;
        var v = given.Value;
        if (v != Math.Floor(v)) throw new UserInputException($"FeatureOptions.{key}", given.Text, $"{meaning} is a whole number; give one from {minimum} to {maximum}.");
        if (v < minimum || v > maximum) throw new UserInputException($"FeatureOptions.{key}", given.Text, $"{meaning} must lie in {minimum}..{maximum}.");
        return (int)v;
    }

    /// <summary>A switch: absent (null), 0 (false) or 1 (true); anything else is refused.</summary>
    private protected static bool? Switch(Dictionary<string, (double Value, string Text)> values, string key)
    {
        if (!values.TryGetValue(key, out var given)) return null;
        return given.Value switch
        {
            0 => false,
            1 => true,
            _ => throw new UserInputException($"FeatureOptions.{key}", given.Text, "a switch: give 1 (on) or 0 (off)."),
        };
    }

    /// <summary>A number within (<paramref name="minimum"/>, <paramref name="maximum"/>] (or [minimum, …] when <paramref name="inclusive"/>).</summary>
    private protected static double Real(Dictionary<string, (double Value, string Text)> values, string key, double fallback, double minimum, double maximum, bool inclusive, string meaning)
    {
        if (!values.TryGetValue(key, out var given)) return fallback;
        var v = given.Value;
        if (!(inclusive ? v >= minimum : v > minimum) || v > maximum)
            throw new UserInputException($"FeatureOptions.{key}", given.Text, $"{meaning} must lie in {(inclusive ? "[" : "(")}{minimum.ToString(CultureInfo.InvariantCulture)}, {maximum.ToString(CultureInfo.InvariantCulture)}].");
        return v;
    }
}

/// <summary>
/// The Gabor (Morlet) wavelet transform: <see cref="Scales"/> scales, <see cref="Orientations"/>
/// orientations, σ₀, modulus, average pooling over Pool×Pool blocks.
/// </summary>
public sealed record GaborConfig(int Scales = 3, int Orientations = 8, double Sigma0 = 0.8, int Pool = 4, int MaxSize = 21) : FeatureMapConfig
{
    internal static readonly string[] Keys = ["scales", "orientations", "sigma0", "pool"];

    public override string Name => "gabor";

    /// <summary>Largest values accepted: beyond them the filters no longer fit their 21×21 support or the images.</summary>
    public const int MaxScales = 6, MaxOrientations = 32, MaxPool = 28;

    /// <summary>Largest σ₀ accepted (the finest scale's envelope, in pixels).</summary>
    public const double MaxSigma0 = 4;

    internal static GaborConfig From(Dictionary<string, (double Value, string Text)> v)
    {
        var d = new GaborConfig();
        return new GaborConfig(Whole(v, "scales", d.Scales, 1, MaxScales, "the number of scales"), Whole(v, "orientations", d.Orientations, 1, MaxOrientations, "the number of orientations"),
            Real(v, "sigma0", d.Sigma0, 0, MaxSigma0, inclusive: false, "sigma0 (pixels)"), Whole(v, "pool", d.Pool, 1, MaxPool, "the pooling block (pixels)"));
    }

    public override void Validate()
    {
        if (Scales is < 1 or > MaxScales) throw new UserInputException("FeatureOptions.scales", Scales, $"the number of scales must lie in 1..{MaxScales}.");
        if (Orientations is < 1 or > MaxOrientations) throw new UserInputException("FeatureOptions.orientations", Orientations, $"the number of orientations must lie in 1..{MaxOrientations}.");
        if (!(Sigma0 > 0 && Sigma0 <= MaxSigma0)) throw new UserInputException("FeatureOptions.sigma0", Sigma0, $"sigma0 must lie in (0, {MaxSigma0}] pixels.");
        if (Pool is < 1 or > MaxPool) throw new UserInputException("FeatureOptions.pool", Pool, $"the pooling block must lie in 1..{MaxPool} pixels (and not exceed the images' side).");
        if (MaxSize < 3 || MaxSize % 2 == 0) throw new ArgumentOutOfRangeException(nameof(MaxSize), MaxSize, "The largest filter side must be odd and at least 3.");
    }

    public override string Describe() => $"Morlet/Gabor J={Scales} L={Orientations} sigma0={Sigma0} modulus, {Pool}x{Pool} average pooling";
}

/// <summary>Where the random filters come from.</summary>
public enum FilterSource
{
    /// <summary>Random patches of the (whitened) training images, each normalized to unit norm (Coates and Ng 2011).</summary>
    Patches,
    /// <summary>Independent standard Gaussian entries, normalized to unit norm.</summary>
    Gaussian,
}

/// <summary>
/// A random one-layer convolutional network used as a feature map: per-image whitening, a valid
/// convolution with <see cref="Filters"/> random Patch×Patch filters, rectification max(z − Threshold, 0)
/// (with <see cref="Signs"/> = 2 also max(−z − Threshold, 0), as in Coates and Ng's encoding), and
/// average pooling over a Grid×Grid partition of the output (the quadrants for Grid = 2), then each
/// feature standardized with training-set statistics: Filters·Signs·Grid² features. The paper used
/// 32,000 filters. <see cref="Normalize"/> contrast-normalizes every patch (mean 0, divided by
/// √(variance + 0.1)) before the filters see it. <see cref="Block"/> filters are computed at a time when
/// the features are streamed into Gram matrices (<see cref="Stream"/>: null = when the materialized
/// features would not fit in memory).
/// </summary>
public sealed record RandomConvConfig(int Filters = 1024, int Patch = 5, FilterSource Source = FilterSource.Patches, double Threshold = 0.25, int Grid = 2, int Seed = 0,
    int? Signs = null, bool? Normalize = null, int? Block = null, bool? Stream = null)
    : FeatureMapConfig
{
    internal static readonly string[] Keys = ["filters", "patch", "threshold", "grid", "gaussian", "signs", "normalize", "block", "stream"];

    public override string Name => "random-conv";

    /// <summary>Features per filter: signs × grid cells.</summary>
    public int FeaturesPerFilter => (Signs ?? 1) * Grid * Grid;

    /// <summary>The feature dimension.</summary>
    public long Dimension => (long)Filters * FeaturesPerFilter;

    /// <summary>Largest values accepted: the paper's 32,000 filters; patches and pooling grids that fit a 32×32 image.</summary>
    public const int MaxFilters = 32_000, MaxPatch = 16, MaxGrid = 28;

    internal static RandomConvConfig From(Dictionary<string, (double Value, string Text)> v, int seed)
    {
        var d = new RandomConvConfig();
        var signs = Whole(v, "signs", 1, 1, 2, "signs");
        return new RandomConvConfig(Whole(v, "filters", d.Filters, 1, MaxFilters, "the number of filters"), Whole(v, "patch", d.Patch, 1, MaxPatch, "the patch side (pixels)"),
            Switch(v, "gaussian") == true ? FilterSource.Gaussian : FilterSource.Patches,
            Real(v, "threshold", d.Threshold, 0, 1e6, inclusive: true, "the threshold"), Whole(v, "grid", d.Grid, 1, MaxGrid, "the pooling grid"), seed,
            signs == 1 ? null : signs,
            Switch(v, "normalize") == true ? true : null,
            v.ContainsKey("block") ? Whole(v, "block", 1, 1, MaxFilters, "the filters per block") : null,
            Switch(v, "stream"));
    }

    public override void Validate()
    {
        if (Filters is < 1 or > MaxFilters) throw new UserInputException("FeatureOptions.filters", Filters, $"the number of filters must lie in 1..{MaxFilters}.");
        if (Patch is < 1 or > MaxPatch) throw new UserInputException("FeatureOptions.patch", Patch, $"the patch side must lie in 1..{MaxPatch} pixels.");
        if (Grid is < 1 or > MaxGrid) throw new UserInputException("FeatureOptions.grid", Grid, $"the pooling grid must lie in 1..{MaxGrid} (a cell needs at least one pixel of the response).");
        if (Signs is not (null or 1 or 2)) throw new UserInputException("FeatureOptions.signs", Signs, "give 1 (max(z - a, 0)) or 2 (both signs).");
        if (Block is < 1) throw new UserInputException("FeatureOptions.block", Block, "the filters per block must be at least 1.");
        if (!(Threshold >= 0) || double.IsInfinity(Threshold)) throw new UserInputException("FeatureOptions.threshold", Threshold, "the threshold must be a finite number >= 0.");
    }

    public override string Describe() =>
        $"random conv: {Filters} filters {Patch}x{Patch} from {Source.ToString().ToLowerInvariant()}{(Normalize == true ? " (normalized patches)" : "")}, " +
        $"{(Signs == 2 ? $"max(z - {Threshold}, 0) and max(-z - {Threshold}, 0)" : $"max(z - {Threshold}, 0)")}, {Grid}x{Grid} average pooling, seed {Seed}";
}
