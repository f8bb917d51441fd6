namespace Rethink.Theory;

/// <summary>
/// n points in d dimensions, stored row-major in one contiguous array (row i occupies
/// <c>Values[i*d .. i*d + d)</c>).
/// </summary>
public sealed class PointSet
{
    public PointSet(double[] values, int count, int dimension)
    {
        ArgumentNullException.ThrowIfNull(values);
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        ArgumentOutOfRangeException.ThrowIfLessThan(dimension, 1);
        if ((long)count * dimension != values.LongLength)
            throw new ArgumentException($"values has {values.LongLength} entries; {count} points of dimension {dimension} need {(long)count * dimension}.", nameof(values));
        Values = values;
        Count = count;
        Dimension = dimension;
    }

    public double[] Values { get; }
    public int Count { get; }
    public int Dimension { get; }

    public ReadOnlySpan<double> Row(int i) => Values.AsSpan(i * Dimension, Dimension);

    public static PointSet FromRows(IReadOnlyList<double[]> rows)
    {
        ArgumentNullException.ThrowIfNull(rows);
        if (rows.Count == 0) throw new ArgumentException("At least one row is needed to know the dimension.", nameof(rows));
        var d = rows[0].Length;
        var values = new double[rows.Count * d];
        for (var i = 0; i < rows.Count; i++)
        {
            if (rows[i].Length != d)
                throw new ArgumentException($"Row {i} has {rows[i].Length} entries; row 0 has {d}.", nameof(rows));
            rows[i].CopyTo(values, i * d);
        }
        return new PointSet(values, rows.Count, d);
    }

    /// <summary>Index of the first non-finite coordinate as (row, column), or null when all are finite.</summary>
    public (int Row, int Column)? FirstNonFinite()
    {
        for (var k = 0; k < Values.Length; k++)
            if (!double.IsFinite(Values[k])) return (k / Dimension, k % Dimension);
        return null;
    }
}
