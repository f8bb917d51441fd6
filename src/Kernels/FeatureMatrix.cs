using Rethink.Data;

namespace Rethink.Kernels;

/// <summary>
/// n feature vectors of dimension d, row-major in one double array (row i = point i). The Fortran view
/// of the same memory is the d×n column-major matrix whose columns are the points. Features are kept
/// in double so that FP64 solves see exactly the numbers a float64 reference computes (pixels ÷ 255).
/// </summary>
public sealed class FeatureMatrix
{
    public FeatureMatrix(double[] values, int rows, int columns)
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

    public double[] Values { get; }
    public int Rows { get; }
    public int Columns { get; }

    public ReadOnlySpan<double> Row(int i) => Values.AsSpan(i * Columns, Columns);

    /// <summary>
    /// Features from float images. A value that is a scaled pixel k·(1/255) in float is taken as the
    /// exact double k/255 (what numpy's uint8 / 255 gives); any other value (whitened, Gaussian, …) as is.
    /// </summary>
    public static FeatureMatrix From(ImageTensor images)
    {
        var source = images.Data;
        var values = new double[source.LongLength];
        Parallel.For(0, images.Count, i =>
        {
            var d = images.Dimension;
            for (var k = (long)i * d; k < (long)(i + 1) * d; k++)
            {
                var v = source[k];
                var pixel = MathF.Round(v * 255f);
                values[k] = pixel is >= 0 and <= 255 && pixel * (1f / 255f) == v ? pixel / 255.0 : v;
            }
        });
        return new FeatureMatrix(values, images.Count, images.Dimension);
    }

    /// <summary>Throws naming the first NaN or infinite entry.</summary>
    public void EnsureFinite(string name)
    {
        for (long k = 0; k < Values.LongLength; k++)
            if (!double.IsFinite(Values[k]))
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
            foreach (var v in row) s += v * v;
            norms[i] = s;
        });
        return norms;
    }

    public FeatureMatrix SelectRows(IReadOnlyList<int> rows)
    {
        var values = new double[(long)rows.Count * Columns];
        for (var k = 0; k < rows.Count; k++) Row(rows[k]).CopyTo(values.AsSpan(k * Columns, Columns));
        return new FeatureMatrix(values, rows.Count, Columns);
    }
}
