using Rethink.Torch;
using Rethink.Core;
using Rethink.Data;

using Rethink.Kernels;
using Rethink.Kernels.FeatureMaps;
using TorchSharp;
using static TorchSharp.torch;

namespace Rethink.Features;

/// <summary>
/// Random convolutional features (<see cref="RandomConvConfig"/>): filters drawn once from the
/// training images (or a Gaussian), then applied in batches with TorchSharp convolutions. Features
/// are standardized with the training set's mean and standard deviation and stored in one contiguous
/// array per split.
/// </summary>
public sealed class RandomConvFeatures
{
    private readonly RandomConvConfig _config;
    private readonly float[] _filters;
    private readonly int _channels;

    private RandomConvFeatures(RandomConvConfig config, float[] filters, int channels)
    {
        _config = config;
        _filters = filters;
        _channels = channels;
    }

    public RandomConvConfig Config => _config;

    /// <summary>The filters, Filters × Channels × Patch × Patch (row-major), as applied (ZCA folded in for patch filters).</summary>
    public IReadOnlyList<float> Filters => _filters;
    public int Dimension => _config.Filters * _config.Grid * _config.Grid;

    /// <summary>
    /// Draws the filters, deterministic in the seed. Patches: random patches of the per-image whitened
    /// training images, ZCA-whitened (the patch covariance, from 20,000 random patches, regularized
    /// by 0.1) and normalized to unit norm; the ZCA map is folded into the convolution (w·Zp = (Zw)·p,
    /// Z symmetric), so images are convolved directly. Gaussian: unit-norm Gaussian filters.
    /// </summary>
    public static RandomConvFeatures Create(RandomConvConfig config, ImageTensor training)
    {
        config.Validate();
        TorchRuntime.EnsureAvailable();
        var c = training.Channels;
        var p = config.Patch;
        var size = c * p * p;
        var filters = new float[config.Filters * size];
        var random = SeedMixer.Random(config.Seed, 0xF117E45);
        var whitened = new float[training.Dimension];
        var zca = config.Source == FilterSource.Patches ? Zca(training, p, SeedMixer.Random(config.Seed, 0x2CA)) : null;
        for (var f = 0; f < config.Filters; f++)
        {
            var filter = filters.AsSpan(f * size, size);
            if (config.Source == FilterSource.Gaussian)
            {
                var g = new GaussianSampler(random);
                for (var k = 0; k < size; k++) filter[k] = (float)g.Next();
            }
            else
            {
                var image = random.Next(training.Count);
                training.Image(image).CopyTo(whitened);
                Preprocessing.Whiten(whitened);
                var top = random.Next(training.Height - p + 1);
                var left = random.Next(training.Width - p + 1);
                for (var ch = 0; ch < c; ch++)
                    for (var r = 0; r < p; r++)
                        for (var col = 0; col < p; col++)
                            filter[(ch * p + r) * p + col] = whitened[ch * training.Height * training.Width + (top + r) * training.Width + left + col];
                var mean = 0f;
                foreach (var v in filter) mean += v;
                mean /= size;
                for (var k = 0; k < size; k++) filter[k] -= mean;
                Multiply(zca!, filter);
            }
            var norm = 0.0;
            foreach (var v in filter) norm += v * v;
            norm = Math.Sqrt(norm);
            if (norm < 1e-6)
            {
                f--; // a flat patch carries no direction: draw another
                continue;
            }
            for (var k = 0; k < size; k++) filter[k] = (float)(filter[k] / norm);
            if (zca is not null) Multiply(zca, filter);
        }
        return new RandomConvFeatures(config, filters, c);
    }

