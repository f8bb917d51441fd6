namespace Rethink.Kernels.Devices;

/// <summary>The argument checks every device makes before a primitive: ownership and shapes, one message each.</summary>
internal static class Shapes
{
    /// <summary>The device's own matrix type, or an error when the matrix came from another device.</summary>
    public static TMatrix Own<TMatrix>(IDeviceMatrix a) where TMatrix : class, IDeviceMatrix =>
        a as TMatrix ?? throw new ArgumentException("The matrix belongs to another device.", nameof(a));

    public static TPoints OwnPoints<TPoints>(IDevicePoints p) where TPoints : class, IDevicePoints =>
        p as TPoints ?? throw new ArgumentException("The points belong to another device.", nameof(p));

    /// <summary>The test operand in the form the model's training operand has (coordinates with coordinates, products with products).</summary>
    public static TPoints Same<TPoints>(IDevicePoints p, string form) where TPoints : class, IDevicePoints =>
        p as TPoints ?? throw new ArgumentException($"The model was fitted on {form}; give the test points in the same form.", nameof(p));

    public static TMatrix Square<TMatrix>(IDeviceMatrix a) where TMatrix : class, IDeviceMatrix
    {
        var m = Own<TMatrix>(a);
        if (m.Rows != m.Columns) throw new ArgumentException($"A square matrix is needed; got {m.Rows}x{m.Columns}.", nameof(a));
        return m;
    }

    public static void Same(IDeviceMatrix a, IDeviceMatrix b)
    {
        if (a.Rows != b.Rows || a.Columns != b.Columns) throw new ArgumentException($"Shapes differ: {a.Rows}x{a.Columns} and {b.Rows}x{b.Columns}.");
    }

    /// <summary>m, n, k of C ← op(A)·op(B), checked.</summary>
    public static (int M, int N, int K) Gemm(bool transposeA, bool transposeB, IDeviceMatrix a, IDeviceMatrix b, IDeviceMatrix c)
    {
        var (m, k) = transposeA ? (a.Columns, a.Rows) : (a.Rows, a.Columns);
        var (k2, n) = transposeB ? (b.Columns, b.Rows) : (b.Rows, b.Columns);
        if (k != k2 || c.Rows != m || c.Columns != n) throw new ArgumentException($"gemm shapes: op(A) {m}x{k}, op(B) {k2}x{n}, C {c.Rows}x{c.Columns}.");
        return (m, n, k);
    }

    /// <summary>C ← A·B with A square: B and C have A's rows and the same shape.</summary>
    public static void Symm(IDeviceMatrix a, IDeviceMatrix b, IDeviceMatrix c)
    {
        if (a.Rows != a.Columns || b.Rows != a.Rows || c.Rows != b.Rows || c.Columns != b.Columns)
            throw new ArgumentException($"symm shapes: A {a.Rows}x{a.Columns}, B {b.Rows}x{b.Columns}, C {c.Rows}x{c.Columns}.");
    }

    /// <summary>B solved against the n×n factor.</summary>
    public static void Solve(IDeviceMatrix factor, IDeviceMatrix b)
    {
        if (b.Rows != factor.Rows) throw new ArgumentException($"B has {b.Rows} rows; the factor is {factor.Rows}x{factor.Columns}.", nameof(b));
    }

    public static void Gram(IDevicePoints points, IDeviceMatrix k)
    {
        if (k.Rows != points.Count || k.Columns != points.Count) throw new ArgumentException($"K is {k.Rows}x{k.Columns}; {points.Count} points need {points.Count}x{points.Count}.", nameof(k));
    }

    public static void Cross(IDevicePoints rows, IDevicePoints columns, IDeviceMatrix c)
    {
        if (rows.Dimension != columns.Dimension) throw new ArgumentException($"Points have {columns.Dimension} features; the model was fitted on {rows.Dimension}.", nameof(columns));
        if (c.Rows != rows.Count || c.Columns != columns.Count) throw new ArgumentException($"C is {c.Rows}x{c.Columns}; expected {rows.Count}x{columns.Count}.", nameof(c));
    }

    public static void Values(double[] values, int count, string what)
    {
        if (values.Length != count) throw new ArgumentException($"{values.Length} values for {count} {what}.", nameof(values));
    }

    public static void ColumnMajor(double[] columnMajor, int rows, int columns)
    {
        if (columnMajor.LongLength != (long)rows * columns) throw new ArgumentException($"{rows}x{columns} needs {(long)rows * columns} values; got {columnMajor.LongLength}.", nameof(columnMajor));
    }
}
