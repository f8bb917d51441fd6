using FsCheck.Xunit;
using Rethink.Data;
using Rethink.Testing;
using Xunit;

namespace Rethink.Properties;

[Properties(Arbitrary = [typeof(DataArbitraries)], MaxTest = 40)]
public class RandomizationProperties
{
    private static LabeledDataset Dataset(ImageSetCase c) =>
        new("generated", c.Build(), (c with { Seed = c.Seed ^ 0x1234567 }).Build(), "memory");

    private static PreparedData Prepare(ImageSetCase c, Randomization r) =>
        DataPipeline.Prepare(Dataset(c), new PipelineConfig([PreprocessingStep.Scale01], r));

    [Property]
    public void Shuffled_pixels_apply_one_permutation_to_every_image_train_and_test(ImageSetCase c, int seed)
    {
        var original = DataPipeline.Prepare(Dataset(c), new PipelineConfig([PreprocessingStep.Scale01], Randomization.None));
        var shuffled = Prepare(c, new Randomization(RandomizationKind.ShuffledPixels, Seed: seed));
        var pi = shuffled.Randomization.PixelPermutation!;
        Assert.Equal(Enumerable.Range(0, c.Height * c.Width), pi.Order());
        var plane = c.Height * c.Width;
        foreach (var (before, after) in new[] { (original.Train, shuffled.Train), (original.Test, shuffled.Test) })
            for (var i = 0; i < before.Count; i++)
                for (var ch = 0; ch < c.Channels; ch++)
                    for (var k = 0; k < plane; k++)
                        Assert.Equal(before.Image(i)[ch * plane + pi[k]], after.Image(i)[ch * plane + k]);
        Assert.Equal(original.TrainLabels, shuffled.TrainLabels);
    }

    [Property]
    public void Random_pixels_keep_each_images_multiset_of_pixels(ImageSetCase c, int seed)
    {
        var original = DataPipeline.Prepare(Dataset(c), new PipelineConfig([PreprocessingStep.Scale01], Randomization.None));
        var permuted = Prepare(c, new Randomization(RandomizationKind.RandomPixels, Seed: seed, ApplyToTest: true));
        var plane = c.Height * c.Width;
        for (var i = 0; i < original.Train.Count; i++)
        {
            // Multiset of pixels, each pixel the tuple of its channel values (channels move together).
            string Key(float[] image, int k) => string.Join(',', Enumerable.Range(0, c.Channels).Select(ch => image[ch * plane + k]));
            var a = original.Train.Image(i).ToArray();
            var b = permuted.Train.Image(i).ToArray();
            var before = Enumerable.Range(0, plane).Select(k => Key(a, k)).Order();
            var after = Enumerable.Range(0, plane).Select(k => Key(b, k)).Order();
            Assert.Equal(before, after);
        }
    }

    /// <summary>
    /// Random pixels draw a fresh permutation per image: with images whose pixels are all distinct, each
    /// image's permutation can be read back exactly; they are valid permutations (colour channels move
    /// together) and they differ between images — unlike shuffled pixels, where all are one.
    /// </summary>
    [Property(MaxTest = 20)]
    public void Random_pixels_use_a_different_permutation_per_image(int seed)
    {
        const int count = 12, channels = 3, side = 4, plane = side * side;
        var pixels = new byte[count * channels * plane];
        for (var i = 0; i < count; i++)
            for (var ch = 0; ch < channels; ch++)
                for (var k = 0; k < plane; k++) pixels[(i * channels + ch) * plane + k] = (byte)(ch * plane + k);
        var set = new ImageSet(pixels, new byte[count], channels, side, side, ["a"]);
        var data = new LabeledDataset("distinct", set, set, "memory");
        PreparedData Run(RandomizationKind kind) => DataPipeline.Prepare(data, new PipelineConfig([PreprocessingStep.Scale01], new Randomization(kind, Seed: seed)));
        int[] PermutationOf(ImageTensor images, int i)
        {
            var image = images.Image(i);
            var p = new int[plane];
            for (var k = 0; k < plane; k++)
            {
                p[k] = (int)Math.Round(image[k] * 255); // channel 0 holds its own source position
                for (var ch = 1; ch < channels; ch++) Assert.Equal(p[k] + ch * plane, (int)Math.Round(image[ch * plane + k] * 255));
            }
            Assert.Equal(Enumerable.Range(0, plane), p.Order());
            return p;
        }
        var random = Run(RandomizationKind.RandomPixels);
        var perImage = Enumerable.Range(0, count).Select(i => string.Join(',', PermutationOf(random.Train, i))).ToList();
        Assert.True(perImage.Distinct().Count() >= count - 1, $"only {perImage.Distinct().Count()} distinct permutations among {count} images");
        var shuffled = Run(RandomizationKind.ShuffledPixels);
        Assert.Single(Enumerable.Range(0, count).Select(i => string.Join(',', PermutationOf(shuffled.Train, i))).Distinct());
    }

