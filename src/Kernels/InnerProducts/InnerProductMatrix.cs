namespace Rethink.Kernels.InnerProducts;

/// <summary>
/// Inner products held in memory in double, computed from points: the reference the streamed path is
/// tested against, and small problems' direct route.
/// </summary>
public sealed class InnerProductMatrix : IInnerProducts
{
    private readonly double[] _values;
    private readonly int _firstColumn;

    private InnerProductMatrix(double[] values, int rows, int columns, int first, int dimension, bool symmetric, IReadOnlyList<double> rowNorms, IReadOnlyList<double> columnNorms)
    {
        (_values, Rows, Columns, _firstColumn, Dimension, Symmetric, RowNorms, ColumnNorms) = (values, rows, columns, first, dimension, symmetric, rowNorms, columnNorms);
    }

    /// <summary>⟨xᵢ, yⱼ⟩ for the rows of <paramref name="x"/> and of <paramref name="y"/> (null: x itself, the symmetric Gram).</summary>
    public static InnerProductMatrix From(FeatureMatrix x, FeatureMatrix? y = null)
    {
        var other = y ?? x;
        var values = new double[(long)x.Rows * other.Rows];
        Parallel.For(0, other.Rows, j =>
        {
            var b = other.Row(j);
            for (var i = 0; i < x.Rows; i++)
            {
                var a = x.Row(i);
                double s = 0;
                for (var t = 0; t < a.Length; t++) s += a[t] * b[t];
                values[(long)j * x.Rows + i] = s;
            }
        });
        var norms = x.SquaredNorms();
        return new InnerProductMatrix(values, x.Rows, other.Rows, 0, x.Columns, y is null, norms, y is null ? norms : other.SquaredNorms());
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
    public void CopyColumns(int first, int count, Span<double> destination) =>
        _values.AsSpan((int)((long)(_firstColumn + first) * Rows), (int)((long)count * Rows)).CopyTo(destination);

    /// <inheritdoc/>
    public void CopyColumns(int first, int count, Span<float> destination)
    {
        var source = _values.AsSpan((int)((long)(_firstColumn + first) * Rows), (int)((long)count * Rows));
        for (var k = 0; k < source.Length; k++) destination[k] = (float)source[k];
    }

    /// <inheritdoc/>
    public IInnerProducts SliceColumns(int first, int count) =>
        new InnerProductMatrix(_values, Rows, count, _firstColumn + first, Dimension, false, RowNorms, ColumnNorms.Skip(first).Take(count).ToArray());
}
