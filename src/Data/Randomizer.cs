using Rethink.Core;

namespace Rethink.Data;

/// <summary>
/// Applies a <see cref="Randomization"/> to scaled float images and their labels. Every random draw
/// comes from streams derived from the randomization's seed (<see cref="SeedMixer"/>): training
/// labels, test labels, the shared permutation, and one stream per image for random pixels and
/// Gaussian images, so results do not depend on thread scheduling.
/// </summary>
public static class Randomizer
{
    private const long TrainLabelStream = 1, TestLabelStream = 2, PermutationStream = 3;
    private const long TrainPixelStream = 1L << 32, TestPixelStream = 2L << 32, TrainGaussianStream = 3L << 32, TestGaussianStream = 4L << 32;

    /// <summary>
    /// Randomizes <paramref name="train"/> and <paramref name="test"/> in place (pixel tests) and returns
    /// the record with the labels to use.
    /// </summary>
    public static RandomizationRecord Apply(Randomization randomization, ImageTensor train, int[] trainLabels, ImageTensor test, int[] testLabels, int classes)
    {
        ArgumentNullException.ThrowIfNull(randomization);
        randomization.Validate();
        var seed = randomization.Seed;
        var newTrain = (int[])trainLabels.Clone();
        var newTest = (int[])testLabels.Clone();
        int[]? permutation = null;
        double[]? mean = null, std = null;
        switch (randomization.Kind)
        {
            case RandomizationKind.TrueLabels:
                break;
            case RandomizationKind.PartiallyCorrupted or RandomizationKind.RandomLabels:
                newTrain = CorruptLabels(trainLabels, randomization.LabelProbability, randomization.Rule, classes, SeedMixer.Mix(seed, TrainLabelStream));
                if (randomization.ApplyToTest)
                    newTest = CorruptLabels(testLabels, randomization.LabelProbability, randomization.Rule, classes, SeedMixer.Mix(seed, TestLabelStream));
                break;
            case RandomizationKind.ShuffledPixels:
                permutation = Permutation(train.Height * train.Width, SeedMixer.Mix(seed, PermutationStream));
                PermuteAll(train, permutation);
                PermuteAll(test, permutation);
                break;
            case RandomizationKind.RandomPixels:
                PermuteEach(train, seed, TrainPixelStream);
                if (randomization.ApplyToTest) PermuteEach(test, seed, TestPixelStream);
                break;
            case RandomizationKind.Gaussian:
                (mean, std) = Preprocessing.ChannelStatistics(train);
                FillGaussian(train, mean, std, seed, TrainGaussianStream);
                if (randomization.ApplyToTest) FillGaussian(test, mean, std, seed, TestGaussianStream);
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(randomization), randomization.Kind, "Unknown randomization.");
        }
        var changed = 0;
        for (var i = 0; i < newTrain.Length; i++) if (newTrain[i] != trainLabels[i]) changed++;
        return new RandomizationRecord(randomization, newTrain, newTest, changed,
            newTrain.Length == 0 ? 0 : (double)changed / newTrain.Length, permutation, mean, std);
    }

    /// <summary>
    /// Each label is, with probability <paramref name="p"/>, replaced by a uniform class (paper's rule;
    /// it may equal the true one) or a uniform wrong class (always-wrong rule).
    /// </summary>
    public static int[] CorruptLabels(IReadOnlyList<int> labels, double p, CorruptionRule rule, int classes, int seed)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(classes, 2);
        var random = new Random(seed);
        var result = new int[labels.Count];
        for (var i = 0; i < result.Length; i++)
        {
            // Draw both numbers for every example so that the stream does not depend on outcomes.
            var corrupt = random.NextDouble() < p;
            var draw = random.Next(rule == CorruptionRule.Uniform ? classes : classes - 1);
            result[i] = !corrupt ? labels[i]
                : rule == CorruptionRule.Uniform ? draw
                : draw >= labels[i] ? draw + 1 : draw;
        }
        return result;
    }

    /// <summary>A uniform random permutation of 0..n−1 (Fisher–Yates).</summary>
    public static int[] Permutation(int n, int seed)
    {
        var random = new Random(seed);
        var p = new int[n];
        for (var i = 0; i < n; i++) p[i] = i;
        random.Shuffle(p);
        return p;
    }

    /// <summary>dst[c, k] = src[c, π(k)] for every channel c: the channels of a pixel move together.</summary>
    public static void Permute(Span<float> image, int channels, ReadOnlySpan<int> permutation, Span<float> scratch)
    {
        var plane = permutation.Length;
        image.CopyTo(scratch);
        for (var c = 0; c < channels; c++)
        {
            var src = scratch.Slice(c * plane, plane);
            var dst = image.Slice(c * plane, plane);
            for (var k = 0; k < plane; k++) dst[k] = src[permutation[k]];
        }
    }

    private static void PermuteAll(ImageTensor images, int[] permutation) =>
        Parallel.For(0, images.Count, () => new float[images.Dimension], (i, _, scratch) =>
        {
            Permute(images.Image(i), images.Channels, permutation, scratch);
            return scratch;
        }, _ => { });

    private static void PermuteEach(ImageTensor images, int seed, long stream) =>
        Parallel.For(0, images.Count, () => new float[images.Dimension], (i, _, scratch) =>
        {
            var permutation = Permutation(images.Height * images.Width, SeedMixer.Mix(seed, stream + i));
            Permute(images.Image(i), images.Channels, permutation, scratch);
            return scratch;
        }, _ => { });

    private static void FillGaussian(ImageTensor images, double[] mean, double[] std, int seed, long stream)
    {
        var plane = images.Height * images.Width;
        Parallel.For(0, images.Count, i =>
        {
            var sampler = new GaussianSampler(SeedMixer.Random(seed, stream + i));
            var x = images.Image(i);
            for (var c = 0; c < images.Channels; c++)
                foreach (ref var v in x.Slice(c * plane, plane)) v = (float)(mean[c] + std[c] * sampler.Next());
        });
    }
}