    [Property]
    public void Label_corruption_fraction_is_within_binomial_bounds(CorruptionCase c)
    {
        var random = new Random(c.Seed);
        var labels = Enumerable.Range(0, c.N).Select(_ => random.Next(c.Classes)).ToArray();
        var corrupted = Randomizer.CorruptLabels(labels, c.P, c.Rule, c.Classes, c.Seed + 1);
        var changed = labels.Zip(corrupted).Count(t => t.First != t.Second);
        // A label changes with probability p(k-1)/k under the paper's rule, p when always wrong.
        var q = c.Rule == CorruptionRule.Uniform ? c.P * (c.Classes - 1) / c.Classes : c.P;
        var mean = c.N * q;
        var sigma = Math.Sqrt(c.N * q * (1 - q));
        Assert.True(Math.Abs(changed - mean) <= 5 * sigma + 1, $"changed {changed}, expected {mean:F1} +- {sigma:F1}");
        Assert.All(corrupted, l => Assert.InRange(l, 0, c.Classes - 1));
        if (c.P == 0) Assert.Equal(labels, corrupted);
    }

    [Property(MaxTest = 20)]
    public void Realized_corruption_is_recorded(ImageSetCase c, int seed)
    {
        var prepared = Prepare(c, new Randomization(RandomizationKind.RandomLabels, Seed: seed));
        var original = c.Build().Labels;
        var changed = original.Zip(prepared.TrainLabels).Count(t => t.First != t.Second);
        Assert.Equal(changed, prepared.Randomization.ChangedTrainLabels);
        Assert.Equal((double)changed / c.Count, prepared.Randomization.RealizedCorruption);
        // The test set is left alone unless asked.
        Assert.Equal(Dataset(c).Test.Labels.Select(l => (int)l), prepared.TestLabels);
    }

    [Property(MaxTest = 15)]
    public void Gaussian_images_match_the_channel_moments(int seed)
    {
        var c = new ImageSetCase(300, 3, 8, 8, 10, Math.Abs(seed));
        var prepared = Prepare(c, new Randomization(RandomizationKind.Gaussian, Seed: seed));
        var record = prepared.Randomization;
        var (mean, std) = Preprocessing.ChannelStatistics(prepared.Train);
        var samples = c.Count * c.Height * c.Width;
        for (var ch = 0; ch < 3; ch++)
        {
            Assert.True(Math.Abs(mean[ch] - record.ChannelMean![ch]) <= 5 * record.ChannelStd![ch] / Math.Sqrt(samples), $"mean {mean[ch]} vs {record.ChannelMean[ch]}");
            Assert.True(Math.Abs(std[ch] / record.ChannelStd[ch] - 1) <= 5 * Math.Sqrt(2.0 / samples), $"std {std[ch]} vs {record.ChannelStd[ch]}");
        }
    }

