using System.Globalization;
using System.Text.Json.Serialization;

namespace Rethink.Kernels.FeatureMaps;

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

    /// <summary>Parses <c>--features NAME --feature-options key=value,…</c> (the console's only parse of these strings).</summary>
    public static FeatureMapConfig Parse(string name, string? options, int seed)
    {
        var values = ParseOptions(options, name switch
        {
            "gabor" => GaborConfig.Keys,
            "random-conv" => RandomConvConfig.Keys,
            _ => throw new ArgumentException($"--features {name}: choose gabor or random-conv.", "features"),
        });
        FeatureMapConfig config = name == "gabor" ? GaborConfig.From(values) : RandomConvConfig.From(values, seed);
        config.Validate();
        return config;
    }

    private static Dictionary<string, double> ParseOptions(string? options, string[] known)
    {
        var result = new Dictionary<string, double>();
        if (string.IsNullOrWhiteSpace(options)) return result;
        foreach (var part in options.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var kv = part.Split('=', 2);
            if (kv.Length != 2 || !known.Contains(kv[0]) || !double.TryParse(kv[1], NumberStyles.Float, CultureInfo.InvariantCulture, out var v))
                throw new ArgumentException($"--feature-options: '{part}' is not key=number with key one of {string.Join(", ", known)}.", "feature-options");
            result[kv[0]] = v;
        }
        return result;
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

    internal static GaborConfig From(Dictionary<string, double> v)
    {
        var d = new GaborConfig();
        return new GaborConfig((int)v.GetValueOrDefault("scales", d.Scales), (int)v.GetValueOrDefault("orientations", d.Orientations),
            v.GetValueOrDefault("sigma0", d.Sigma0), (int)v.GetValueOrDefault("pool", d.Pool));
    }

    public override void Validate()
    {
        if (Scales < 1 || Orientations < 1) throw new ArgumentOutOfRangeException(nameof(Scales), "Gabor features need at least one scale and one orientation.");
        if (!(Sigma0 > 0)) throw new ArgumentOutOfRangeException(nameof(Sigma0), Sigma0, "sigma0 must be positive.");
        if (Pool < 1) throw new ArgumentOutOfRangeException(nameof(Pool), Pool, "The pooling block must be at least 1.");
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

    internal static RandomConvConfig From(Dictionary<string, double> v, int seed)
    {
        var d = new RandomConvConfig();
        return new RandomConvConfig((int)v.GetValueOrDefault("filters", d.Filters), (int)v.GetValueOrDefault("patch", d.Patch),
            v.TryGetValue("gaussian", out var g) && g != 0 ? FilterSource.Gaussian : FilterSource.Patches,
            v.GetValueOrDefault("threshold", d.Threshold), (int)v.GetValueOrDefault("grid", d.Grid), seed,
            v.TryGetValue("signs", out var signs) && signs != 1 ? (int)signs : null,
            v.TryGetValue("normalize", out var normalize) && normalize != 0 ? true : null,
            v.TryGetValue("block", out var block) ? (int)block : null,
            v.TryGetValue("stream", out var stream) ? stream != 0 : null);
    }

    public override void Validate()
    {
        if (Filters is < 1 or > 32_000) throw new ArgumentOutOfRangeException(nameof(Filters), Filters, "--feature-options filters must lie in 1..32000.");
        if (Patch is < 1 or > 16) throw new ArgumentOutOfRangeException(nameof(Patch), Patch, "--feature-options patch must lie in 1..16 pixels.");
        if (Grid < 1) throw new ArgumentOutOfRangeException(nameof(Grid), Grid, "--feature-options grid must be at least 1.");
        if (Signs is not (null or 1 or 2)) throw new ArgumentOutOfRangeException(nameof(Signs), Signs, "--feature-options signs must be 1 (max(z - a, 0)) or 2 (both signs).");
        if (Block is < 1) throw new ArgumentOutOfRangeException(nameof(Block), Block, "--feature-options block must be at least 1 filter.");
        if (!(Threshold >= 0) || double.IsInfinity(Threshold)) throw new ArgumentOutOfRangeException(nameof(Threshold), Threshold, "--feature-options threshold must be a number >= 0.");
    }

    public override string Describe() =>
        $"random conv: {Filters} filters {Patch}x{Patch} from {Source.ToString().ToLowerInvariant()}{(Normalize == true ? " (normalized patches)" : "")}, " +
        $"{(Signs == 2 ? $"max(z - {Threshold}, 0) and max(-z - {Threshold}, 0)" : $"max(z - {Threshold}, 0)")}, {Grid}x{Grid} average pooling, seed {Seed}";
}
