namespace Rethink.Features;

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
/// convolution with <see cref="Filters"/> random Patch×Patch filters, rectification max(z − Threshold, 0),
/// and average pooling over a Grid×Grid partition of the output (Coates and Ng's quadrants for Grid = 2),
/// then each feature standardized with training-set statistics. The paper used 32,000 filters.
/// </summary>
public sealed record RandomConvConfig(int Filters = 1024, int Patch = 5, FilterSource Source = FilterSource.Patches, double Threshold = 0.25, int Grid = 2, int Seed = 0)
{
    public void Validate()
    {
        if (Filters is < 1 or > 32_000) throw new ArgumentOutOfRangeException(nameof(Filters), Filters, "--filters must lie in 1..32000.");
        if (Patch < 1 || Patch % 2 == 0) throw new ArgumentOutOfRangeException(nameof(Patch), Patch, "The patch side must be odd and positive.");
        if (Grid < 1) throw new ArgumentOutOfRangeException(nameof(Grid), Grid, "The pooling grid must be at least 1x1.");
    }

    public string Describe() => $"random conv: {Filters} filters {Patch}x{Patch} from {Source.ToString().ToLowerInvariant()}, max(z - {Threshold}, 0), {Grid}x{Grid} average pooling, seed {Seed}";
}
