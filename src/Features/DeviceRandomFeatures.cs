using ILGPU;
using ILGPU.Runtime;
using Rethink.Data;
using Rethink.Kernels.Devices;

namespace Rethink.Features;

/// <summary>
/// Random convolutional features computed on an accelerator, block by block of filters, exactly as
/// <see cref="RandomConvFeatures.ApplyBlock"/> and <see cref="FeatureStatistics.Standardize{T}"/> compute them on the host:
/// the whitened images are uploaded once; per batch of images an im2col kernel gathers (and contrast-normalizes) the
/// patches, one GEMM of the accelerator's BLAS (cuBLAS on the GPU) multiplies them by the filter block, and a kernel
/// applies the two-sided threshold and averages over the pooling cells; then each feature is standardized with the
/// training images' mean and standard deviation (accumulated in double) and converted to the stream's precision. The
/// block never leaves the accelerator: it goes to the resident K and C as it is. Only the rows' squared norms come
/// back (n + m doubles a block).
/// </summary>
public sealed class DeviceRandomFeatures : IDisposable
{
    private readonly RandomConvConfig _config;
    private readonly IAcceleratorBlas _blas;
    private readonly Accelerator _accelerator;
    private readonly int _channels, _height, _width, _train, _test;
    private readonly MemoryBuffer1D<float, Stride1D.Dense> _images, _filters;
    private readonly MemoryBuffer1D<int, Stride1D.Dense> _cells;
    private readonly int _batch;
    private MemoryBuffer1D<float, Stride1D.Dense>? _patches, _responses, _raw;
    private MemoryBuffer1D<double, Stride1D.Dense>? _statistics, _norms;
    private MemoryBuffer1D<float, Stride1D.Dense>? _single;
    private MemoryBuffer1D<double, Stride1D.Dense>? _double;

    private readonly Action<Index1D, ArrayView1D<float, Stride1D.Dense>, ArrayView1D<float, Stride1D.Dense>, Geometry, long> _im2col;
    private readonly Action<Index2D, ArrayView1D<float, Stride1D.Dense>, ArrayView1D<float, Stride1D.Dense>, ArrayView1D<int, Stride1D.Dense>, Geometry, long, int> _pool;
    private readonly Action<Index1D, ArrayView1D<float, Stride1D.Dense>, ArrayView1D<double, Stride1D.Dense>, int, int> _moments;
    private readonly Action<Index1D, ArrayView1D<float, Stride1D.Dense>, ArrayView1D<double, Stride1D.Dense>, ArrayView1D<float, Stride1D.Dense>, int, ArrayView1D<double, Stride1D.Dense>> _standardizeSingle;
    private readonly Action<Index1D, ArrayView1D<float, Stride1D.Dense>, ArrayView1D<double, Stride1D.Dense>, ArrayView1D<double, Stride1D.Dense>, int, ArrayView1D<double, Stride1D.Dense>> _standardizeDouble;

    /// <summary>The shapes the kernels share.</summary>
    internal readonly struct Geometry(int channels, int height, int width, int patch, int positions, int outWidth, int normalize, int count, int perFilter, int signs, int grid, float threshold, int blockWidth)
    {
        public readonly int Channels = channels, Height = height, Width = width, Patch = patch, Positions = positions, OutWidth = outWidth, Normalize = normalize,
            Count = count, PerFilter = perFilter, Signs = signs, Grid = grid, BlockWidth = blockWidth;
        public readonly float Threshold = threshold;
        public int Length => Channels * Patch * Patch;
    }