    /// <summary>The ZCA whitening matrix Z = V (Λ + 0.1 I)^(-1/2) Vᵀ of mean-centred patches, row-major.</summary>
    private static double[] Zca(ImageTensor training, int p, Random random)
    {
        var c = training.Channels;
        var size = c * p * p;
        const int samples = 20_000;
        var data = MathNet.Numerics.LinearAlgebra.Matrix<double>.Build.Dense(samples, size);
        var image = new float[training.Dimension];
        for (var s = 0; s < samples; s++)
        {
            training.Image(random.Next(training.Count)).CopyTo(image);
            Preprocessing.Whiten(image);
            var top = random.Next(training.Height - p + 1);
            var left = random.Next(training.Width - p + 1);
            double mean = 0;
            for (var ch = 0; ch < c; ch++)
                for (var r = 0; r < p; r++)
                    for (var col = 0; col < p; col++)
                    {
                        var v = image[ch * training.Height * training.Width + (top + r) * training.Width + left + col];
                        data[s, (ch * p + r) * p + col] = v;
                        mean += v;
                    }
            mean /= size;
            for (var k = 0; k < size; k++) data[s, k] -= mean;
        }
        var covariance = data.TransposeThisAndMultiply(data) / samples;
        var evd = covariance.Evd(MathNet.Numerics.LinearAlgebra.Symmetricity.Symmetric);
        var v2 = evd.EigenVectors;
        var scale = MathNet.Numerics.LinearAlgebra.Matrix<double>.Build.DiagonalOfDiagonalVector(evd.EigenValues.Map(l => 1 / Math.Sqrt(Math.Max(l.Real, 0) + 0.1)));
        return (v2 * scale * v2.Transpose()).ToRowMajorArray();
    }

    /// <summary>filter ← Z·filter.</summary>
    private static void Multiply(double[] z, Span<float> filter)
    {
        var n = filter.Length;
        var copy = filter.ToArray();
        for (var i = 0; i < n; i++)
        {
            double s = 0;
            for (var k = 0; k < n; k++) s += z[i * n + k] * copy[k];
            filter[i] = (float)s;
        }
    }

    /// <summary>Raw (unstandardized) features of every image, computed in batches.</summary>
    public double[] Apply(ImageTensor images, int batch = 500, Device? device = null)
    {
        if (images.Channels != _channels) throw new ArgumentException($"Images have {images.Channels} channels; the filters were drawn for {_channels}.", nameof(images));
        device ??= CPU;
        var p = _config.Patch;
        var (h, w) = (images.Height, images.Width);
        var (oh, ow) = (h - p + 1, w - p + 1);
        var grid = _config.Grid;
        var dimension = Dimension;
        var output = new double[(long)images.Count * dimension];
        using var weight = tensor(_filters, [_config.Filters, _channels, p, p]).to(device);
        var buffer = new float[batch * images.Dimension];
        for (var start = 0; start < images.Count; start += batch)
        {
            using var scope = NewDisposeScope();
            var count = Math.Min(batch, images.Count - start);
            images.Data.AsSpan(start * images.Dimension, count * images.Dimension).CopyTo(buffer);
            for (var i = 0; i < count; i++) Preprocessing.Whiten(buffer.AsSpan(i * images.Dimension, images.Dimension));
            var x = tensor(buffer.AsSpan(0, count * images.Dimension).ToArray(), [count, _channels, h, w]).to(device);
            var z = nn.functional.relu(nn.functional.conv2d(x, weight) - _config.Threshold);
            // Average over a grid×grid partition of the oh×ow output (the last cell takes the remainder).
            var pooled = nn.functional.adaptive_avg_pool2d(z, [grid, grid]);
            var features = pooled.reshape(count, dimension).to(float64).cpu();
            features.data<double>().CopyTo(output.AsSpan(start * dimension, count * dimension));
            _ = (oh, ow);
        }
        return output;
    }

    /// <summary>
    /// Train and test features, standardized per feature with the training set's statistics (constant
    /// features get scale 1).
    /// </summary>
    public (FeatureMatrix Train, FeatureMatrix Test) Transform(ImageTensor train, ImageTensor test, IProgress<double>? progress = null)
    {
        var a = Apply(train);
        progress?.Report(0.8);
        var b = Apply(test);
        var d = Dimension;
        var mean = new double[d];
        var sq = new double[d];
        for (var i = 0; i < train.Count; i++)
            for (var k = 0; k < d; k++) { var v = a[(long)i * d + k]; mean[k] += v; sq[k] += v * v; }
        for (var k = 0; k < d; k++)
        {
            mean[k] /= train.Count;
            var std = Math.Sqrt(Math.Max(sq[k] / train.Count - mean[k] * mean[k], 0));
            sq[k] = std > 1e-12 ? 1 / std : 1;
        }
        void Standardize(double[] values)
        {
            var rows = values.Length / d;
            Parallel.For(0, rows, i => { for (var k = 0; k < d; k++) values[(long)i * d + k] = (values[(long)i * d + k] - mean[k]) * sq[k]; });
        }
        Standardize(a);
        Standardize(b);
        progress?.Report(1);
        return (new FeatureMatrix(a, train.Count, d), new FeatureMatrix(b, test.Count, d));
    }

}
