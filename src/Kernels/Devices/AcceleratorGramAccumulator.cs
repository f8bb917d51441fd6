using ILGPU;
using ILGPU.Runtime;

namespace Rethink.Kernels.Devices;

/// <summary>
/// An accumulator whose K and C live on an accelerator: blocks computed there (the device-side features) are added
/// where they are, without crossing the bus.
/// </summary>
public interface IResidentGramAccumulator : IGramAccumulator
{
    /// <summary>The products' library on the accumulator's accelerator; the blocks must live on its <see cref="IAcceleratorBlas.Accelerator"/>.</summary>
    IAcceleratorBlas Blas { get; }

    /// <summary>Adds a block already on the accelerator: n·w and m·w values (row-major n×w and m×w) in the accumulator's precision.</summary>
    void Add<T>(ArrayView1D<T, Stride1D.Dense> train, ArrayView1D<T, Stride1D.Dense> test, int width) where T : unmanaged;

    /// <summary>
    /// Hands K (whole: its upper triangle mirrored from the lower one the products fill) and C over to the caller, who
    /// frees them, when the accelerator keeps <paramref name="reserve"/> bytes free beside them (the solve's own K);
    /// null otherwise, and they are freed with the accumulator.
    /// </summary>
    (MemoryBuffer1D<T, Stride1D.Dense> K, MemoryBuffer1D<T, Stride1D.Dense> C)? Release<T>(long reserve) where T : unmanaged;
}

/// <summary>
/// K and C of a stream on an ILGPU accelerator, the products through its <see cref="IAcceleratorBlas"/> (cuBLAS on the
/// GPU): host blocks are uploaded, device blocks used in place, and the host's K (lower triangle) and C brought up to
/// date only on <see cref="Flush"/>.
/// </summary>
public sealed unsafe class AcceleratorGramAccumulator<T> : IResidentGramAccumulator where T : unmanaged
{
    private readonly IAcceleratorBlas _blas;
    private readonly nint _hostK, _hostC;
    private readonly int _n, _m;
    private readonly MemoryBuffer1D<T, Stride1D.Dense> _k, _c;
    private MemoryBuffer1D<T, Stride1D.Dense>? _train, _test;
    private bool _released;

    /// <summary>Copies the host's starting K (n×n) and C (n×m) to the accelerator.</summary>
    public AcceleratorGramAccumulator(IAcceleratorBlas blas, string where, nint k, nint c, int n, int m)
    {
        (_blas, Where, _hostK, _hostC, _n, _m) = (blas, where, k, c, n, m);
        using var scope = blas.Enter();
        _k = blas.Accelerator.Allocate1D<T>(Math.Max(1, (long)n * n));
        try
        {
            _c = blas.Accelerator.Allocate1D<T>(Math.Max(1, (long)n * m));
        }
        catch
        {
            _k.Dispose();
            throw;
        }
        _k.View.SubView(0, (long)n * n).CopyFromCPU(ref *(T*)k, (long)n * n);
        _c.View.SubView(0, (long)n * m).CopyFromCPU(ref *(T*)c, (long)n * m);
    }

    /// <inheritdoc/>
    public string Where { get; }

    /// <inheritdoc/>
    public IAcceleratorBlas Blas => _blas;

    /// <inheritdoc/>
    public bool Resident => true;

    /// <inheritdoc/>
    public void Add(nint train, nint test, int width)
    {
        using var scope = _blas.Enter();
        var (a, b) = (Scratch(ref _train, (long)_n * width), Scratch(ref _test, (long)_m * width));
        a.SubView(0, (long)_n * width).CopyFromCPU(ref *(T*)train, (long)_n * width);
        b.SubView(0, (long)_m * width).CopyFromCPU(ref *(T*)test, (long)_m * width);
        Products(a, b, width);
    }

    /// <inheritdoc/>
    public void Add<TBlock>(ArrayView1D<TBlock, Stride1D.Dense> train, ArrayView1D<TBlock, Stride1D.Dense> test, int width) where TBlock : unmanaged
    {
        if (train.Length < (long)_n * width || test.Length < (long)_m * width) throw new ArgumentException($"Blocks of {_n:N0}x{width} and {_m:N0}x{width} values expected.");
        using var scope = _blas.Enter();
        Products(Views.As<TBlock, T>(train), Views.As<TBlock, T>(test), width);
    }

