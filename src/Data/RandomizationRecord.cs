namespace Rethink.Data;

/// <summary>
/// What a randomization did, saved with the run: the labels actually used, the realized corruption,
/// and the pixel permutation. Random pixels and Gaussian draws are regenerated from the seed (one
/// permutation or one noise image per image, drawn in image order from <c>new Random(seed)</c>).
/// </summary>
/// <param name="Randomization">The config.</param>
/// <param name="TrainLabels">Training labels after randomization.</param>
/// <param name="TestLabels">Test labels after randomization (equal to the originals unless ApplyToTest).</param>
/// <param name="ChangedTrainLabels">How many training labels differ from the originals.</param>
/// <param name="RealizedCorruption">ChangedTrainLabels / n: about (k−1)/k·p under the paper's rule, p under always-wrong.</param>
/// <param name="PixelPermutation">The shared permutation of pixel positions (shuffled pixels), else null.</param>
/// <param name="ChannelMean">Per-channel mean used by the Gaussian test, else null.</param>
/// <param name="ChannelStd">Per-channel standard deviation used by the Gaussian test, else null.</param>
public sealed record RandomizationRecord(
    Randomization Randomization,
    int[] TrainLabels,
    int[] TestLabels,
    int ChangedTrainLabels,
    double RealizedCorruption,
    int[]? PixelPermutation,
    double[]? ChannelMean,
    double[]? ChannelStd);