    /// <param name="features">The filters (drawn on the host, as for the host path).</param>
    /// <param name="whiteTrain">The whitened training images (<see cref="RandomConvFeatures.Whitened"/>).</param>
    /// <param name="whiteTest">The whitened test images.</param>
    /// <param name="blas">The accelerator and its GEMM.</param>
    public DeviceRandomFeatures(RandomConvFeatures features, ImageTensor whiteTrain, ImageTensor whiteTest, IAcceleratorBlas blas)
    {
        _config = features.Config;
        _blas = blas;
        _accelerator = blas.Accelerator;
        (_channels, _height, _width, _train, _test) = (whiteTrain.Channels, whiteTrain.Height, whiteTrain.Width, whiteTrain.Count, whiteTest.Count);
        var p = _config.Patch;
        var (oh, ow) = (_height - p + 1, _width - p + 1);
        // Images per GEMM: the patch matrix and the responses of a block within about 512 MB each, and ILGPU's 32-bit extents.
        var length = _channels * p * p;
        var perImage = (long)oh * ow * Math.Max(length, features.BlockFilters) * sizeof(float);
        _batch = (int)Math.Clamp((512L << 20) / Math.Max(1, perImage), 1, Math.Max(1, _train + _test));
        using var scope = blas.Enter();
        _im2col = _accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView1D<float, Stride1D.Dense>, ArrayView1D<float, Stride1D.Dense>, Geometry, long>(Im2Col);
        _pool = _accelerator.LoadAutoGroupedStreamKernel<Index2D, ArrayView1D<float, Stride1D.Dense>, ArrayView1D<float, Stride1D.Dense>, ArrayView1D<int, Stride1D.Dense>, Geometry, long, int>(Pool);
        _moments = _accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView1D<float, Stride1D.Dense>, ArrayView1D<double, Stride1D.Dense>, int, int>(Moments);
        _standardizeSingle = _accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView1D<float, Stride1D.Dense>, ArrayView1D<double, Stride1D.Dense>, ArrayView1D<float, Stride1D.Dense>, int, ArrayView1D<double, Stride1D.Dense>>(Standardize);
        _standardizeDouble = _accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView1D<float, Stride1D.Dense>, ArrayView1D<double, Stride1D.Dense>, ArrayView1D<double, Stride1D.Dense>, int, ArrayView1D<double, Stride1D.Dense>>(Standardize);
        // The images, train then test, uploaded once.
        _images = _accelerator.Allocate1D<float>((long)(_train + _test) * whiteTrain.Dimension);
        _images.View.SubView(0, whiteTrain.Data.LongLength).CopyFromCPU(whiteTrain.Data);
        _images.View.SubView(whiteTrain.Data.LongLength, whiteTest.Data.LongLength).CopyFromCPU(whiteTest.Data);
        _filters = _accelerator.Allocate1D(features.Filters.ToArray());
        _cells = _accelerator.Allocate1D(RandomConvFeatures.Cells(oh, ow, _config.Grid).SelectMany(c => new[] { c.Y0, c.Y1, c.X0, c.X1 }).ToArray());
    }

    /// <summary>Where the features are computed (written into the result).</summary>
    public string Where => $"{_blas.Name}, images uploaded once";