    /// <summary>
    /// The channel statistics a Gaussian randomization draws from are the same bits whatever the threads do:
    /// equal to each image's sums added in image order (a reduction merged in completion order is not, and made
    /// a Gaussian run's images, hence its training, differ from run to run in the last digits).
    /// </summary>
    [Fact]
    public void Channel_statistics_do_not_depend_on_thread_scheduling()
    {
        var random = new Random(5);
        var (count, channels, plane) = (4000, 3, 32 * 32);
        var images = new ImageTensor(Enumerable.Range(0, count * channels * plane).Select(_ => (float)random.NextDouble()).ToArray(), count, channels, 32, 32);
        var sum = new double[channels];
        var squares = new double[channels];
        for (var i = 0; i < count; i++)
            for (var ch = 0; ch < channels; ch++)
            {
                double s = 0, q = 0;
                foreach (var v in images.Image(i).Slice(ch * plane, plane)) { s += v; q += (double)v * v; }
                sum[ch] += s;
                squares[ch] += q;
            }
        var n = (double)count * plane;
        var mean = sum.Select(s => s / n).ToArray();
        var std = squares.Select((q, ch) => Math.Sqrt(Math.Max(q / n - mean[ch] * mean[ch], 0))).ToArray();
        for (var run = 0; run < 5; run++)
        {
            var (m, sd) = Preprocessing.ChannelStatistics(images);
            Assert.Equal(mean, m); // bit for bit
            Assert.Equal(std, sd);
        }
    }

    [Property(MaxTest = 20)]
    public void Same_seed_same_data_different_seed_different_data(ImageSetCase c, int seed)
    {
        foreach (var kind in new[] { RandomizationKind.RandomLabels, RandomizationKind.ShuffledPixels, RandomizationKind.RandomPixels, RandomizationKind.Gaussian })
        {
            var a = Prepare(c, new Randomization(kind, Seed: seed));
            var b = Prepare(c, new Randomization(kind, Seed: seed));
            Assert.Equal(a.Train.Data, b.Train.Data);
            Assert.Equal(a.TrainLabels, b.TrainLabels);
            var other = Prepare(c, new Randomization(kind, Seed: seed + 1));
            // Different seeds differ unless the draw space is too small to (e.g. 1x1 images, one image).
            // A permutation of fewer than 8 positions repeats too often to expect a difference.
            var tiny = kind is RandomizationKind.ShuffledPixels or RandomizationKind.RandomPixels && c.Height * c.Width < 8;
            if (!tiny && (kind != RandomizationKind.RandomLabels || c.Count >= 20))
                Assert.False(a.Train.Data.SequenceEqual(other.Train.Data) && a.TrainLabels.SequenceEqual(other.TrainLabels), $"{kind}: seeds {seed} and {seed + 1} gave identical data");
        }
    }

    [Property]
    public void Stratified_subsets_keep_class_proportions(ImageSetCase c, int seed)
    {
        var set = (c with { Count = c.Count * 10 }).Build();
        var size = Math.Max(1, set.Count / 3);
        var indices = new Subset(size, SubsetKind.Stratified, seed).Indices(set.Labels, set.Classes);
        Assert.Equal(size, indices.Length);
        Assert.Equal(indices.Order(), indices);
        Assert.Equal(size, indices.Distinct().Count());
        var full = set.LabelHistogram();
        var sub = set.Select(indices).LabelHistogram();
        for (var k = 0; k < set.Classes; k++)
            // Largest remainders: within one of the exact share; the share computed in double within 2u of its value.
            Within.Bound(sub[k] - (double)size * full[k] / set.Count, 1 + 2 * ErrorBound.U64 * size, $"class {k}: {sub[k]} of {size}, full {full[k]} of {set.Count}", "1 + 2u size");
    }