    private void Products(ArrayView1D<T, Stride1D.Dense> a, ArrayView1D<T, Stride1D.Dense> b, int width)
    {
        _blas.SyrkAccumulate(_n, width, a, _k.View);
        _blas.Gemm(true, false, _n, _m, width, a, width, b, width, _c.View, _n, accumulate: true);
    }

    /// <summary>A scratch buffer of at least <paramref name="length"/> values (blocks are at most as wide as the first).</summary>
    private ArrayView1D<T, Stride1D.Dense> Scratch(ref MemoryBuffer1D<T, Stride1D.Dense>? buffer, long length)
    {
        if (buffer is null || buffer.Length < length)
        {
            buffer?.Dispose();
            buffer = _blas.Accelerator.Allocate1D<T>(Math.Max(1, length));
        }
        return buffer.View;
    }

    /// <inheritdoc/>
    public void Flush()
    {
        using var scope = _blas.Enter();
        _blas.Accelerator.Synchronize();
        _k.View.SubView(0, (long)_n * _n).CopyToCPU(ref *(T*)_hostK, (long)_n * _n);
        _c.View.SubView(0, (long)_n * _m).CopyToCPU(ref *(T*)_hostC, (long)_n * _m);
    }

    /// <inheritdoc/>
    public (MemoryBuffer1D<TValue, Stride1D.Dense> K, MemoryBuffer1D<TValue, Stride1D.Dense> C)? Release<TValue>(long reserve) where TValue : unmanaged
    {
        if (typeof(TValue) != typeof(T)) throw new InvalidCastException($"K and C hold {typeof(T).Name}, not {typeof(TValue).Name}.");
        using var scope = _blas.Enter();
        _train?.Dispose();
        _test?.Dispose();
        (_train, _test) = (null, null);
        if (_released || _blas.FreeMemory() < reserve) return null;
        var mirror = _blas.Accelerator.LoadAutoGroupedStreamKernel<Index2D, ArrayView1D<T, Stride1D.Dense>, long, long>(Mirror);
        // One launch covers n × tile threads: keep it within ILGPU's 32-bit extent.
        var tile = Math.Max(1, int.MaxValue / Math.Max(1, _n));
        for (var j0 = 0; j0 < _n; j0 += tile) mirror(new Index2D(_n, Math.Min(tile, _n - j0)), _k.View, _n, j0);
        _blas.Accelerator.Synchronize();
        _released = true;
        return ((MemoryBuffer1D<TValue, Stride1D.Dense>)(object)_k, (MemoryBuffer1D<TValue, Stride1D.Dense>)(object)_c);
    }

    /// <summary>K's entry (i, j) above the diagonal ← (j, i) below it, for columns from <paramref name="firstColumn"/>.</summary>
    private static void Mirror(Index2D index, ArrayView1D<T, Stride1D.Dense> k, long n, long firstColumn)
    {
        long i = index.X;
        var j = firstColumn + index.Y;
        if (i < j) k[j * n + i] = k[i * n + j];
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        using var scope = _blas.Enter();
        foreach (var buffer in _released ? new[] { _train, _test } : new[] { _k, _c, _train, _test }) buffer?.Dispose();
    }
}

/// <summary>
/// Streaming on any ILGPU accelerator in a precision: K and C kept there, the products through <paramref name="blas"/>.
/// The GPU device is one (with cuBLAS); this one serves an accelerator without a dense device of its own (ILGPU's CPU
/// accelerator, where the tests run the device-side stream).
/// </summary>
public sealed class AcceleratorStreaming(IAcceleratorBlas blas, Precision precision) : IStreamingDevice
{
    /// <inheritdoc/>
    public Precision Precision => precision;

    /// <inheritdoc/>
    public IGramAccumulator Accumulator(nint k, nint c, int n, int m) => precision == Precision.Fp64
        ? new AcceleratorGramAccumulator<double>(blas, blas.Name, k, c, n, m)
        : new AcceleratorGramAccumulator<float>(blas, blas.Name, k, c, n, m);
}
