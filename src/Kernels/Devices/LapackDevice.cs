using Rethink.Kernels.Native;

namespace Rethink.Kernels.Devices;

/// <summary>
/// The CPU device on the system's BLAS/LAPACK (OpenBLAS on Debian with libopenblas0-pthread), FP32 or
/// FP64: matrices in native memory (a 60,000² matrix exceeds .NET arrays), Gram matrices built in
/// column tiles (<see cref="TiledGram"/>), and the LAPACK routines the solver asks for.
/// </summary>
public static class LapackDevice
{
    /// <summary>Loads BLAS/LAPACK (throws <see cref="NativeLibraryMissingException"/> naming what was tried) and opens the device.</summary>
    public static IDenseDevice Open(Precision precision)
    {
        var (blas, lapack) = NativeLinearAlgebra.Probe();
        var library = blas == lapack ? blas : $"{blas}; {lapack}";
        return precision == Precision.Fp64
            ? new LapackDevice<double>(library)
            : new LapackDevice<float>(library);
    }
}

/// <summary>The LAPACK device in precision <typeparamref name="T"/> (float or double).</summary>
internal sealed unsafe class LapackDevice<T>(string library) : IDenseDevice where T : unmanaged
{
    public Backend Backend => Backend.Lapack;
    public string Library { get; } = library;
    public string Hardware => $"CPU: {Core.MachineInfo.Current.Cpu}, {Environment.ProcessorCount} logical cores";
    public Precision Precision => typeof(T) == typeof(double) ? Precision.Fp64 : Precision.Fp32;
    public int ProcessCount => 1;
    public int ProcessRank => 0;
    public long TileBytes => 256L << 20;
    private static int Size => sizeof(T);

    public void EnsureCapacity(MemoryRequest request)
    {
        var needed = request.Matrices.Sum(m => m.Rows * m.Columns) * Size;
        // syevd: eigenvectors in place, workspace 1 + 6n + 2n² values, integer workspace 3 + 5n.
        if (request.EigenWorkspace) needed += (1 + 6L * request.N + 2L * request.N * request.N) * Size + (3 + 5L * request.N) * 4;
        var available = MemoryBudget.Available();
        if (needed <= available) return;
        var perPointSquared = request.EigenWorkspace ? 3.0 * Size : Size;
        var fitN = (long)Math.Sqrt(available * 0.9 / perPointSquared);
        var fp32 = Precision == Precision.Fp64 ? $"FP32 precision (needs {MemoryBudget.Gigabytes(needed / 2)}), " : "";
        throw new InsufficientMemoryException(
            $"{request.What} for n = {request.N:N0} in {Precision.ToString().ToLowerInvariant()} needs {MemoryBudget.Gigabytes(needed)}; {MemoryBudget.Gigabytes(available)} available. " +
            $"Options: {request.Remedies}{fp32}fewer training points (at most about {fitN:N0} here), the CUDA device, or the ScaLAPACK device over more machines.");
    }

    public IDevicePoints Upload(KernelOperand operand) => operand switch
    {
        KernelOperand.Points { Values: var points } => UploadPoints(points),
        KernelOperand.Products { Values: var products } => new ProductPoints(products, products.RowNorms.Select(TiledGram.From<T>).ToArray()),
        _ => throw new ArgumentOutOfRangeException(nameof(operand)),
    };

    private static Points UploadPoints(FeatureMatrix points)
    {
        var buffer = new NativeBuffer<T>(points.Values.LongLength);
        var address = (nint)buffer.Pointer;
        var values = points.Values;
        var d = points.Columns;
        if (typeof(T) == typeof(double))
            values.AsSpan().CopyTo(new Span<double>((double*)buffer.Pointer, values.Length));
        else
            Parallel.For(0, points.Rows, i =>
            {
                var dst = (float*)address + (long)i * d;
                for (var j = 0; j < d; j++) dst[j] = (float)values[(long)i * d + j];
            });
        return new Points(buffer, points.SquaredNorms().Select(TiledGram.From<T>).ToArray(), points.Rows, d);
    }

    public IDeviceMatrix Upload(double[] columnMajor, int rows, int columns)
    {
        Shapes.ColumnMajor(columnMajor, rows, columns);
        var m = new Matrix(rows, columns);
        for (long i = 0; i < columnMajor.LongLength; i++) m.Buffer.Pointer[i] = TiledGram.From<T>(columnMajor[i]);
        return m;
    }

