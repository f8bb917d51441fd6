using System.Numerics.Tensors;
using MathNet.Numerics.LinearAlgebra;

namespace Rethink.Kernels.Devices;

/// <summary>
/// The fallback CPU device in pure .NET, used when no native BLAS/LAPACK loads (or when chosen with
/// <c>RETHINK_BACKEND=managed</c>, e.g. to cross-check the native one). It computes in FP64 whatever
/// precision is asked, keeps matrices in .NET arrays (so n ≤ 46,340), and is far slower than OpenBLAS:
/// products through MathNet.Numerics' managed provider, Cholesky and triangular solves written here
/// (vectorized column updates), and MathNet's symmetric eigendecomposition.
/// </summary>
public sealed class ManagedDevice : IDenseDevice
{
    /// <summary>The largest n it handles: its matrices are .NET arrays of at most 2³¹ − 1 elements.</summary>
    public const int MaxN = 46_340;

    /// <inheritdoc/>
    public Backend Backend => Backend.Managed;
    /// <inheritdoc/>
    public string Library => "MathNet.Numerics 5.0.0 (managed)";
    /// <inheritdoc/>
    public string Hardware => $"CPU: {Core.MachineInfo.Current.Cpu}, {Environment.ProcessorCount} logical cores";
    /// <inheritdoc/>
    public Precision Precision => Precision.Fp64;
    /// <inheritdoc/>
    public int ProcessCount => 1;
    /// <inheritdoc/>
    public int ProcessRank => 0;
    /// <inheritdoc/>
    public long TileBytes => 128L << 20;

    /// <inheritdoc/>
    public void EnsureCapacity(MemoryRequest request)
    {
        if (request.N > MaxN)
            throw new InsufficientMemoryException($"The managed device keeps matrices in .NET arrays and handles n <= {MaxN:N0}; n = {request.N:N0}. Install OpenBLAS (e.g. the libopenblas0-pthread package) for the native CPU device.");
        var needed = request.Matrices.Sum(m => m.Rows * m.Columns) * 8;
        if (request.EigenWorkspace) needed += 3L * request.N * request.N * 8;
        var available = MemoryBudget.Available();
        if (needed > available)
            throw new InsufficientMemoryException($"{request.What} for n = {request.N:N0} in fp64 needs {MemoryBudget.Gigabytes(needed)}; {MemoryBudget.Gigabytes(available)} available. Options: {request.Remedies}fewer training points, or install OpenBLAS for the native CPU device.");
    }

    /// <inheritdoc/>
    public IDevicePoints Upload(KernelOperand operand) => operand switch
    {
        KernelOperand.Points { Values: var points } => new Coordinates(points, points.SquaredNorms()),
        KernelOperand.Products { Values: var products } => new StoredProducts(products),
        _ => throw new ArgumentOutOfRangeException(nameof(operand)),
    };

    /// <inheritdoc/>
    public IDeviceMatrix Upload(double[] columnMajor, int rows, int columns)
    {
        Shapes.ColumnMajor(columnMajor, rows, columns);
        return new Matrix(rows, columns, (double[])columnMajor.Clone());
    }

    /// <inheritdoc/>
    public IDeviceMatrix Allocate(int rows, int columns) => new Matrix(rows, columns, new double[(long)rows * columns]);

    /// <inheritdoc/>
    public double[] Download(IDeviceMatrix matrix) => (double[])M(matrix).Values.Clone();

    /// <inheritdoc/>
    public void Copy(IDeviceMatrix source, IDeviceMatrix target)
    {
        Shapes.Same(M(source), M(target));
        M(source).Values.AsSpan().CopyTo(M(target).Values);
    }

    /// <inheritdoc/>
    public GramBuild Gram(IDevicePoints points, Kernel kernel, double ridge, IDeviceMatrix k, int tileColumns, IProgress<KernelProgress>? progress, CancellationToken cancel)
    {
        var km = M(k);
        Shapes.Gram(points, km);
        var clock = System.Diagnostics.Stopwatch.StartNew();
        Shapes.OwnPoints<Operand>(points).Gram(kernel, ridge, km);
        progress?.Report(new KernelProgress("gram", 1));
        var seconds = clock.Elapsed.TotalSeconds;
        return new GramBuild(Math.Sqrt(TensorPrimitives.SumOfSquares(km.Values)), seconds, 0);
    }

    /// <inheritdoc/>
    public void CrossGram(IDevicePoints rows, IDevicePoints columns, Kernel kernel, IDeviceMatrix c)
    {
        var cm = M(c);
        Shapes.Cross(rows, columns, cm);
        Shapes.OwnPoints<Operand>(rows).Cross(Shapes.OwnPoints<Operand>(columns), kernel, cm);
    }

