using Rethink.Data;
using Rethink.Kernels;
using Rethink.Features;
using Rethink.Kernels.InnerProducts;

namespace Rethink.Features;

/// <summary>The implementations of the feature map configurations: the console turns a parsed config into one of these and hands it to the kernel runner.</summary>
public static class FeatureMaps
{
    /// <summary>The feature map a config describes.</summary>
    public static IFeatureMap Create(FeatureMapConfig config) => config switch
    {
        GaborConfig gabor => new GaborFeatureMap(gabor),
        RandomConvConfig random => new RandomConvFeatureMap(random),
        _ => throw new ArgumentException($"No implementation of {config.Describe()} in this build.", nameof(config)),
    };
}

/// <summary>The Gabor wavelet transform (<see cref="GaborFeatures"/>) as a feature map.</summary>
public sealed class GaborFeatureMap(GaborConfig config) : IFeatureMap
{
    /// <inheritdoc/>
    public FeatureMapConfig Config => config;

    /// <inheritdoc/>
    public (FeatureMatrix Train, FeatureMatrix Test, string Description) Transform(PreparedData data, IProgress<KernelProgress>? progress)
    {
        config.Validate();
        progress?.Report(new KernelProgress("gabor features", 0));
        var train = GaborFeatures.Transform(data.Train, config);
        var test = GaborFeatures.Transform(data.Test, config);
        return (train, test, $"{config.Describe()}; {train.Columns} features");
    }
}

/// <summary>
/// Random convolutional features (<see cref="RandomConvFeatures"/>), filters drawn from the training
/// split, as a feature map: materialized, or streamed into Gram matrices (<see cref="StreamedGram"/>).
/// </summary>
public sealed class RandomConvFeatureMap(RandomConvConfig config) : IStreamedFeatureMap
{
    /// <inheritdoc/>
    public FeatureMapConfig Config => config;

    /// <inheritdoc/>
    public bool? Stream => config.Stream;

    /// <inheritdoc/>
    public long MaterializedBytes(int trainPoints, int testPoints) => (trainPoints + (long)testPoints) * config.Dimension * sizeof(double);

    /// <inheritdoc/>
    public StreamedProducts Products(PreparedData data, Precision precision, Kernels.Devices.IDenseDevice? device, string directory, IProgress<KernelProgress>? progress, CancellationToken cancel,
        CheckpointSchedule? schedule = null)
    {
        progress?.Report(new KernelProgress("random conv filters", 0));
        var features = RandomConvFeatures.Create(config, data.Train);
        var keyAt = KeyAt(config, precision, data.Train, data.Test);
        return StreamedGram.Compute(features, data.Train, data.Test, precision, directory, keyAt(config.Filters), progress, cancel, keyAt: keyAt, device: device as Kernels.Devices.IStreamingDevice, schedule: schedule);
    }

    /// <summary>
    /// The key of a streamed checkpoint: it belongs to exactly these features and these images. As a
    /// function of the filter count, so that a run with more filters finds the finished stream of fewer.
    /// </summary>
    public static Func<int, string> KeyAt(RandomConvConfig config, Precision precision, ImageTensor train, ImageTensor test)
    {
        var (trainDigest, testDigest) = (Digest(train), Digest(test));
        return filters => Core.Json.Hash(new { config = config with { Filters = filters }, precision, train = trainDigest, test = testDigest });
    }

    private static string Digest(ImageTensor images) =>
        Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Runtime.InteropServices.MemoryMarshal.AsBytes(images.Data.AsSpan())))[..16];

    /// <inheritdoc/>
    public (FeatureMatrix Train, FeatureMatrix Test, string Description) Transform(PreparedData data, IProgress<KernelProgress>? progress)
    {
        progress?.Report(new KernelProgress("random conv features", 0));
        var features = RandomConvFeatures.Create(config, data.Train);
        var (train, test) = features.Transform(data.Train, data.Test);
        return (train, test, $"{config.Describe()}; {train.Columns} features");
    }
}
