using Rethink.Torch;
using Rethink.Core;
using Rethink.Data;

using Rethink.Kernels;
using Rethink.Features;
using TorchSharp;
using static TorchSharp.torch;

namespace Rethink.Features;

/// <summary>
/// Random convolutional features (<see cref="RandomConvConfig"/>): filters drawn once from the
/// training images (or a Gaussian), then applied block by block as one matrix product per image batch
/// (the image patches times the filters, through the host's BLAS). Features are standardized with the
/// training set's mean and standard deviation and stored in one contiguous array per split.
/// <see cref="ApplyTorch"/> computes the same raw features with TorchSharp's convolution, as an
/// independent reference for the tests and the benchmark.
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

    /// <summary>The configuration the filters were drawn for.</summary>
    public RandomConvConfig Config => _config;

    /// <summary>The filters, Filters × Channels × Patch × Patch (row-major), as applied (ZCA folded in for patch filters).</summary>
    public IReadOnlyList<float> Filters => _filters;
    /// <summary>The feature dimension: filters × signs × grid cells.</summary>
    public long Dimension => _config.Dimension;

    /// <summary>
    /// Draws the filters, deterministic in the seed. Patches: random patches of the per-image whitened
    /// training images, ZCA-whitened (the patch covariance, from 20,000 random patches, regularized
    /// by 0.1) and normalized to unit norm; the ZCA map is folded into the convolution (w·Zp = (Zw)·p,
    /// Z symmetric), so images are convolved directly. Gaussian: unit-norm Gaussian filters.
    /// </summary>
    public static RandomConvFeatures Create(RandomConvConfig config, ImageTensor training)
    {
        config.Validate();
        if (config.Patch > Math.Min(training.Height, training.Width))
            throw new UserInputException($"{nameof(RandomConvConfig)}.{nameof(RandomConvConfig.Patch)}", config.Patch, $"larger than the {training.Height}x{training.Width} images; give at most {Math.Min(training.Height, training.Width)}.");
        var responseSide = Math.Min(training.Height, training.Width) - config.Patch + 1;
        if (config.Grid > responseSide)
            throw new UserInputException($"{nameof(RandomConvConfig)}.{nameof(RandomConvConfig.Grid)}", config.Grid, $"the {config.Patch}x{config.Patch} filters give {responseSide}x{responseSide} responses on these images, so at most {responseSide} cells a side.");
        var c = training.Channels;
        var p = config.Patch;
        var size = c * p * p;
        var filters = new float[config.Filters * size];
        var random = SeedMixer.Random(config.Seed, 0xF117E45);
        var whitened = new float[training.Dimension];
        var zca = config.Source == FilterSource.Patches ? Zca(training, p, SeedMixer.Random(config.Seed, 0x2CA), config.Normalize == true) : null;
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
                NormalizePatch(filter, config.Normalize == true);
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
    private static double[] Zca(ImageTensor training, int p, Random random, bool normalize)
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
            var variance = 0.0;
            for (var k = 0; k < size; k++) { data[s, k] -= mean; variance += data[s, k] * data[s, k]; }
            if (normalize)
            {
                var inverse = 1 / Math.Sqrt(variance / size + NormalizationFloor);
                for (var k = 0; k < size; k++) data[s, k] *= inverse;
            }
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

    /// <summary>The variance floor of patch contrast normalization.</summary>
    internal const double NormalizationFloor = 0.1;

    /// <summary>Contrast normalization of a patch (a filter source or an image patch): subtract the mean; with <paramref name="normalize"/>, divide by √(variance + floor).</summary>
    private static void NormalizePatch(Span<float> patch, bool normalize)
    {
        var mean = 0f;
        foreach (var v in patch) mean += v;
        mean /= patch.Length;
        var variance = 0f;
        for (var k = 0; k < patch.Length; k++)
        {
            patch[k] -= mean;
            variance += patch[k] * patch[k];
        }
        if (!normalize) return;
        var scale = (float)(1 / Math.Sqrt(variance / patch.Length + NormalizationFloor));
        for (var k = 0; k < patch.Length; k++) patch[k] *= scale;
    }

    /// <summary>Per-image whitened copies of the images (the convolution's input), computed once.</summary>
    public static ImageTensor Whitened(ImageTensor images)
    {
        var copy = new ImageTensor((float[])images.Data.Clone(), images.Count, images.Channels, images.Height, images.Width);
        Preprocessing.WhitenPerImage(copy);
        return copy;
    }

    /// <summary>
    /// Raw (unstandardized) features of filters [first, first + count) for every image of the
    /// whitened <paramref name="whitened"/>, row-major images × (count·signs·grid²), in float: the
    /// convolution as one GEMM per batch of images (the im2col matrix of their patches times the
    /// filter block, on the native BLAS), then rectification and average pooling over the grid cells
    /// before anything is stored. Feature f·signs·grid² + s·grid² + cell, s = 0 for max(z − a, 0) and 1
    /// for max(−z − a, 0).
    /// </summary>
    public unsafe float[] ApplyBlock(ImageTensor whitened, int first, int count, int batch = 64)
    {
        if (whitened.Channels != _channels) throw new ArgumentException($"Images have {whitened.Channels} channels; the filters were drawn for {_channels}.", nameof(whitened));
        if (first < 0 || count < 1 || first + count > _config.Filters) throw new ArgumentOutOfRangeException(nameof(first), $"Filters [{first}, {first + count}) of {_config.Filters}.");
        var p = _config.Patch;
        var (c, h, w) = (whitened.Channels, whitened.Height, whitened.Width);
        var (oh, ow) = (h - p + 1, w - p + 1);
        var positions = oh * ow;
        var length = c * p * p;
        var signs = _config.Signs ?? 1;
        var grid = _config.Grid;
        var perFilter = signs * grid * grid;
        var width = count * perFilter;
        var threshold = (float)_config.Threshold;
        var normalize = _config.Normalize == true;
        var output = new float[(long)whitened.Count * width];
        var cells = Cells(oh, ow, grid);
        batch = Math.Max(1, Math.Min(batch, whitened.Count));
        var patches = new float[(long)length * batch * positions];
        var responses = new float[(long)batch * positions * count];
        fixed (float* pw = _filters)
        fixed (float* pp = patches)
        fixed (float* pz = responses)
        {
            var (weights, patchAddress, responseAddress) = ((nint)(pw + (long)first * length), (nint)pp, (nint)pz);
            for (var start = 0; start < whitened.Count; start += batch)
            {
                var images = Math.Min(batch, whitened.Count - start);
                // im2col: column (image, position) holds the patch in filter order (channel, row, column).
                Parallel.For(0, images, i =>
                {
                    var image = whitened.Image(start + i);
                    for (var y = 0; y < oh; y++)
                        for (var x = 0; x < ow; x++)
                        {
                            var column = new Span<float>((float*)patchAddress + ((long)i * positions + y * ow + x) * length, length);
                            var k = 0;
                            for (var ch = 0; ch < c; ch++)
                                for (var r = 0; r < p; r++)
                                    image.Slice(ch * h * w + (y + r) * w + x, p).CopyTo(column.Slice((k++) * p, p));
                            if (normalize) NormalizePatch(column, true);
                        }
                });
                var rows = images * positions;
                // Z (rows × count, column-major) = Pᵀ W with P the length × rows patch matrix and W the length × count filters.
                Rethink.Kernels.Native.NativeLinearAlgebra.Gemm('T', 'N', rows, count, length, 1f, (float*)patchAddress, length,
                    (float*)weights, length, 0f, (float*)responseAddress, rows);
                Parallel.For(0, images * count, job =>
                {
                    var (i, f) = (job / count, job % count);
                    var z = new ReadOnlySpan<float>((float*)responseAddress + (long)f * rows + (long)i * positions, positions);
                    var target = output.AsSpan((int)((long)(start + i) * width + (long)f * perFilter), perFilter);
                    for (var cell = 0; cell < cells.Length; cell++)
                    {
                        var (y0, y1, x0, x1) = cells[cell];
                        float plus = 0, minus = 0;
                        for (var y = y0; y < y1; y++)
                            for (var x = x0; x < x1; x++)
                            {
                                var v = z[y * ow + x];
                                plus += MathF.Max(v - threshold, 0);
                                minus += MathF.Max(-v - threshold, 0);
                            }
                        var area = (float)((y1 - y0) * (x1 - x0));
                        target[cell] = plus / area;
                        if (signs == 2) target[grid * grid + cell] = minus / area;
                    }
                });
            }
        }
        return output;
    }

    /// <summary>The grid×grid pooling cells of an oh×ow map, as adaptive average pooling splits it: rows [⌊r·oh/g⌋, ⌈(r+1)·oh/g⌉).</summary>
    internal static (int Y0, int Y1, int X0, int X1)[] Cells(int oh, int ow, int grid) =>
        Enumerable.Range(0, grid * grid).Select(k =>
        {
            var (r, q) = (k / grid, k % grid);
            return (r * oh / grid, ((r + 1) * oh + grid - 1) / grid, q * ow / grid, ((q + 1) * ow + grid - 1) / grid);
        }).ToArray();

    /// <summary>
    /// Raw features of every image through TorchSharp's convolution (an independent implementation the
    /// tests and the benchmark compare with; one sign, no patch normalization), double, row-major images × Dimension.
    /// </summary>
    public double[] ApplyTorch(ImageTensor images, int batch = 500, Device? device = null)
    {
        if (images.Channels != _channels) throw new ArgumentException($"Images have {images.Channels} channels; the filters were drawn for {_channels}.", nameof(images));
        if ((_config.Signs ?? 1) != 1 || _config.Normalize == true) throw new NotSupportedException("The TorchSharp path computes one sign without patch normalization; use ApplyBlock.");
        TorchRuntime.EnsureAvailable();
        device ??= CPU;
        var p = _config.Patch;
        var (h, w) = (images.Height, images.Width);
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
            // Average over a grid×grid partition of the output (the last cell takes the remainder).
            var pooled = nn.functional.adaptive_avg_pool2d(z, [grid, grid]);
            var features = pooled.reshape(count, dimension).to(float64).cpu();
            features.data<double>().CopyTo(output.AsSpan((int)(start * dimension), (int)(count * dimension)));
        }
        return output;
    }

    /// <summary>Filters per block when features are computed block by block (about 4,096 features at a time).</summary>
    public int BlockFilters => Math.Min(_config.Filters, _config.Block ?? Math.Max(1, 4096 / _config.FeaturesPerFilter));

    /// <summary>
    /// Train and test features, standardized per feature with the training set's statistics (constant
    /// features get scale 1), materialized in double: Dimension values per image. Computed block by block
    /// through <see cref="ApplyBlock"/>.
    /// </summary>
    public (FeatureMatrix Train, FeatureMatrix Test) Transform(ImageTensor train, ImageTensor test, IProgress<double>? progress = null)
    {
        var d = (int)Dimension;
        var a = new double[(long)train.Count * d];
        var b = new double[(long)test.Count * d];
        var (wa, wb) = (Whitened(train), Whitened(test));
        for (var first = 0; first < _config.Filters; first += BlockFilters)
        {
            var count = Math.Min(BlockFilters, _config.Filters - first);
            var (fa, fb) = (ApplyBlock(wa, first, count), ApplyBlock(wb, first, count));
            var offset = first * _config.FeaturesPerFilter;
            var width = count * _config.FeaturesPerFilter;
            Parallel.For(0, train.Count, i => { for (var k = 0; k < width; k++) a[(long)i * d + offset + k] = fa[(long)i * width + k]; });
            Parallel.For(0, test.Count, i => { for (var k = 0; k < width; k++) b[(long)i * d + offset + k] = fb[(long)i * width + k]; });
            progress?.Report((double)(first + count) / _config.Filters);
        }
        FeatureStatistics.Standardize(a, b, train.Count, test.Count, d);
        return (new FeatureMatrix(a, train.Count, d), new FeatureMatrix(b, test.Count, d));
    }
}
