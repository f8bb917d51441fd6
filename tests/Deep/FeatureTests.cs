using Rethink.Data;
using Rethink.Features;
using Rethink.Kernels.FeatureMaps;
using Xunit;

namespace Rethink.Deep.Tests;

public class FeatureTests
{
    private static ImageTensor Grating(double frequency, double angle, int side = 28, int count = 1)
    {
        var data = new float[count * side * side];
        for (var y = 0; y < side; y++)
            for (var x = 0; x < side; x++)
                data[y * side + x] = (float)(0.5 + 0.5 * Math.Cos(frequency * (x * Math.Cos(angle) + y * Math.Sin(angle))));
        for (var i = 1; i < count; i++) data.AsSpan(0, side * side).CopyTo(data.AsSpan(i * side * side));
        return new ImageTensor(data, count, 1, side, side);
    }

    /// <summary>Total modulus energy per (scale, orientation) of one image, from the pooled features.</summary>
    private static double[,] Energy(ImageTensor image, GaborConfig config)
    {
        var features = GaborFeatures.Transform(image, config);
        var cells = 28 / config.Pool * (28 / config.Pool);
        var energy = new double[config.Scales, config.Orientations];
        for (var j = 0; j < config.Scales; j++)
            for (var l = 0; l < config.Orientations; l++)
                for (var k = 0; k < cells; k++)
                    energy[j, l] += features.Values[(1 + j * config.Orientations + l) * cells + k];
        return energy;
    }

    [Fact]
    public void Morlet_filters_have_zero_mean()
    {
        var bank = new GaborFilterBank(new GaborConfig());
        foreach (var filter in bank.Real.Concat(bank.Imaginary))
            Assert.True(Math.Abs(filter.Sum()) < 1e-12, $"filter sum {filter.Sum()}");
        Assert.Equal(24, bank.Count);
        Assert.Equal(21, bank.Size);
    }

    [TorchFact]
    public void Filters_are_orientation_selective()
    {
        var config = new GaborConfig(Scales: 2, Orientations: 8);
        var bank = new GaborFilterBank(config);
        for (var l = 0; l < 8; l++)
        {
            var energy = Energy(Grating(bank.Frequency(0), bank.Orientation(l)), config);
            var best = Enumerable.Range(0, 8).MaxBy(o => energy[0, o]);
            Assert.Equal(l, best);
        }
    }

    [TorchFact]
    public void A_matched_grating_excites_its_scale_most()
    {
        var config = new GaborConfig(Scales: 3, Orientations: 4);
        var bank = new GaborFilterBank(config);
        for (var j = 0; j < 3; j++)
        {
            var energy = Energy(Grating(bank.Frequency(j), bank.Orientation(1)), config);
            var best = Enumerable.Range(0, 3).MaxBy(s => energy[s, 1]);
            Assert.Equal(j, best);
        }
    }

    [TorchFact]
    public void Gabor_features_have_the_stated_shape()
    {
        var features = GaborFeatures.Transform(Grating(1.0, 0.3, count: 3), new GaborConfig());
        Assert.Equal(3, features.Rows);
        Assert.Equal((1 + 24) * 49, features.Columns);
    }

    private static ImageTensor RandomImages(int count, int seed)
    {
        var random = new Random(seed);
        var data = Enumerable.Range(0, count * 3 * 32 * 32).Select(_ => (float)random.NextDouble()).ToArray();
        return new ImageTensor(data, count, 3, 32, 32);
    }

    [Fact]
    public void Random_conv_features_are_deterministic_by_seed_and_batch_invariant()
    {
        var train = RandomImages(40, 1);
        var config = new RandomConvConfig(Filters: 16, Seed: 5);
        var a = RandomConvFeatures.Create(config, train);
        var b = RandomConvFeatures.Create(config, train);
        var c = RandomConvFeatures.Create(config with { Seed = 6 }, train);
        var white = RandomConvFeatures.Whitened(train);
        var fa = a.ApplyBlock(white, 0, 16, batch: 7);
        Assert.Equal(40 * 16 * 4, fa.Length);
        Assert.Equal(fa, b.ApplyBlock(white, 0, 16, batch: 64));
        Assert.NotEqual(fa, c.ApplyBlock(white, 0, 16));
        var (tr, te) = a.Transform(train, RandomImages(9, 2));
        Assert.Equal((40, 64), (tr.Rows, tr.Columns));
        Assert.Equal((9, 64), (te.Rows, te.Columns));
        // Standardized with training statistics: each training feature has mean 0.
        for (var k = 0; k < 64; k++)
            Assert.True(Math.Abs(Enumerable.Range(0, 40).Average(i => tr.Values[i * 64 + k])) < 1e-9);
    }

