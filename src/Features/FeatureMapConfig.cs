using Rethink.Kernels;
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
    /// <summary>The map's name in results and file names: gabor, random-conv.</summary>
    [JsonIgnore]
    public abstract string Name { get; }

    /// <summary>Throws <see cref="UserInputException"/> (parameter "<c>ConfigType.Property</c>", e.g. "RandomConvConfig.Filters") for a value out of range.</summary>
    public abstract void Validate();

    /// <summary>The map in a few words, with its parameters.</summary>
    public abstract string Describe();
}

/// <summary>
/// The Gabor (Morlet) wavelet transform: <see cref="Scales"/> scales, <see cref="Orientations"/>
/// orientations, σ₀, modulus, average pooling over Pool×Pool blocks.
/// </summary>
public sealed record GaborConfig(int Scales = 3, int Orientations = 8, double Sigma0 = 0.8, int Pool = 4, int MaxSize = 21) : FeatureMapConfig
{
    /// <inheritdoc/>
    public override string Name => "gabor";

    /// <summary>Largest values accepted: beyond them the filters no longer fit their 21×21 support or the images.</summary>
    public const int MaxScales = 6, MaxOrientations = 32, MaxPool = 28;

    /// <summary>Largest σ₀ accepted (the finest scale's envelope, in pixels).</summary>
    public const double MaxSigma0 = 4;

    /// <inheritdoc/>
    public override void Validate()
    {
        if (Scales is < 1 or > MaxScales) throw new UserInputException($"{nameof(GaborConfig)}.{nameof(Scales)}", Scales, $"the number of scales must lie in 1..{MaxScales}.");
        if (Orientations is < 1 or > MaxOrientations) throw new UserInputException($"{nameof(GaborConfig)}.{nameof(Orientations)}", Orientations, $"the number of orientations must lie in 1..{MaxOrientations}.");
        if (!(Sigma0 > 0 && Sigma0 <= MaxSigma0)) throw new UserInputException($"{nameof(GaborConfig)}.{nameof(Sigma0)}", Sigma0, $"sigma0 must lie in (0, {MaxSigma0}] pixels.");
        if (Pool is < 1 or > MaxPool) throw new UserInputException($"{nameof(GaborConfig)}.{nameof(Pool)}", Pool, $"the pooling block must lie in 1..{MaxPool} pixels (and not exceed the images' side).");
        if (MaxSize < 3 || MaxSize % 2 == 0) throw new ArgumentOutOfRangeException(nameof(MaxSize), MaxSize, "The largest filter side must be odd and at least 3.");
    }

    /// <inheritdoc/>
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
    /// <inheritdoc/>
    public override string Name => "random-conv";

    /// <summary>Features per filter: signs × grid cells.</summary>
    public int FeaturesPerFilter => (Signs ?? 1) * Grid * Grid;

    /// <summary>The feature dimension.</summary>
    public long Dimension => (long)Filters * FeaturesPerFilter;

    /// <summary>Largest values accepted: the paper's 32,000 filters; patches and pooling grids that fit a 32×32 image.</summary>
    public const int MaxFilters = 32_000, MaxPatch = 16, MaxGrid = 28;

    /// <inheritdoc/>
    public override void Validate()
    {
        if (Filters is < 1 or > MaxFilters) throw new UserInputException($"{nameof(RandomConvConfig)}.{nameof(Filters)}", Filters, $"the number of filters must lie in 1..{MaxFilters}.");
        if (Patch is < 1 or > MaxPatch) throw new UserInputException($"{nameof(RandomConvConfig)}.{nameof(Patch)}", Patch, $"the patch side must lie in 1..{MaxPatch} pixels.");
        if (Grid is < 1 or > MaxGrid) throw new UserInputException($"{nameof(RandomConvConfig)}.{nameof(Grid)}", Grid, $"the pooling grid must lie in 1..{MaxGrid} (a cell needs at least one pixel of the response).");
        if (Signs is not (null or 1 or 2)) throw new UserInputException($"{nameof(RandomConvConfig)}.{nameof(Signs)}", Signs, "give 1 (max(z - a, 0)) or 2 (both signs).");
        if (Block is < 1) throw new UserInputException($"{nameof(RandomConvConfig)}.{nameof(Block)}", Block, "the filters per block must be at least 1.");
        if (!(Threshold >= 0) || double.IsInfinity(Threshold)) throw new UserInputException($"{nameof(RandomConvConfig)}.{nameof(Threshold)}", Threshold, "the threshold must be a finite number >= 0.");
    }

    /// <inheritdoc/>
    public override string Describe() =>
        $"random conv: {Filters} filters {Patch}x{Patch} from {Source.ToString().ToLowerInvariant()}{(Normalize == true ? " (normalized patches)" : "")}, " +
        $"{(Signs == 2 ? $"max(z - {Threshold}, 0) and max(-z - {Threshold}, 0)" : $"max(z - {Threshold}, 0)")}, {Grid}x{Grid} average pooling, seed {Seed}";
}
