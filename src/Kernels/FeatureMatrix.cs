using Rethink.Data;

namespace Rethink.Kernels;

/// <summary>
/// n feature vectors of dimension d, row-major in one float array (row i = point i). The Fortran view
/// of the same memory is the d×n column-major matrix whose columns are the points.
/// </summary>
public sealed class FeatureMatrix
{
    public FeatureMatrix(float[] values, int rows, int columns)
    {
        ArgumentNullException.ThrowIfNull(values);
        ArgumentOutOfRangeException.ThrowIfNegative(rows);
        ArgumentOutOfRangeException.ThrowIfLessThan(columns, 1);
        if ((long)rows * columns != values.LongLength)
            throw new ArgumentException($"{rows}x{columns} features need {(long)rows * columns} values; got {values.LongLength}.", nameof(values));
        Values = values;
        Rows = rows;
        Columns = columns;
    }

    public float[] Values { get; }
    public int Rows { get; }
    public int Columns { get; }

    public ReadOnlySpan<float> Row(int i) => Values.AsSpan(i * Columns, Columns);

    public static FeatureMatrix From(ImageTensor images) => new(images.Data, images.Count, images.Dimension);

    /// <summary>Throws naming the first NaN or infinite entry.</summary>
    public void EnsureFinite(string name)
    {
        for (long k = 0; k < Values.LongLength; k++)
            if (!float.IsFinite(Values[k]))
                throw new ArgumentException($"{name}: entry ({k / Columns}, {k % Columns}) is {Values[k]}; features must be finite.", name);
    }

    /// <summary>‖xᵢ‖² for every row, accumulated in double.</summary>
    public double[] SquaredNorms()
    {
        var norms = new double[Rows];
        Parallel.For(0, Rows, i =>
        {
            var row = Row(i);
            double s = 0;
            foreach (var v in row) s += (double)v * v;
            norms[i] = s;
        });
        return norms;
    }

    public FeatureMatrix SelectRows(IReadOnlyList<int> rows)
    {
        var values = new float[(long)rows.Count * Columns];
        for (var k = 0; k < rows.Count; k++) Row(rows[k]).CopyTo(values.AsSpan(k * Columns, Columns));
        return new FeatureMatrix(values, rows.Count, Columns);
    }
}