    /// <summary>The GEMM convolution (im2col × filters, then rectification and pooling) equals TorchSharp's conv2d and adaptive pooling.</summary>
    [TorchFact]
    public void Gemm_convolution_equals_the_torchsharp_convolution()
    {
        var images = RandomImages(23, 4);
        foreach (var config in new[] { new RandomConvConfig(Filters: 12, Seed: 2), new RandomConvConfig(Filters: 7, Patch: 3, Threshold: 0.1, Grid: 3, Seed: 3), new RandomConvConfig(Filters: 5, Source: FilterSource.Gaussian, Seed: 1) })
        {
            var features = RandomConvFeatures.Create(config, images);
            var torch = features.ApplyTorch(images, batch: 10);
            var gemm = features.ApplyBlock(RandomConvFeatures.Whitened(images), 0, config.Filters, batch: 6);
            Assert.Equal(torch.Length, gemm.Length);
            var scale = torch.Max(Math.Abs);
            for (var i = 0; i < torch.Length; i++)
                Assert.True(Math.Abs(torch[i] - gemm[i]) <= 2e-5 * Math.Max(scale, 1), $"{config.Describe()} feature {i}: torch {torch[i]}, gemm {gemm[i]}");
        }
    }

    /// <summary>Both signs: the second half of each filter's features is max(−z − a, 0), pooled alike.</summary>
    [Fact]
    public void Both_signs_split_each_response_into_its_positive_and_negative_parts()
    {
        var images = RandomImages(6, 9);
        var one = RandomConvFeatures.Create(new RandomConvConfig(Filters: 4, Threshold: 0, Seed: 8), images);
        var two = RandomConvFeatures.Create(new RandomConvConfig(Filters: 4, Threshold: 0, Seed: 8, Signs: 2), images);
        var white = RandomConvFeatures.Whitened(images);
        var (a, b) = (one.ApplyBlock(white, 0, 4), two.ApplyBlock(white, 0, 4));
        Assert.Equal(2 * a.Length, b.Length);
        for (var i = 0; i < 6; i++)
            for (var f = 0; f < 4; f++)
                for (var q = 0; q < 4; q++)
                    Assert.Equal(a[i * 16 + f * 4 + q], b[i * 32 + f * 8 + q]); // the positive part is the one-sign feature
        Assert.Contains(b, v => v > 0 && Array.IndexOf(b, v) % 8 >= 4); // negative parts are used
    }

    [TorchFact]
    public void Gaussian_filters_are_unit_norm()
    {
        var features = RandomConvFeatures.Create(new RandomConvConfig(Filters: 8, Source: FilterSource.Gaussian), RandomImages(4, 3));
        Assert.Equal(8 * 4, features.Dimension);
        var filters = features.Filters;
        var size = filters.Count / 8;
        for (var f = 0; f < 8; f++)
        {
            double norm = 0;
            for (var k = 0; k < size; k++) norm += (double)filters[f * size + k] * filters[f * size + k];
            Assert.Equal(1.0, Math.Sqrt(norm), 5);
        }
        // A filter applied to an image patch equal to itself gives its squared norm, 1, before the threshold.
        Assert.True(filters.Distinct().Count() > size, "the eight filters are not all the same");
    }

    [Fact]
    public void Bad_feature_options_name_the_option()
    {
        var e = Assert.Throws<ArgumentException>(() => FeatureMapConfig.Parse("random-conv", "filterz=3", 0));
        Assert.Contains("--feature-options", e.Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => FeatureMapConfig.Parse("random-conv", "filters=40000", 0));
    }
}