    /// <summary>An uploaded operand in host memory: it fills its own Gram matrix and cross-kernel blocks.</summary>
    private abstract class Operand : IDevicePoints
    {
        public abstract int Count { get; }
        public abstract int Dimension { get; }
        public abstract void Gram(Kernel kernel, double ridge, Matrix k);
        public abstract void Cross(Operand columns, Kernel kernel, Matrix c);
        public void Dispose() { }
    }

    /// <summary>Points by their coordinates (products through MathNet).</summary>
    private sealed class Coordinates(FeatureMatrix x, double[] norms) : Operand
    {
        public override int Count => x.Rows;
        public override int Dimension => x.Columns;

        public override void Gram(Kernel kernel, double ridge, Matrix k)
        {
            Products(this, this, kernel, k);
            for (var i = 0; i < Count; i++) k.Values[(long)i * Count + i] = kernel.Diagonal(norms[i]) + ridge;
        }

        public override void Cross(Operand columns, Kernel kernel, Matrix c) => Products(this, Shapes.Same<Coordinates>(columns, "coordinates"), kernel, c);

        private static void Products(Coordinates rows, Coordinates columns, Kernel kernel, Matrix c)
        {
            var a = Matrix<double>.Build.Dense(rows.Count, rows.Dimension, (i, j) => rows.Values.Values[(long)i * rows.Dimension + j]);
            var b = ReferenceEquals(rows, columns) ? a : Matrix<double>.Build.Dense(columns.Count, columns.Dimension, (i, j) => columns.Values.Values[(long)i * columns.Dimension + j]);
            var target = Matrix<double>.Build.Dense(rows.Count, columns.Count, c.Values);
            a.TransposeAndMultiply(b, target);
            Parallel.For(0, columns.Count, j => kernel.Transform(c.Values.AsSpan(j * rows.Count, rows.Count), rows.Norms, columns.Norms[j]));
        }

        private FeatureMatrix Values => x;
        private double[] Norms => norms;
    }

    /// <summary>Points by their stored inner products (copied, then transformed).</summary>
    private sealed class StoredProducts(InnerProducts.IInnerProducts products) : Operand
    {
        public override int Count => products.Columns;
        public override int Dimension => products.Dimension;

        public override void Gram(Kernel kernel, double ridge, Matrix k)
        {
            if (!products.Symmetric) throw new ArgumentException("A kernel matrix needs the symmetric Gram of the training points.", nameof(k));
            Transformed(products, products.RowNorms.ToArray(), kernel, k);
            for (var i = 0; i < k.Rows; i++) k.Values[(long)i * k.Rows + i] = kernel.Diagonal(products.RowNorms[i]) + ridge;
        }

        public override void Cross(Operand columns, Kernel kernel, Matrix c) =>
            Transformed(Shapes.Same<StoredProducts>(columns, "products").Products, products.RowNorms.ToArray(), kernel, c);

        private static void Transformed(InnerProducts.IInnerProducts products, double[] rowNorms, Kernel kernel, Matrix c)
        {
            products.CopyColumns(0, products.Columns, c.Values);
            var columnNorms = products.ColumnNorms;
            Parallel.For(0, products.Columns, j => kernel.Transform(c.Values.AsSpan(j * c.Rows, c.Rows), rowNorms, columnNorms[j]));
        }

        private InnerProducts.IInnerProducts Products => products;
    }

    /// <inheritdoc/>
    public double FrobeniusNorm(IDeviceMatrix a) => Math.Sqrt(TensorPrimitives.SumOfSquares(M(a).Values));

    /// <inheritdoc/>
    public double[] Diagonal(IDeviceMatrix a)
    {
        var m = Square(a);
        return Enumerable.Range(0, m.Rows).Select(i => m.Values[(long)i * m.Rows + i]).ToArray();
    }

    /// <inheritdoc/>
    public void SetDiagonal(IDeviceMatrix a, double[] values)
    {
        var m = Square(a);
        for (var i = 0; i < m.Rows; i++) m.Values[(long)i * m.Rows + i] = values[i];
    }

