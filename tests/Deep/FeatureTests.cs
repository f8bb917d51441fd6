using Rethink.Data;
using Rethink.Features;
using Rethink.Testing;
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
        {
            // Σ_k (r_k − β e_k)/S is 0 in exact arithmetic; the sums of r and of the envelope e (S) are within γ_N of
            // theirs, each corrected value within 4u, and summing the N results adds γ_N (Higham (3.5)):
            // |Σ| ≤ 2γ_{N+4}·Σ|values| + γ_N·Σ|values| with |values| at most the uncorrected ones' scale.
            var n = filter.Length;
            var absolute = filter.Sum(Math.Abs);
            Within.Bound(filter.Sum(), (2 * ErrorBound.Gamma(n + 4, ErrorBound.U64) + ErrorBound.Gamma(n, ErrorBound.U64)) * Math.Max(absolute, 1.0 / n) * n,
                "filter sum", "2 gamma_{N+4} + gamma_N times N max(sum|f|, 1/N) (the unit-L1 envelope bounds the uncorrected values)");
        }
        Assert.Equal(24, bank.Count);
        Assert.Equal(21, bank.Size);
    }

    [TorchFact]
    public void Filters_are_orientation_selective()
    {
        TorchFactAttribute.Require();
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
        TorchFactAttribute.Require();
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
        TorchFactAttribute.Require();
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
        // Another batch size changes the GEMM's shape, and so its blocking (one BLAS thread rounds them differently):
        // each computation within the float convolution's bound of the double reference.
        var (reference, bound) = ReferenceConvolution.Features(a, white, 0, 16);
        var fb = b.ApplyBlock(white, 0, 16, batch: 64);
        for (var i = 0; i < fa.Length; i++)
        {
            Within.Bound(fa[i] - reference[i], bound[i], $"batch 7, feature {i}", ReferenceConvolution.Derivation);
            Within.Bound(fb[i] - reference[i], bound[i], $"batch 64, feature {i}", ReferenceConvolution.Derivation);
        }
        Assert.NotEqual(fa, c.ApplyBlock(white, 0, 16));
        var (tr, te) = a.Transform(train, RandomImages(9, 2));
        Assert.Equal((40, 64), (tr.Rows, tr.Columns));
        Assert.Equal((9, 64), (te.Rows, te.Columns));
        // Standardized with training statistics: each training feature has mean 0. Its computed mean is
        // (Σ x_i/n − c)·s with c within γ_n·mean|x| of Σ x_i/n, and this mean's own rounding γ_n·mean|f|:
        // |mean| ≤ 2γ_{n+2}·(mean|x|·s + mean|f|), bounded by 2γ_{n+2}·(|c|·s + 2 mean|f|) since mean|x| ≤ |c| + mean|x − c|.
        var raw = a.ApplyBlock(white, 0, 16);
        for (var k = 0; k < 64; k++)
        {
            var column = Enumerable.Range(0, 40).Select(i => (double)raw[i * 64 + k]).ToArray();
            var (mean, std) = (column.Average(), Math.Sqrt(Math.Max(column.Average(v => v * v) - column.Average() * column.Average(), 0)));
            var scale = std > 1e-12 ? 1 / std : 1;
            var standardized = Enumerable.Range(0, 40).Select(i => tr.Values[i * 64 + k]).ToArray();
            Within.Bound(standardized.Average(), 2 * ErrorBound.Gamma(40 + 2, ErrorBound.U64) * (Math.Abs(mean) * scale + 2 * standardized.Average(Math.Abs)) + 1e-300,
                $"mean of standardized feature {k}", "2 gamma_{n+2} (|c| s + 2 mean|f|)");
        }
    }

    /// <summary>The GEMM convolution (im2col × filters, then rectification and pooling) equals TorchSharp's conv2d and adaptive pooling.</summary>
    [TorchFact]
    public void Gemm_convolution_equals_the_torchsharp_convolution()
    {
        TorchFactAttribute.Require();
        var images = RandomImages(23, 4);
        foreach (var config in new[] { new RandomConvConfig(Filters: 12, Seed: 2), new RandomConvConfig(Filters: 7, Patch: 3, Threshold: 0.1, Grid: 3, Seed: 3), new RandomConvConfig(Filters: 5, Source: FilterSource.Gaussian, Seed: 1) })
        {
            var features = RandomConvFeatures.Create(config, images);
            var torch = features.ApplyTorch(images, batch: 10);
            var gemm = features.ApplyBlock(RandomConvFeatures.Whitened(images), 0, config.Filters, batch: 6);
            Assert.Equal(torch.Length, gemm.Length);
            // Both are float convolutions then pooling: each within the float bound of the double reference.
            var (reference, bound) = ReferenceConvolution.Features(features, RandomConvFeatures.Whitened(images), 0, config.Filters);
            for (var i = 0; i < torch.Length; i++)
            {
                Within.Bound(torch[i] - reference[i], bound[i], $"{config.Describe()} torch feature {i}", ReferenceConvolution.Derivation);
                Within.Bound(gemm[i] - reference[i], bound[i], $"{config.Describe()} gemm feature {i}", ReferenceConvolution.Derivation);
            }
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
        TorchFactAttribute.Require();
        var features = RandomConvFeatures.Create(new RandomConvConfig(Filters: 8, Source: FilterSource.Gaussian), RandomImages(4, 3));
        Assert.Equal(8 * 4, features.Dimension);
        var filters = features.Filters;
        var size = filters.Count / 8;
        for (var f = 0; f < 8; f++)
        {
            double norm = 0;
            for (var k = 0; k < size; k++) norm += (double)filters[f * size + k] * filters[f * size + k];
            // Normalized in double, stored in float: each value within u₃₂ relatively, so the norm within u₃₂ of 1,
            // and the norm's own computation in double γ_{size}.
            Within.Bound(Math.Sqrt(norm) - 1, ErrorBound.U32 * 1.01 + ErrorBound.Gamma(size + 2, ErrorBound.U64), $"filter {f} norm", "u32 + gamma_{size+2}(u64)");
        }
        // A filter applied to an image patch equal to itself gives its squared norm, 1, before the threshold.
        Assert.True(filters.Distinct().Count() > size, "the eight filters are not all the same");
    }

    [Fact]
    public void Configs_out_of_range_name_the_parameter()
    {
        Assert.Equal("RandomConvConfig.Filters", Assert.Throws<Rethink.Core.UserInputException>(() => new RandomConvConfig(Filters: 40_000).Validate()).Parameter);
        Assert.Equal("RandomConvConfig.Signs", Assert.Throws<Rethink.Core.UserInputException>(() => new RandomConvConfig(Signs: 3).Validate()).Parameter);
        Assert.Equal("GaborConfig.Scales", Assert.Throws<Rethink.Core.UserInputException>(() => new GaborConfig(Scales: 0).Validate()).Parameter);
    }
}