    /// <summary>
    /// The standardized features of filters [first, first + count) for the training and the test images, on the
    /// accelerator in <typeparamref name="T"/> (row-major n×w and m×w, valid until the next call), and each row's squared
    /// norm over the block (in double, on the host).
    /// </summary>
    public (ArrayView1D<T, Stride1D.Dense> Train, ArrayView1D<T, Stride1D.Dense> Test, double[] TrainNorms, double[] TestNorms) Block<T>(int first, int count)
        where T : unmanaged
    {
        if (first < 0 || count < 1 || first + count > _config.Filters) throw new ArgumentOutOfRangeException(nameof(first), $"Filters [{first}, {first + count}) of {_config.Filters}.");
        using var scope = _blas.Enter();
        var p = _config.Patch;
        var (oh, ow) = (_height - p + 1, _width - p + 1);
        var signs = _config.Signs ?? 1;
        var perFilter = signs * _config.Grid * _config.Grid;
        var width = count * perFilter;
        var g = new Geometry(_channels, _height, _width, p, oh * ow, ow, _config.Normalize == true ? 1 : 0, count, perFilter, signs, _config.Grid, (float)_config.Threshold, width);
        var images = _train + _test;
        var raw = Buffer(ref _raw, (long)images * width);
        var patches = Buffer(ref _patches, (long)g.Length * _batch * g.Positions);
        var responses = Buffer(ref _responses, (long)_batch * g.Positions * count);
        var filters = _filters.View.SubView((long)first * g.Length, (long)count * g.Length);
        for (var start = 0; start < images; start += _batch)
        {
            var batch = Math.Min(_batch, images - start);
            var rows = batch * g.Positions;
            _im2col(rows, _images.View, patches, g, start);
            // Z (rows × count, column-major) = Pᵀ W, P the length × rows patch matrix, W the length × count filters.
            _blas.Gemm(true, false, rows, count, g.Length, patches, g.Length, filters, g.Length, responses, rows, accumulate: false);
            _pool(new Index2D(batch, count), responses, raw, _cells.View, g, start, rows);
        }
        // Mean and variance of each feature over the training rows, then both splits standardized and converted.
        var statistics = Buffer(ref _statistics, 2L * width);
        _moments(width, raw, statistics, _train, width);
        var norms = Buffer(ref _norms, images);
        ArrayView1D<T, Stride1D.Dense> output;
        if (typeof(T) == typeof(float))
        {
            var single = Buffer(ref _single, (long)images * width);
            _standardizeSingle(images, raw, statistics, single, width, norms);
            output = Views.As<float, T>(single);
        }
        else
        {
            var values = Buffer(ref _double, (long)images * width);
            _standardizeDouble(images, raw, statistics, values, width, norms);
            output = Views.As<double, T>(values);
        }
        var rowNorms = norms.SubView(0, images).GetAsArray1D(); // synchronizes: the block is done
        return (output.SubView(0, (long)_train * width), output.SubView((long)_train * width, (long)_test * width), rowNorms[.._train], rowNorms[_train..]);
    }

    /// <summary>A scratch buffer of at least <paramref name="length"/> values, reused across blocks.</summary>
    private ArrayView1D<TValue, Stride1D.Dense> Buffer<TValue>(ref MemoryBuffer1D<TValue, Stride1D.Dense>? buffer, long length) where TValue : unmanaged
    {
        if (buffer is null || buffer.Length < length)
        {
            buffer?.Dispose();
            buffer = _accelerator.Allocate1D<TValue>(Math.Max(1, length));
        }
        return buffer.View.SubView(0, Math.Max(1, length));
    }

    /// <summary>Column (image i of the batch, position y·ow + x) of the patch matrix: the patch in filter order, contrast-normalized as on the host.</summary>
    private static void Im2Col(Index1D index, ArrayView1D<float, Stride1D.Dense> images, ArrayView1D<float, Stride1D.Dense> patches, Geometry g, long start)
    {
        long column = index.X;
        var i = column / g.Positions;
        var position = (int)(column % g.Positions);
        var (y, x) = (position / g.OutWidth, position % g.OutWidth);
        var image = (start + i) * g.Channels * g.Height * g.Width;
        var at = column * g.Length;
        var k = 0;
        for (var ch = 0; ch < g.Channels; ch++)
            for (var r = 0; r < g.Patch; r++)
                for (var c = 0; c < g.Patch; c++)
                    patches[at + k++] = images[image + ch * g.Height * g.Width + (y + r) * g.Width + x + c];
        if (g.Normalize == 0) return;
        // The host's NormalizePatch, operation for operation: float sums in filter order, the scale through double.
        var mean = 0f;
        for (var t = 0; t < g.Length; t++) mean += patches[at + t];
        mean /= g.Length;
        var variance = 0f;
        for (var t = 0; t < g.Length; t++)
        {
            var v = patches[at + t] - mean;
            patches[at + t] = v;
            variance += v * v;
        }
        var scale = (float)(1 / Math.Sqrt(variance / g.Length + RandomConvFeatures.NormalizationFloor));
        for (var t = 0; t < g.Length; t++) patches[at + t] *= scale;
    }

