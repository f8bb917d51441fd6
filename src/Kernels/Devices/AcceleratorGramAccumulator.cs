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
    public void Dispose()
    {
        using var scope = _blas.Enter();
        foreach (var buffer in new[] { _k, _c, _train, _test }) buffer?.Dispose();
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
