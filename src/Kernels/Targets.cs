namespace Rethink.Kernels;

/// <summary>
/// The right-hand sides Y of a kernel solve: n rows (one per training point) and c columns (one per class
/// or output), column-major in double.
/// </summary>
public sealed class Targets
{
    /// <summary>Y from its column-major values.</summary>
    /// <param name="columnMajor">n·c values, column by column.</param>
    /// <param name="columns">c.</param>
    public Targets(double[] columnMajor, int columns)
    {
        ArgumentNullException.ThrowIfNull(columnMajor);
        ArgumentOutOfRangeException.ThrowIfLessThan(columns, 1);
        if (columnMajor.LongLength % columns != 0)
            throw new ArgumentException($"{columnMajor.LongLength} values do not make {columns} columns of equal length.", nameof(columnMajor));
        for (long i = 0; i < columnMajor.LongLength; i++)
            if (!double.IsFinite(columnMajor[i]))
                throw new ArgumentException($"Target ({i % (columnMajor.LongLength / columns)}, {i / (columnMajor.LongLength / columns)}) is {columnMajor[i]}; targets must be finite.", nameof(columnMajor));
        Values = columnMajor;
        Columns = columns;
        Rows = (int)(columnMajor.LongLength / columns);
    }

    /// <summary>The values, column-major (Values[c·n + i] is Y[i, c]).</summary>
    public double[] Values { get; }

    /// <summary>n: one row per training point.</summary>
    public int Rows { get; }

    /// <summary>c: the number of outputs.</summary>
    public int Columns { get; }

    /// <summary>Y[i, c].</summary>
    public double this[int row, int column] => Values[(long)column * Rows + row];

    /// <summary>One-hot targets: Y[i, c] = 1 when label i is c, else 0.</summary>
    public static Targets OneHot(IReadOnlyList<int> labels, int classes)
    {
        ArgumentNullException.ThrowIfNull(labels);
        var y = new double[(long)labels.Count * classes];
        for (var i = 0; i < labels.Count; i++)
        {
            if (labels[i] < 0 || labels[i] >= classes) throw new ArgumentOutOfRangeException(nameof(labels), labels[i], $"Label {i} is outside 0..{classes - 1}.");
            y[(long)labels[i] * labels.Count + i] = 1;
        }
        return new Targets(y, classes);
    }
}