    /// <summary>
    /// (x − mean)/max(std, 1/√N): zero mean, and a standard deviation of exactly 1 where the image's
    /// own std σ is at least 1/√N, else σ·√N (the floor keeps flat images from blowing up) — checked
    /// against σ computed from the unwhitened image.
    /// </summary>
    [Property(MaxTest = 20)]
    public void Per_image_whitening_gives_zero_mean_and_the_stated_std(ImageSetCase c)
    {
        var raw = DataPipeline.Prepare(Dataset(c), new PipelineConfig([PreprocessingStep.Scale01], Randomization.None));
        var prepared = DataPipeline.Prepare(Dataset(c), new PipelineConfig([PreprocessingStep.Scale01, PreprocessingStep.PerImageWhitening], Randomization.None));
        var n = prepared.Train.Dimension;
        static (double Mean, double Std) Moments(ReadOnlySpan<float> image)
        {
            double sum = 0;
            foreach (var v in image) sum += v;
            var mean = sum / image.Length;
            double sq = 0;
            foreach (var v in image) sq += (v - mean) * (v - mean);
            return (mean, Math.Sqrt(sq / image.Length));
        }
        for (var i = 0; i < prepared.Train.Count; i++)
        {
            var image = raw.Train.Image(i);
            var (rawMean, sigma) = Moments(image);
            var (mean, std) = Moments(prepared.Train.Image(i));
            var expected = sigma >= 1 / Math.Sqrt(n) ? 1.0 : sigma * Math.Sqrt(n);
            // Whitening computes mean and E[x²] − mean² in double (within γ_{n+1}·E[x²] each), so 1/s is off by at most
            // γ_{n+2}·E[x²]/s² relatively (half through the root; s = max(σ, 1/√N)); each value is then stored in float
            // (u₃₂|x'|). The mean of the stored values: u₃₂·max|x'| + γ_{n+1}·E|x|/s; their std: u₃₂·max|x'| plus the
            // scale's relative error times it. The test's own two-pass moments in double add γ_{n+2} of each.
            var meanSquare = 0.0;
            var meanAbs = 0.0;
            foreach (var v in image) { meanSquare += (double)v * v / n; meanAbs += Math.Abs(v) / (double)n; }
            var scale = Math.Max(sigma, 1 / Math.Sqrt(n));
            var maxWhite = 0.0;
            foreach (var v in prepared.Train.Image(i)) maxWhite = Math.Max(maxWhite, Math.Abs(v));
            var g = ErrorBound.Gamma(n + 2, ErrorBound.U64);
            var scaleError = 2 * g * (meanSquare + rawMean * rawMean) / (scale * scale);
            Within.Bound(mean, ErrorBound.U32 * maxWhite + g * meanAbs / scale + g * maxWhite, $"image {i}: mean of the whitened image", "u32 max|x'| + gamma_{n+2}(E|x|/s + max|x'|)");
            Within.Bound(std - expected, ErrorBound.U32 * maxWhite + scaleError * expected + 2 * g * (expected + maxWhite), $"image {i}: std {std}, expected {expected} (raw std {sigma}, N {n})",
                "u32 max|x'| + 2 gamma_{n+2}(E[x^2] + mean^2)/s^2 expected + the test's moments");
        }
    }

    [Fact]
    public void Center_crop_takes_the_middle()
    {
        var pixels = Enumerable.Range(0, 2 * 32 * 32).Select(v => (byte)(v % 251)).ToArray();
        var set = new ImageSet(pixels, [0], 2, 32, 32, ["a"]);
        var cropped = Preprocessing.CenterCrop(ImageTensor.FromBytes(set, 1f), 28);
        Assert.Equal((2, 28, 28), (cropped.Channels, cropped.Height, cropped.Width));
        Assert.Equal(pixels[2 * 32 + 2], cropped.Image(0)[0]);
        Assert.Equal(pixels[32 * 32 + 29 * 32 + 29], cropped.Image(0)[28 * 28 + 27 * 28 + 27]);
    }

    [Fact]
    public void Randomization_names_parse()
    {
        Assert.Equal(0.4, Randomization.Parse("corrupted-0.4").P);
        Assert.Equal(RandomizationKind.Gaussian, Randomization.Parse("gaussian").Kind);
        Assert.Equal("Randomization", Assert.Throws<Rethink.Core.UserInputException>(() => Randomization.Parse("bogus")).Parameter);
        Assert.Equal("Randomization", Assert.Throws<Rethink.Core.UserInputException>(() => Randomization.Parse("corrupted-1.5")).Parameter);
        Assert.Equal(7, Randomization.Parse("random-labels", seed: 7).Seed);
    }
}