    /// <summary>Features of filter f for image i of the batch: max(z − a, 0) and max(−z − a, 0) averaged over each pooling cell.</summary>
    private static void Pool(Index2D index, ArrayView1D<float, Stride1D.Dense> responses, ArrayView1D<float, Stride1D.Dense> raw, ArrayView1D<int, Stride1D.Dense> cells,
        Geometry g, long start, int rows)
    {
        var (i, f) = (index.X, index.Y);
        var z = (long)f * rows + (long)i * g.Positions;
        var target = (start + i) * g.BlockWidth + (long)f * g.PerFilter;
        var cellCount = g.Grid * g.Grid;
        for (var cell = 0; cell < cellCount; cell++)
        {
            var (y0, y1, x0, x1) = (cells[4 * cell], cells[4 * cell + 1], cells[4 * cell + 2], cells[4 * cell + 3]);
            float plus = 0, minus = 0;
            for (var y = y0; y < y1; y++)
                for (var x = x0; x < x1; x++)
                {
                    var v = responses[z + y * g.OutWidth + x];
                    plus += Math.Max(v - g.Threshold, 0f);
                    minus += Math.Max(-v - g.Threshold, 0f);
                }
            var area = (float)((y1 - y0) * (x1 - x0));
            raw[target + cell] = plus / area;
            if (g.Signs == 2) raw[target + cellCount + cell] = minus / area;
        }
    }

    /// <summary>Feature k's mean (statistics[k]) and 1/standard deviation (statistics[w + k]; 1 for a constant feature) over the training rows, in double.</summary>
    private static void Moments(Index1D index, ArrayView1D<float, Stride1D.Dense> raw, ArrayView1D<double, Stride1D.Dense> statistics, int rows, int width)
    {
        int k = index.X;
        double sum = 0, squares = 0;
        for (long i = 0; i < rows; i++)
        {
            double v = raw[i * width + k];
            sum += v;
            squares += v * v;
        }
        var mean = sum / rows;
        var std = Math.Sqrt(Math.Max(squares / rows - mean * mean, 0));
        statistics[k] = mean;
        statistics[width + k] = std > 1e-12 ? 1 / std : 1;
    }

    /// <summary>Row i standardized in float as the host does in FP32 ((v − mean)·(1/std), each rounded to float first), and its squared norm.</summary>
    private static void Standardize(Index1D index, ArrayView1D<float, Stride1D.Dense> raw, ArrayView1D<double, Stride1D.Dense> statistics, ArrayView1D<float, Stride1D.Dense> output,
        int width, ArrayView1D<double, Stride1D.Dense> norms)
    {
        long row = index.X;
        double norm = 0;
        for (var k = 0; k < width; k++)
        {
            var v = (raw[row * width + k] - (float)statistics[k]) * (float)statistics[width + k];
            output[row * width + k] = v;
            norm += (double)v * v;
        }
        norms[row] = norm;
    }

    /// <summary>The same in double.</summary>
    private static void Standardize(Index1D index, ArrayView1D<float, Stride1D.Dense> raw, ArrayView1D<double, Stride1D.Dense> statistics, ArrayView1D<double, Stride1D.Dense> output,
        int width, ArrayView1D<double, Stride1D.Dense> norms)
    {
        long row = index.X;
        double norm = 0;
        for (var k = 0; k < width; k++)
        {
            var v = (raw[row * width + k] - statistics[k]) * statistics[width + k];
            output[row * width + k] = v;
            norm += v * v;
        }
        norms[row] = norm;
    }

    /// <summary>Frees the images, filters and scratch buffers.</summary>
    public void Dispose()
    {
        using var scope = _blas.Enter();
        foreach (var buffer in new IDisposable?[] { _images, _filters, _cells, _patches, _responses, _raw, _statistics, _norms, _single, _double }) buffer?.Dispose();
    }
}
