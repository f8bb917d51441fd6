using Rethink.Kernels;
using Rethink.Data;

namespace Rethink.Features;

/// <summary>
/// An implementation of a <see cref="FeatureMapConfig"/>: turns the prepared train and test images into
/// feature matrices (statistics such as standardization come from the training split only).
/// </summary>
public interface IFeatureMap
{
    /// <summary>The configuration this map implements (must equal the experiment's).</summary>
    FeatureMapConfig Config { get; }

    /// <summary>Train and test features, and a one-line description (with the dimension) for the result.</summary>
    (FeatureMatrix Train, FeatureMatrix Test, string Description) Transform(PreparedData data, IProgress<KernelProgress>? progress);
}