    public IDeviceMatrix Allocate(int rows, int columns) => new Matrix(rows, columns);

    public double[] Download(IDeviceMatrix matrix)
    {
        var m = M(matrix);
        var result = new double[m.Buffer.Length];
        for (long i = 0; i < result.LongLength; i++) result[i] = TiledGram.ToDouble(m.Buffer.Pointer[i]);
        return result;
    }

    public void Copy(IDeviceMatrix source, IDeviceMatrix target)
    {
        var (s, t) = (M(source), M(target));
        Shapes.Same(s, t);
        Buffer.MemoryCopy(s.Buffer.Pointer, t.Buffer.Pointer, t.Buffer.Length * Size, s.Buffer.Length * Size);
    }

    public GramBuild Gram(IDevicePoints points, Kernel kernel, double ridge, IDeviceMatrix k, int tileColumns, IProgress<KernelProgress>? progress, CancellationToken cancel)
    {
        var km = M(k);
        Shapes.Gram(points, km);
        return Shapes.OwnPoints<Operand>(points).Gram(kernel, ridge, km, tileColumns, progress, cancel);
    }

    public void CrossGram(IDevicePoints rows, IDevicePoints columns, Kernel kernel, IDeviceMatrix c)
    {
        var cm = M(c);
        Shapes.Cross(rows, columns, cm);
        Shapes.OwnPoints<Operand>(rows).Cross(Shapes.OwnPoints<Operand>(columns), kernel, cm);
    }

    public double FrobeniusNorm(IDeviceMatrix a)
    {
        var m = M(a);
        var columns = new double[m.Columns];
        var address = (nint)m.Buffer.Pointer;
        Parallel.For(0, m.Columns, j => columns[j] = TiledGram.SumOfSquares(new ReadOnlySpan<T>((T*)address + (long)j * m.Rows, m.Rows)));
        return Math.Sqrt(columns.Sum());
    }

    public double[] Diagonal(IDeviceMatrix a)
    {
        var m = Square(a);
        var d = new double[m.Rows];
        for (var i = 0; i < d.Length; i++) d[i] = TiledGram.ToDouble(m.Buffer.Pointer[(long)i * m.Rows + i]);
        return d;
    }

    public void SetDiagonal(IDeviceMatrix a, double[] values)
    {
        var m = Square(a);
        Shapes.Values(values, m.Rows, "diagonal entries");
        for (var i = 0; i < values.Length; i++) m.Buffer.Pointer[(long)i * m.Rows + i] = TiledGram.From<T>(values[i]);
    }

    public int Potrf(IDeviceMatrix a)
    {
        var m = Square(a);
        return NativeLinearAlgebra.Potrf(m.Rows, m.Buffer.Pointer, m.Rows);
    }

    public void Potrs(IDeviceMatrix factor, IDeviceMatrix b)
    {
        var (l, bm) = (Square(factor), M(b));
        Shapes.Solve(l, bm);
        NativeLinearAlgebra.Potrs(l.Rows, bm.Columns, l.Buffer.Pointer, l.Rows, bm.Buffer.Pointer, bm.Rows);
    }

    public int Syevd(IDeviceMatrix a, double[] eigenvalues)
    {
        var m = Square(a);
        var w = new T[m.Rows];
        int info;
        fixed (T* pw = w) info = NativeLinearAlgebra.Syevd(m.Rows, m.Buffer.Pointer, m.Rows, pw);
        for (var i = 0; i < w.Length; i++) eigenvalues[i] = TiledGram.ToDouble(w[i]);
        return info;
    }

    public void Gemm(bool transposeA, bool transposeB, IDeviceMatrix a, IDeviceMatrix b, IDeviceMatrix c)
    {
        var (am, bm, cm) = (M(a), M(b), M(c));
        var (m, n, k) = Shapes.Gemm(transposeA, transposeB, am, bm, cm);
        NativeLinearAlgebra.Gemm(transposeA ? 'T' : 'N', transposeB ? 'T' : 'N', m, n, k, TiledGram.One<T>(), am.Buffer.Pointer, am.Rows,
            bm.Buffer.Pointer, bm.Rows, TiledGram.Zero<T>(), cm.Buffer.Pointer, cm.Rows);
    }