/// <summary>
/// Random convolutional features computed here in double, directly from their definition (patch · filter,
/// threshold, average over the adaptive pooling cell), with the bound of a float computation of the same:
/// each response within γ_L(u)|p|ᵀ|w| (an inner product of length L, Higham (3.5)), the rectification
/// 1-Lipschitz, the cell's float sum within γ_a(u) of the sum of its a terms, and the division by a within u.
/// </summary>
internal static class ReferenceConvolution
{
    public const string Derivation = "(gamma_L(u32) S (1 + gamma_a) + gamma_a R)/a (1 + u) + u |f|, S = sum over the cell of |p|'|w|, R = sum of the rectified responses (Higham (3.5))";

    public static (double[] Features, double[] Bounds) Features(RandomConvFeatures features, ImageTensor whitened, int first, int count)
    {
        var config = features.Config;
        if (config.Normalize == true) throw new NotSupportedException("The bound does not cover float patch normalization.");
        var p = config.Patch;
        var (c, h, w) = (whitened.Channels, whitened.Height, whitened.Width);
        var (oh, ow) = (h - p + 1, w - p + 1);
        var length = c * p * p;
        var signs = config.Signs ?? 1;
        var grid = config.Grid;
        var perFilter = signs * grid * grid;
        var u = ErrorBound.U32;
        var gammaL = ErrorBound.Gamma(length, u);
        var values = new double[whitened.Count * count * perFilter];
        var bounds = new double[values.Length];
        var filters = features.Filters;
        Parallel.For(0, whitened.Count, i =>
        {
            var image = whitened.Image(i);
            var patch = new double[length];
            var response = new double[count, oh * ow];
            var absolute = new double[count, oh * ow];
            for (var y = 0; y < oh; y++)
                for (var x = 0; x < ow; x++)
                {
                    var k = 0;
                    for (var ch = 0; ch < c; ch++)
                        for (var r = 0; r < p; r++)
                            for (var col = 0; col < p; col++) patch[k++] = image[ch * h * w + (y + r) * w + x + col];
                    for (var f = 0; f < count; f++)
                    {
                        double z = 0, a = 0;
                        for (var t = 0; t < length; t++)
                        {
                            var weight = filters[(first + f) * length + t];
                            z += patch[t] * weight;
                            a += Math.Abs(patch[t] * weight);
                        }
                        response[f, y * ow + x] = z;
                        absolute[f, y * ow + x] = a;
                    }
                }
            for (var f = 0; f < count; f++)
                for (var cell = 0; cell < grid * grid; cell++)
                {
                    var (row, column) = (cell / grid, cell % grid);
                    var (y0, y1, x0, x1) = (row * oh / grid, ((row + 1) * oh + grid - 1) / grid, column * ow / grid, ((column + 1) * ow + grid - 1) / grid);
                    var area = (y1 - y0) * (x1 - x0);
                    double plus = 0, minus = 0, spread = 0;
                    for (var y = y0; y < y1; y++)
                        for (var x = x0; x < x1; x++)
                        {
                            var z = response[f, y * ow + x];
                            plus += Math.Max(z - config.Threshold, 0);
                            minus += Math.Max(-z - config.Threshold, 0);
                            spread += absolute[f, y * ow + x];
                        }
                    var gammaA = ErrorBound.Gamma(area, u);
                    var index = i * count * perFilter + f * perFilter;
                    foreach (var (offset, sum) in signs == 2 ? new[] { (cell, plus), (grid * grid + cell, minus) } : new[] { (cell, plus) })
                    {
                        values[index + offset] = sum / area;
                        bounds[index + offset] = (gammaL * spread * (1 + gammaA) + gammaA * sum) / area * (1 + u) + u * sum / area;
                    }
                }
        });
        return (values, bounds);
    }
}