    /// <summary>Right-looking Cholesky on the lower triangle: each column is scaled, then the trailing columns are updated with vectorized axpys.</summary>
    public int Potrf(IDeviceMatrix a)
    {
        var m = Square(a);
        var n = m.Rows;
        var l = m.Values;
        for (var j = 0; j < n; j++)
        {
            var pivot = l[(long)j * n + j];
            if (!(pivot > 0)) return j + 1;
            var root = Math.Sqrt(pivot);
            var column = l.AsSpan(j * n + j, n - j);
            column[0] = root;
            TensorPrimitives.Divide(column[1..], root, column[1..]);
            void Update(int c)
            {
                var factor = l[(long)j * n + c];
                var target = l.AsSpan(c * n + c, n - c);
                TensorPrimitives.MultiplyAdd(l.AsSpan(j * n + c, n - c), -factor, target, target);
            }
            if (n - j > 256) Parallel.For(j + 1, n, Update);
            else for (var c = j + 1; c < n; c++) Update(c);
        }
        return 0;
    }

    /// <inheritdoc/>
    public void Potrs(IDeviceMatrix factor, IDeviceMatrix b)
    {
        var (lm, bm) = (Square(factor), M(b));
        var n = lm.Rows;
        var l = lm.Values;
        Parallel.For(0, bm.Columns, c =>
        {
            var x = bm.Values.AsSpan(c * n, n);
            for (var j = 0; j < n; j++)          // L z = b
            {
                x[j] /= l[(long)j * n + j];
                TensorPrimitives.MultiplyAdd(l.AsSpan(j * n + j + 1, n - j - 1), -x[j], x[(j + 1)..], x[(j + 1)..]);
            }
            for (var j = n - 1; j >= 0; j--)     // Lᵀ x = z
                x[j] = (x[j] - TensorPrimitives.Dot(l.AsSpan(j * n + j + 1, n - j - 1), x[(j + 1)..])) / l[(long)j * n + j];
        });
    }

    /// <inheritdoc/>
    public int Syevd(IDeviceMatrix a, double[] eigenvalues)
    {
        var m = Square(a);
        var n = m.Rows;
        var full = Matrix<double>.Build.Dense(n, n, (i, j) => i >= j ? m.Values[(long)j * n + i] : m.Values[(long)i * n + j]);
        var evd = full.Evd(Symmetricity.Symmetric);
        var order = Enumerable.Range(0, n).OrderBy(i => evd.EigenValues[i].Real).ToArray();
        var vectors = evd.EigenVectors;
        for (var k = 0; k < n; k++)
        {
            eigenvalues[k] = evd.EigenValues[order[k]].Real;
            for (var i = 0; i < n; i++) m.Values[(long)k * n + i] = vectors[i, order[k]];
        }
        return 0;
    }

    /// <inheritdoc/>
    public void Gemm(bool transposeA, bool transposeB, IDeviceMatrix a, IDeviceMatrix b, IDeviceMatrix c)
    {
        var (am, bm, cm) = (M(a), M(b), M(c));
        Shapes.Gemm(transposeA, transposeB, am, bm, cm);
        var x = Matrix<double>.Build.Dense(am.Rows, am.Columns, am.Values);
        var y = Matrix<double>.Build.Dense(bm.Rows, bm.Columns, bm.Values);
        var result = (transposeA ? x.Transpose() : x) * (transposeB ? y.Transpose() : y);
        result.CopyTo(Matrix<double>.Build.Dense(cm.Rows, cm.Columns, cm.Values));
    }

    /// <inheritdoc/>
    public void Symm(Triangle triangle, IDeviceMatrix a, IDeviceMatrix b, IDeviceMatrix c)
    {
        var (am, bm, cm) = (Square(a), M(b), M(c));
        var n = am.Rows;
        var full = Matrix<double>.Build.Dense(n, n, (i, j) =>
            (triangle == Triangle.Lower) == (i >= j) ? am.Values[(long)j * n + i] : am.Values[(long)i * n + j]);
        var result = full * Matrix<double>.Build.Dense(bm.Rows, bm.Columns, bm.Values);
        result.CopyTo(Matrix<double>.Build.Dense(cm.Rows, cm.Columns, cm.Values));
    }

    /// <inheritdoc/>
    public void ScaleRows(IDeviceMatrix a, double[] factors)
    {
        var m = M(a);
        for (var j = 0; j < m.Columns; j++)
            TensorPrimitives.Multiply(m.Values.AsSpan(j * m.Rows, m.Rows), factors, m.Values.AsSpan(j * m.Rows, m.Rows));
    }

    /// <inheritdoc/>
    public void Synchronize() { }

    /// <inheritdoc/>
    public IReadOnlyList<double[]> AllProcesses(double[] local) => [local];

    /// <inheritdoc/>
    public void Dispose() { }

    private static Matrix M(IDeviceMatrix a) => Shapes.Own<Matrix>(a);
    private static Matrix Square(IDeviceMatrix a) => Shapes.Square<Matrix>(a);

    private sealed record Matrix(int Rows, int Columns, double[] Values) : IDeviceMatrix
    {
        public void Dispose() { }
    }
}
