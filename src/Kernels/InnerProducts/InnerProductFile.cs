using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace Rethink.Kernels.InnerProducts;

/// <summary>
/// Inner products stored column-major in a file, float32 or float64 (the streamed Gram's checkpoint):
/// columns are read on demand, so a 50,000² Gram matrix costs no memory until a device copies it into K.
/// </summary>
public sealed class InnerProductFile : IInnerProducts, IDisposable
{
    private readonly SafeFileHandle _handle;
    private readonly int _firstColumn;
    private readonly bool _owner;

    /// <summary>Opens a rows×columns column-major matrix of inner products stored in <paramref name="path"/>; checks its length.</summary>
    /// <param name="path">The file: rows·columns values of <paramref name="precision"/>, column-major.</param>
    /// <param name="precision">Its element type.</param>
    /// <param name="rows">Rows: training points.</param>
    /// <param name="columns">Columns: training points (Gram) or test points (cross products).</param>
    /// <param name="dimension">The feature dimension the products were taken in.</param>
    /// <param name="symmetric">Whether this is the Gram of the training points.</param>
    /// <param name="rowNorms">The squared norm of each row's point.</param>
    /// <param name="columnNorms">The squared norm of each column's point.</param>
    public InnerProductFile(string path, Precision precision, int rows, int columns, int dimension, bool symmetric, IReadOnlyList<double> rowNorms, IReadOnlyList<double> columnNorms)
    {
        Precision = precision;
        var expected = (long)rows * columns * ElementSize;
        var length = new FileInfo(path).Length;
        if (length != expected)
            throw new InvalidDataException($"{path}: {length:N0} bytes; a {rows}x{columns} {precision.ToString().ToLowerInvariant()} matrix has {expected:N0}.");
        if (rowNorms.Count != rows || columnNorms.Count != columns) throw new ArgumentException("One squared norm per row and per column.");
        _handle = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.Read);
        (Path, Rows, Columns, Dimension, Symmetric, RowNorms, ColumnNorms, _owner) = (path, rows, columns, dimension, symmetric, rowNorms, columnNorms, true);
    }

    private InnerProductFile(InnerProductFile parent, int first, int count)
    {
        _handle = parent._handle;
        Precision = parent.Precision;
        _firstColumn = parent._firstColumn + first;
        (Path, Rows, Columns, Dimension, Symmetric, RowNorms, _owner) = (parent.Path, parent.Rows, count, parent.Dimension, false, parent.RowNorms, false);
        ColumnNorms = parent.ColumnNorms.Skip(first).Take(count).ToArray();
    }

    /// <summary>The file.</summary>
    public string Path { get; }
    /// <summary>Its element type.</summary>
    public Precision Precision { get; }
    private int ElementSize => Precision == Precision.Fp64 ? 8 : 4;
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
    public void CopyColumns(int first, int count, Span<float> destination)
    {
        if (Precision == Precision.Fp32) Read(first, count, MemoryMarshal.AsBytes(destination[..(int)((long)count * Rows)]));
        else Convert(first, count, destination, (double v) => (float)v);
    }

    /// <inheritdoc/>
    public void CopyColumns(int first, int count, Span<double> destination)
    {
        if (Precision == Precision.Fp64) Read(first, count, MemoryMarshal.AsBytes(destination[..(int)((long)count * Rows)]));
        else Convert(first, count, destination, (float v) => (double)v);
    }

    private void Convert<TStored, TOut>(int first, int count, Span<TOut> destination, Func<TStored, TOut> convert) where TStored : unmanaged
    {
        var column = new TStored[Rows];
        for (var j = 0; j < count; j++)
        {
            Read(first + j, 1, MemoryMarshal.AsBytes(column.AsSpan()));
            for (var i = 0; i < Rows; i++) destination[(int)((long)j * Rows + i)] = convert(column[i]);
        }
    }

    private void Read(int first, int count, Span<byte> bytes)
    {
        if (first < 0 || count < 0 || first + count > Columns) throw new ArgumentOutOfRangeException(nameof(first), $"Columns [{first}, {first + count}) of {Columns}.");
        var offset = (long)(_firstColumn + first) * Rows * ElementSize;
        // RandomAccess reads at most 2 GB at a time.
        while (bytes.Length > 0)
        {
            var chunk = bytes[..Math.Min(bytes.Length, 1 << 30)];
            var read = RandomAccess.Read(_handle, chunk, offset);
            if (read <= 0) throw new EndOfStreamException($"{Path}: ended at byte {offset:N0}.");
            bytes = bytes[read..];
            offset += read;
        }
    }

    /// <inheritdoc/>
    public IInnerProducts SliceColumns(int first, int count) => new InnerProductFile(this, first, count);

    /// <inheritdoc/>
    public void Dispose()
    {
        if (_owner) _handle.Dispose();
    }
}
