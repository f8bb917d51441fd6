using ILGPU;
using ILGPU.Runtime;
using Rethink.Kernels.Devices;
using Rethink.Kernels.Native;

namespace Rethink.Kernels.InnerProducts;

/// <summary>
/// Inner products held in native memory, column-major, float or double: the streamed Gram matrices where they were
/// accumulated, handed to the solve without a file read-back — and, when the stream ran on an accelerator, the same
/// values there too (<see cref="IResidentInnerProducts"/>), so that the GPU's solve copies them device to device. The
/// root owns the buffers (its Dispose frees them); column slices share them.
/// </summary>
public sealed unsafe class InnerProductBuffer<T> : IResidentInnerProducts, IDisposable where T : unmanaged, System.Numerics.IFloatingPoint<T>
{
    private readonly NativeBuffer<T> _buffer;
    private readonly long _firstColumn;
    private readonly bool _owner;
    private readonly MemoryBuffer1D<T, Stride1D.Dense>? _device;
    private readonly IAcceleratorBlas? _blas;

    /// <summary>Takes ownership of <paramref name="buffer"/>: a rows×columns column-major matrix (a symmetric one stored whole).</summary>
    public InnerProductBuffer(NativeBuffer<T> buffer, int rows, int columns, int dimension, bool symmetric, IReadOnlyList<double> rowNorms, IReadOnlyList<double> columnNorms)
    {
        if (buffer.Length != (long)rows * columns) throw new ArgumentException($"{buffer.Length:N0} values; a {rows}x{columns} matrix has {(long)rows * columns:N0}.", nameof(buffer));
        if (rowNorms.Count != rows || columnNorms.Count != columns) throw new ArgumentException("One squared norm per row and per column.");
        (_buffer, Rows, Columns, Dimension, Symmetric, RowNorms, ColumnNorms, _owner) = (buffer, rows, columns, dimension, symmetric, rowNorms, columnNorms, true);
    }

    /// <summary>Also takes ownership of <paramref name="device"/>: the same matrix (whole) on <paramref name="blas"/>'s accelerator.</summary>
    public InnerProductBuffer(NativeBuffer<T> buffer, MemoryBuffer1D<T, Stride1D.Dense> device, IAcceleratorBlas blas, int rows, int columns, int dimension, bool symmetric,
        IReadOnlyList<double> rowNorms, IReadOnlyList<double> columnNorms) : this(buffer, rows, columns, dimension, symmetric, rowNorms, columnNorms)
    {
        if (device.Length < (long)rows * columns) throw new ArgumentException($"{device.Length:N0} values on the accelerator; a {rows}x{columns} matrix has {(long)rows * columns:N0}.", nameof(device));
        (_device, _blas) = (device, blas);
    }

    private InnerProductBuffer(InnerProductBuffer<T> parent, int first, int count)
    {
        (_buffer, _firstColumn, _owner, _device, _blas) = (parent._buffer, parent._firstColumn + first, false, parent._device, parent._blas);
        (Rows, Columns, Dimension, Symmetric, RowNorms) = (parent.Rows, count, parent.Dimension, false, parent.RowNorms);
        ColumnNorms = parent.ColumnNorms.Skip(first).Take(count).ToArray();
    }

    /// <inheritdoc/>
    public int Rows { get; }
    /// <inheritdoc/>
    public int Columns { get; }
    /// <inheritdoc/>
    public int Dimension { get; }
    /// <inheritdoc/>
    public bool Symmetric { get; }
    /// <inheritdoc/>
    public IReadOnlyList<double> RowNorms { get; }
    /// <inheritdoc/>
    public IReadOnlyList<double> ColumnNorms { get; }

    /// <inheritdoc/>
    public void CopyColumns(int first, int count, Span<float> destination) => Copy(first, count, destination);

    /// <inheritdoc/>
    public void CopyColumns(int first, int count, Span<double> destination) => Copy(first, count, destination);

    private void Copy<TOut>(int first, int count, Span<TOut> destination) where TOut : unmanaged, System.Numerics.IFloatingPoint<TOut>
    {
        if (first < 0 || count < 0 || first + count > Columns) throw new ArgumentOutOfRangeException(nameof(first), $"Columns [{first}, {first + count}) of {Columns}.");
        var total = (long)count * Rows;
        if (destination.Length < total) throw new ArgumentException($"Room for {destination.Length:N0} values; {total:N0} needed.", nameof(destination));
        var source = _buffer.Pointer + (_firstColumn + first) * Rows;
        if (typeof(TOut) == typeof(T))
        {
            new ReadOnlySpan<TOut>(source, (int)total).CopyTo(destination);
            return;
        }
        for (var k = 0; k < (int)total; k++) destination[k] = TOut.CreateTruncating(source[k]);
    }

    /// <inheritdoc/>
    public IInnerProducts SliceColumns(int first, int count) => new InnerProductBuffer<T>(this, first, count);

    /// <inheritdoc/>
    public Accelerator Accelerator => _blas?.Accelerator ?? throw new InvalidOperationException("These inner products are in host memory only.");

    /// <inheritdoc/>
    public bool Holds<TValue>() where TValue : unmanaged => _device is not null && typeof(TValue) == typeof(T);

    /// <inheritdoc/>
    public ArrayView1D<TValue, Stride1D.Dense> DeviceColumns<TValue>(int first, int count) where TValue : unmanaged
    {
        if (!Holds<TValue>()) throw new InvalidOperationException($"No {typeof(TValue).Name} values on an accelerator here.");
        if (first < 0 || count < 0 || first + count > Columns) throw new ArgumentOutOfRangeException(nameof(first), $"Columns [{first}, {first + count}) of {Columns}.");
        return Views.As<T, TValue>(_device!.View.SubView((_firstColumn + first) * Rows, (long)count * Rows));
    }

    /// <summary>Frees the buffers (the root only).</summary>
    public void Dispose()
    {
        if (!_owner) return;
        _buffer.Dispose();
        if (_device is null) return;
        using var scope = _blas!.Enter();
        _device.Dispose();
    }
}
