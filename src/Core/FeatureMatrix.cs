namespace Rethink.Core;

/// <summary>
/// n points of dimension d, row-major in one double array (row i = point i, <c>Values[i*d .. i*d + d)</c>).
/// The Fortran view of the same memory is the d×n column-major matrix whose columns are the points.
/// Theory's constructions and the kernel solvers share this type. Values are kept in double so that
/// FP64 solves see exactly the numbers a float64 reference computes (pixels ÷ 255).
/// </summary>
public sealed class FeatureMatrix
{
    /// <summary>n points of dimension d from their row-major values (<paramref name="values"/>[i·d + j] is coordinate j of point i).</summary>
    public FeatureMatrix(double[] values, int rows, int columns)
    {
        ArgumentNullException.ThrowIfNull(values);
        ArgumentOutOfRangeException.ThrowIfNegative(rows);
        ArgumentOutOfRangeException.ThrowIfLessThan(columns, 1);
        if ((long)rows * columns != values.LongLength)
            throw new ArgumentException($"{rows} points of dimension {columns} need {(long)rows * columns} values; got {values.LongLength}.", nameof(values));
        Values = values;
        Rows = rows;
        Columns = columns;
    }

    /// <summary>The coordinates, row-major: point i occupies [i·d, (i + 1)·d).</summary>
    public double[] Values { get; }

    /// <summary>Number of points n.</summary>
    public int Rows { get; }

    /// <summary>Dimension d.</summary>
    public int Columns { get; }

    /// <summary>Point <paramref name="i"/>'s d coordinates.</summary>
    public ReadOnlySpan<double> Row(int i) => Values.AsSpan((int)((long)i * Columns), Columns);

    /// <summary>Points from rows of equal length.</summary>
    public static FeatureMatrix FromRows(IReadOnlyList<double[]> rows)
    {
        ArgumentNullException.ThrowIfNull(rows);
        if (rows.Count == 0) throw new ArgumentException("At least one row is needed to know the dimension.", nameof(rows));
        var d = rows[0].Length;
        var values = new double[(long)rows.Count * d];
        for (var i = 0; i < rows.Count; i++)
        {
            if (rows[i].Length != d)
                throw new ArgumentException($"Row {i} has {rows[i].Length} entries; row 0 has {d}.", nameof(rows));
            rows[i].CopyTo(values, (long)i * d);
        }
        return new FeatureMatrix(values, rows.Count, d);
    }

    /// <summary>Index of the first non-finite coordinate as (row, column), or null when all are finite.</summary>
    public (int Row, int Column)? FirstNonFinite()
    {
        for (long k = 0; k < Values.LongLength; k++)
            if (!double.IsFinite(Values[k])) return ((int)(k / Columns), (int)(k % Columns));
        return null;
    }

    /// <summary>Throws naming the first NaN or infinite entry.</summary>
    public void EnsureFinite(string name)
    {
        if (FirstNonFinite() is { } bad)
            throw new ArgumentException($"{name}: entry ({bad.Row}, {bad.Column}) is {Values[(long)bad.Row * Columns + bad.Column]}; features must be finite.", name);
    }

    /// <summary>‖xᵢ‖² for every row, accumulated in double.</summary>
    public double[] SquaredNorms()
    {
        var norms = new double[Rows];
        Parallel.For(0, Rows, i =>
        {
            var row = Row(i);
            double s = 0;
            foreach (var v in row) s += v * v;
            norms[i] = s;
        });
        return norms;
    }

    /// <summary>The points at <paramref name="rows"/>, in that order.</summary>
    public FeatureMatrix SelectRows(IReadOnlyList<int> rows)
    {
        var values = new double[(long)rows.Count * Columns];
        for (var k = 0; k < rows.Count; k++) Row(rows[k]).CopyTo(values.AsSpan((int)((long)k * Columns), Columns));
        return new FeatureMatrix(values, rows.Count, Columns);
    }

    /// <summary>The contiguous block of points [start, start + count).</summary>
    public FeatureMatrix Slice(int start, int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(start);
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        if (start + count > Rows) throw new ArgumentOutOfRangeException(nameof(count), count, $"Rows [{start}, {start + count}) exceed the {Rows} points.");
        if (start == 0 && count == Rows) return this;
        return new FeatureMatrix(Values.AsSpan((int)((long)start * Columns), (int)((long)count * Columns)).ToArray(), count, Columns);
    }
}