    public void Symm(Triangle triangle, IDeviceMatrix a, IDeviceMatrix b, IDeviceMatrix c)
    {
        var (am, bm, cm) = (Square(a), M(b), M(c));
        Shapes.Symm(am, bm, cm);
        NativeLinearAlgebra.Symm(triangle == Triangle.Lower ? 'L' : 'U', am.Rows, bm.Columns, TiledGram.One<T>(), am.Buffer.Pointer, am.Rows,
            bm.Buffer.Pointer, bm.Rows, TiledGram.Zero<T>(), cm.Buffer.Pointer, cm.Rows);
    }

    public void ScaleRows(IDeviceMatrix a, double[] factors)
    {
        var m = M(a);
        Shapes.Values(factors, m.Rows, "rows");
        for (var j = 0; j < m.Columns; j++)
            for (var i = 0; i < m.Rows; i++)
            {
                var p = m.Buffer.Pointer + (long)j * m.Rows + i;
                *p = TiledGram.From<T>(TiledGram.ToDouble(*p) * factors[i]);
            }
    }

    public void Synchronize() { }

    public IReadOnlyList<double[]> AllProcesses(double[] local) => [local];

    public void Dispose() { }

    private static Matrix M(IDeviceMatrix a) => Shapes.Own<Matrix>(a);
    private static Matrix Square(IDeviceMatrix a) => Shapes.Square<Matrix>(a);

    private sealed class Matrix(int rows, int columns) : IDeviceMatrix
    {
        public NativeBuffer<T> Buffer { get; } = new((long)rows * columns);
        public int Rows => rows;
        public int Columns => columns;
        public void Dispose() => Buffer.Dispose();
    }

    /// <summary>An uploaded operand: it builds its own Gram matrix and cross-kernel blocks (points by GEMM, stored products by copying).</summary>
    private abstract class Operand : IDevicePoints
    {
        public abstract int Count { get; }
        public abstract int Dimension { get; }
        public abstract T[] Norms { get; }
        public abstract GramBuild Gram(Kernel kernel, double ridge, Matrix k, int tileColumns, IProgress<KernelProgress>? progress, CancellationToken cancel);
        public abstract void Cross(Operand columns, Kernel kernel, Matrix c);
        public virtual void Dispose() { }
    }

    /// <summary>Points known by their inner products: Count is the products' columns.</summary>
    private sealed class ProductPoints(InnerProducts.IInnerProducts products, T[] rowNorms) : Operand
    {
        public override int Count => products.Columns;
        public override int Dimension => products.Dimension;
        public override T[] Norms => rowNorms;

        public override GramBuild Gram(Kernel kernel, double ridge, Matrix k, int tileColumns, IProgress<KernelProgress>? progress, CancellationToken cancel) =>
            TiledGram.BuildFromProducts(products, kernel, ridge, k.Buffer.Pointer, tileColumns, progress, cancel);

        public override void Cross(Operand columns, Kernel kernel, Matrix c) =>
            TiledGram.CrossFromProducts(Shapes.Same<ProductPoints>(columns, "products").Products, rowNorms, kernel, c.Buffer.Pointer);

        private InnerProducts.IInnerProducts Products => products;
    }

    /// <summary>Points by their coordinates, row-major in native memory.</summary>
    private sealed class Points(NativeBuffer<T> x, T[] norms, int count, int dimension) : Operand
    {
        public override int Count => count;
        public override int Dimension => dimension;
        public override T[] Norms => norms;

        public override GramBuild Gram(Kernel kernel, double ridge, Matrix k, int tileColumns, IProgress<KernelProgress>? progress, CancellationToken cancel) =>
            TiledGram.BuildSymmetric(x.Pointer, count, dimension, norms, kernel, ridge, k.Buffer.Pointer, tileColumns, progress, cancel);

        public override void Cross(Operand columns, Kernel kernel, Matrix c)
        {
            var s = Shapes.Same<Points>(columns, "coordinates");
            TiledGram.BuildCross(x.Pointer, count, s.X.Pointer, s.Count, dimension, norms, s.Norms, kernel, c.Buffer.Pointer);
        }

        private NativeBuffer<T> X => x;

        public override void Dispose() => x.Dispose();
    }
}
