using Rethink.Kernels.Devices;
using Rethink.Kernels.Native;

namespace Rethink.Kernels.Scalapack;

/// <summary>
/// Exact solves across processes and machines: ScaLAPACK over MPI. Matrices are block-cyclic over a
/// BLACS process grid; the points are replicated (60,000 × 784 doubles are 376 MB), so every process
/// builds its own blocks of K with a local GEMM and the kernel transform, and K never crosses the
/// network. Every call is collective; results that come back to the host (α, diagonals, norms,
/// predictions) are reduced so that every process holds the same numbers and takes the same decisions.
/// </summary>
public static class ScalapackDevice
{
    /// <summary>Joins the job's processes (MPI starts here) and opens the grid; throws <see cref="DeviceUnavailableException"/> without ScaLAPACK.</summary>
    public static IDenseDevice Open(Precision precision, DistributedLayout layout)
    {
        ArgumentNullException.ThrowIfNull(layout);
        layout.Validate();
        var grid = BlacsGrid.Open(layout);
        var library = $"{NativeLibraries.MappedPath("libscalapack") ?? "libscalapack"}; MPI {NativeLibraries.MappedPath("libmpi.so") ?? "libmpi"}; BLAS {NativeLinearAlgebra.Probe().Blas}";
        return precision == Precision.Fp64
            ? new ScalapackDevice<double>(grid, layout.Block, library)
            : new ScalapackDevice<float>(grid, layout.Block, library);
    }
}

/// <summary>The ScaLAPACK device in precision <typeparamref name="T"/> (float or double).</summary>
internal sealed unsafe class ScalapackDevice<T> : IDenseDevice where T : unmanaged
{
    private readonly int _context, _gridRows, _gridColumns, _myRow, _myColumn, _block;

    public ScalapackDevice((int Context, int GridRows, int GridColumns, int MyRow, int MyColumn) grid, int block, string library)
    {
        (_context, _gridRows, _gridColumns, _myRow, _myColumn) = grid;
        _block = block;
        Library = library;
        Hardware = $"ScaLAPACK {_gridRows}x{_gridColumns} process grid ({ProcessCount} processes, {BlacsGrid.LocalProcesses()} on this machine), blocks {block}x{block}; CPU: {Core.MachineInfo.Current.Cpu}";
    }

    private static bool Double => typeof(T) == typeof(double);
    private static int Size => sizeof(T);

    public Backend Backend => Backend.Scalapack;
    public string Library { get; }
    public string Hardware { get; }
    public Precision Precision => Double ? Precision.Fp64 : Precision.Fp32;
    public int ProcessCount => _gridRows * _gridColumns;
    public int ProcessRank => BlacsGrid.Rank;
    public long TileBytes => 256L << 20;

    private int LocalRows(int rows) => Numroc(rows, _myRow, _gridRows);
    private int LocalColumns(int columns) => Numroc(columns, _myColumn, _gridColumns);

    private int Numroc(int n, int process, int processes)
    {
        int nb = _block, source = 0;
        return ScalapackNative.numroc(&n, &nb, &process, &source, &processes);
    }

    /// <summary>Global index of local index <paramref name="local"/> along a dimension where this process has coordinate <paramref name="process"/>.</summary>
    private int Global(int local, int process, int processes) => (local / _block * processes + process) * _block + local % _block;

    public void EnsureCapacity(MemoryRequest request)
    {
        // This process's share: its local blocks of every matrix, plus pdsyevd's eigenvectors and workspace.
        double local = request.Matrices.Sum(m => (double)Numroc((int)Math.Min(m.Rows, int.MaxValue), _myRow, _gridRows) * Numroc((int)Math.Min(m.Columns, int.MaxValue), _myColumn, _gridColumns));
        if (request.EigenWorkspace)
        {
            var nn = (double)LocalRows(request.N) * LocalColumns(request.N);
            local += 3 * nn + 8.0 * request.N;
        }
        var needed = local * Size;
        var localProcesses = BlacsGrid.LocalProcesses();
        var available = (double)MemoryBudget.Available() / localProcesses;
        // Every process must agree to go on, or all refuse with the same line: the largest need, the smallest supply.
        var worst = new[] { needed > available ? 1.0 : 0.0, needed, -available };
        fixed (double* v = worst) Max(v, 3);
        worst[2] = -worst[2];
        if (worst[0] == 0) return;
        var totalNeeded = worst[1] * ProcessCount;
        var processesNeeded = (int)Math.Ceiling(totalNeeded / (worst[2] * 0.9));
        var (r, c) = BlacsGrid.Square(Math.Max(processesNeeded, ProcessCount + 1));
        var e = new InsufficientMemoryException(
            $"{request.What} for n = {request.N:N0} in {Precision.ToString().ToLowerInvariant()} needs {MemoryBudget.Gigabytes((long)worst[1])} per process " +
            $"({ProcessCount} processes, {_gridRows}x{_gridColumns} grid); {MemoryBudget.Gigabytes((long)worst[2])} available per process ({localProcesses} on this machine share its memory). " +
            $"Options: {request.Remedies}more machines, e.g. {r * c} processes on a {r}x{c} grid (about {processesNeeded} processes' memory is needed){(Double ? ", or FP32 precision" : "")}.");
        throw BlacsGrid.Collective(e);
    }

    public IDevicePoints Upload(KernelOperand operand) => operand switch
    {
        KernelOperand.Points { Values: var points } => new Coordinates(new HostPoints(points, points.SquaredNorms())),
        KernelOperand.Products { Values: var products } => new StoredProducts(products),
        _ => throw new ArgumentOutOfRangeException(nameof(operand)),
    };

    public IDeviceMatrix Upload(double[] columnMajor, int rows, int columns)
    {
        Shapes.ColumnMajor(columnMajor, rows, columns);
        var m = NewMatrix(rows, columns);
        for (var lj = 0; lj < m.LocalColumns; lj++)
        {
            var gj = Global(lj, _myColumn, _gridColumns);
            for (var li = 0; li < m.LocalRows; li++)
                m.Buffer.Pointer[(long)lj * m.Lld + li] = TiledGram.From<T>(columnMajor[(long)gj * rows + Global(li, _myRow, _gridRows)]);
        }
        return m;
    }

    public IDeviceMatrix Allocate(int rows, int columns) => NewMatrix(rows, columns);

    public double[] Download(IDeviceMatrix matrix)
    {
        var m = M(matrix);
        var result = new double[(long)m.Rows * m.Columns];
        for (var lj = 0; lj < m.LocalColumns; lj++)
        {
            var gj = Global(lj, _myColumn, _gridColumns);
            for (var li = 0; li < m.LocalRows; li++)
                result[(long)gj * m.Rows + Global(li, _myRow, _gridRows)] = TiledGram.ToDouble(m.Buffer.Pointer[(long)lj * m.Lld + li]);
        }
        Sum(result);
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
        var (sumSquares, products, transform) = Shapes.OwnPoints<Operand>(points).Gram(this, kernel, ridge, km, tileColumns, progress, cancel);
        var total = new[] { sumSquares };
        Sum(total);
        return new GramBuild(Math.Sqrt(total[0]), products, transform);
    }

    public void CrossGram(IDevicePoints rows, IDevicePoints columns, Kernel kernel, IDeviceMatrix c)
    {
        var cm = M(c);
        Shapes.Cross(rows, columns, cm);
        Shapes.OwnPoints<Operand>(rows).Cross(this, Shapes.OwnPoints<Operand>(columns), kernel, cm);
    }

    /// <summary>An operand replicated on every process: it builds this process's blocks of its Gram matrix and cross kernels.</summary>
    private abstract class Operand : IDevicePoints
    {
        public abstract int Count { get; }
        public abstract int Dimension { get; }

        /// <summary>This process's blocks of K: their sum of squares and the seconds of products and transform.</summary>
        public abstract (double SumSquares, double Products, double Transform) Gram(ScalapackDevice<T> device, Kernel kernel, double ridge, Matrix k, int tileColumns,
            IProgress<KernelProgress>? progress, CancellationToken cancel);

        public abstract void Cross(ScalapackDevice<T> device, Operand columns, Kernel kernel, Matrix c);

        public void Dispose() { }
    }

    /// <summary>Points by their coordinates, every process holding all of them.</summary>
    private sealed class Coordinates(HostPoints points) : Operand
    {
        public override int Count => points.Count;
        public override int Dimension => points.Dimension;

        public override (double, double, double) Gram(ScalapackDevice<T> device, Kernel kernel, double ridge, Matrix k, int tileColumns,
            IProgress<KernelProgress>? progress, CancellationToken cancel) =>
            device.LocalBlocks(points, points, kernel, k, symmetricRidge: ridge, tileColumns, progress, cancel);

        public override void Cross(ScalapackDevice<T> device, Operand columns, Kernel kernel, Matrix c) =>
            device.LocalBlocks(points, Shapes.Same<Coordinates>(columns, "coordinates").Points, kernel, c, symmetricRidge: null, 1024, null, default);

        private HostPoints Points => points;
    }

    /// <summary>Points by their stored inner products, read by every process for its own blocks.</summary>
    private sealed class StoredProducts(InnerProducts.IInnerProducts products) : Operand
    {
        public override int Count => products.Columns;
        public override int Dimension => products.Dimension;

        public override (double, double, double) Gram(ScalapackDevice<T> device, Kernel kernel, double ridge, Matrix k, int tileColumns,
            IProgress<KernelProgress>? progress, CancellationToken cancel)
        {
            if (!products.Symmetric) throw new ArgumentException("A kernel matrix needs the symmetric Gram of the training points.", nameof(k));
            var clock = System.Diagnostics.Stopwatch.StartNew();
            var sumSquares = device.LocalFromProducts(products, products.RowNorms, kernel, k, ridge);
            return (sumSquares, clock.Elapsed.TotalSeconds, 0);
        }

        public override void Cross(ScalapackDevice<T> device, Operand columns, Kernel kernel, Matrix c) =>
            device.LocalFromProducts(Shapes.Same<StoredProducts>(columns, "products").Products, products.RowNorms, kernel, c, symmetricRidge: null);

        private InnerProducts.IInnerProducts Products => products;
    }

    /// <summary>
    /// This process's blocks of k(rows, columns): its rows and columns of the points gathered into two
    /// contiguous matrices, one GEMM per tile of local columns, then the transform; with a symmetric
    /// ridge the global diagonal is k at distance 0 plus λ. Returns the local sum of squares.
    /// </summary>
    private (double SumSquares, double Products, double Transform) LocalBlocks(HostPoints rows, HostPoints columns, Kernel kernel, Matrix c, double? symmetricRidge, int tileColumns,
        IProgress<KernelProgress>? progress, CancellationToken cancel)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        double products = 0, transform = 0;
        int lr = c.LocalRows, lc = c.LocalColumns, d = rows.Dimension;
        if (lr == 0 || lc == 0) return (0, 0, 0);
        var rowIndex = Enumerable.Range(0, lr).Select(i => Global(i, _myRow, _gridRows)).ToArray();
        var columnIndex = Enumerable.Range(0, lc).Select(j => Global(j, _myColumn, _gridColumns)).ToArray();
        using var xr = Gather(rows.X, rowIndex);
        using var xc = Gather(columns.X, columnIndex);
        var rowNorms = rowIndex.Select(i => TiledGram.From<T>(rows.Norms[i])).ToArray();
        var diagonalRow = symmetricRidge is null ? null : rowIndex.Select((g, i) => (g, i)).ToDictionary(t => t.g, t => t.i);
        var tile = Math.Max(1, tileColumns);
        var partial = new double[lc];
        var address = (nint)c.Buffer.Pointer;
        for (var j0 = 0; j0 < lc; j0 += tile)
        {
            cancel.ThrowIfCancellationRequested();
            var width = Math.Min(tile, lc - j0);
            NativeLinearAlgebra.Gemm('T', 'N', lr, width, d, TiledGram.One<T>(), xr.Pointer, d, xc.Pointer + (long)j0 * d, d, TiledGram.Zero<T>(),
                c.Buffer.Pointer + (long)j0 * c.Lld, c.Lld);
            products += clock.Elapsed.TotalSeconds;
            clock.Restart();
            Parallel.For(j0, j0 + width, j =>
            {
                var column = new Span<T>((T*)address + (long)j * c.Lld, lr);
                var g = columnIndex[j];
                TiledGram.Transform(kernel, column, rowNorms, TiledGram.From<T>(columns.Norms[g]));
                if (diagonalRow is not null && diagonalRow.TryGetValue(g, out var i))
                    column[i] = TiledGram.From<T>(kernel.Diagonal(columns.Norms[g]) + symmetricRidge!.Value);
                partial[j] = TiledGram.SumOfSquares<T>(column);
            });
            transform += clock.Elapsed.TotalSeconds;
            clock.Restart();
            progress?.Report(new KernelProgress("gram", (double)(j0 + width) / lc));
        }
        return (partial.Sum(), products, transform);
    }

    /// <summary>This process's blocks from stored products: each local column read whole, its local rows kept, then transformed.</summary>
    private double LocalFromProducts(InnerProducts.IInnerProducts products, IReadOnlyList<double> rowNorms, Kernel kernel, Matrix c, double? symmetricRidge)
    {
        int lr = c.LocalRows, lc = c.LocalColumns, n = products.Rows;
        if (lr == 0 || lc == 0) return 0;
        var rowIndex = Enumerable.Range(0, lr).Select(i => Global(i, _myRow, _gridRows)).ToArray();
        var localNorms = rowIndex.Select(i => TiledGram.From<T>(rowNorms[i])).ToArray();
        var column = new float[n];
        double sumSquares = 0;
        for (var lj = 0; lj < lc; lj++)
        {
            var g = Global(lj, _myColumn, _gridColumns);
            products.CopyColumns(g, 1, column);
            var target = new Span<T>(c.Buffer.Pointer + (long)lj * c.Lld, lr);
            for (var i = 0; i < lr; i++) target[i] = TiledGram.From<T>(column[rowIndex[i]]);
            TiledGram.Transform(kernel, target, localNorms, TiledGram.From<T>(products.ColumnNorms[g]));
            if (symmetricRidge is { } ridge)
            {
                var at = Array.IndexOf(rowIndex, g);
                if (at >= 0) target[at] = TiledGram.From<T>(kernel.Diagonal(rowNorms[g]) + ridge);
            }
            sumSquares += TiledGram.SumOfSquares<T>(target);
        }
        return sumSquares;
    }

    private static NativeBuffer<T> Gather(FeatureMatrix x, int[] indices)
    {
        var d = x.Columns;
        var buffer = new NativeBuffer<T>(Math.Max(1, (long)indices.Length * d));
        var address = (nint)buffer.Pointer;
        Parallel.For(0, indices.Length, k =>
        {
            var source = x.Row(indices[k]);
            var target = (T*)address + (long)k * d;
            for (var t = 0; t < d; t++) target[t] = TiledGram.From<T>(source[t]);
        });
        return buffer;
    }

    public double FrobeniusNorm(IDeviceMatrix a)
    {
        var m = M(a);
        double local = 0;
        for (var lj = 0; lj < m.LocalColumns; lj++) local += TiledGram.SumOfSquares(new ReadOnlySpan<T>(m.Buffer.Pointer + (long)lj * m.Lld, m.LocalRows));
        var total = new[] { local };
        Sum(total);
        return Math.Sqrt(total[0]);
    }

    public double[] Diagonal(IDeviceMatrix a)
    {
        var m = Square(a);
        var d = new double[m.Rows];
        foreach (var (g, li, lj) in OwnedDiagonal(m)) d[g] = TiledGram.ToDouble(m.Buffer.Pointer[(long)lj * m.Lld + li]);
        Sum(d);
        return d;
    }

    public void SetDiagonal(IDeviceMatrix a, double[] values)
    {
        var m = Square(a);
        foreach (var (g, li, lj) in OwnedDiagonal(m)) m.Buffer.Pointer[(long)lj * m.Lld + li] = TiledGram.From<T>(values[g]);
    }

    /// <summary>The diagonal entries this process holds: (global index, local row, local column).</summary>
    private IEnumerable<(int Global, int LocalRow, int LocalColumn)> OwnedDiagonal(Matrix m)
    {
        var rows = new Dictionary<int, int>();
        for (var li = 0; li < m.LocalRows; li++) rows[Global(li, _myRow, _gridRows)] = li;
        for (var lj = 0; lj < m.LocalColumns; lj++)
        {
            var g = Global(lj, _myColumn, _gridColumns);
            if (rows.TryGetValue(g, out var li)) yield return (g, li, lj);
        }
    }

    public int Potrf(IDeviceMatrix a)
    {
        var m = Square(a);
        byte uplo = (byte)'L';
        int n = m.Rows, one = 1, info;
        fixed (int* desc = m.Descriptor)
        {
            if (Double) ScalapackNative.pdpotrf(&uplo, &n, (double*)m.Buffer.Pointer, &one, &one, desc, &info, 1);
            else ScalapackNative.pspotrf(&uplo, &n, (float*)m.Buffer.Pointer, &one, &one, desc, &info, 1);
        }
        LapackException.ThrowIfIllegal(Double ? "pdpotrf" : "pspotrf", info);
        return info;
    }

    public void Potrs(IDeviceMatrix factor, IDeviceMatrix b)
    {
        var (l, bm) = (Square(factor), M(b));
        Shapes.Solve(l, bm);
        byte uplo = (byte)'L';
        int n = l.Rows, nrhs = bm.Columns, one = 1, info;
        fixed (int* da = l.Descriptor)
        fixed (int* db = bm.Descriptor)
        {
            if (Double) ScalapackNative.pdpotrs(&uplo, &n, &nrhs, (double*)l.Buffer.Pointer, &one, &one, da, (double*)bm.Buffer.Pointer, &one, &one, db, &info, 1);
            else ScalapackNative.pspotrs(&uplo, &n, &nrhs, (float*)l.Buffer.Pointer, &one, &one, da, (float*)bm.Buffer.Pointer, &one, &one, db, &info, 1);
        }
        LapackException.ThrowIfIllegal(Double ? "pdpotrs" : "pspotrs", info);
    }

    public int Syevd(IDeviceMatrix a, double[] eigenvalues)
    {
        var m = Square(a);
        using var z = NewMatrix(m.Rows, m.Columns);
        var n = m.Rows;
        var w = new T[n];
        T workQuery;
        int iworkQuery;
        var info = SyevdCall(m, z, w, &workQuery, -1, &iworkQuery, -1);
        LapackException.ThrowIfIllegal(Double ? "pdsyevd" : "pssyevd", info);
        var lwork = (int)Math.Min(int.MaxValue, Math.Ceiling(TiledGram.ToDouble(workQuery)) + 1);
        var liwork = Math.Max(iworkQuery, 1);
        using (var work = new NativeBuffer<T>(lwork))
        using (var iwork = new NativeBuffer<int>(liwork))
            info = SyevdCall(m, z, w, work.Pointer, lwork, iwork.Pointer, liwork);
        LapackException.ThrowIfIllegal(Double ? "pdsyevd" : "pssyevd", info);
        for (var i = 0; i < n; i++) eigenvalues[i] = TiledGram.ToDouble(w[i]);
        m.Swap(z);
        return info;
    }

    private static int SyevdCall(Matrix a, Matrix z, T[] w, T* work, int lwork, int* iwork, int liwork)
    {
        byte jobz = (byte)'V', uplo = (byte)'L';
        int n = a.Rows, one = 1, info;
        fixed (int* da = a.Descriptor)
        fixed (int* dz = z.Descriptor)
        fixed (T* pw = w)
        {
            if (Double)
                ScalapackNative.pdsyevd(&jobz, &uplo, &n, (double*)a.Buffer.Pointer, &one, &one, da, (double*)pw, (double*)z.Buffer.Pointer, &one, &one, dz,
                    (double*)work, &lwork, iwork, &liwork, &info, 1, 1);
            else
                ScalapackNative.pssyevd(&jobz, &uplo, &n, (float*)a.Buffer.Pointer, &one, &one, da, (float*)pw, (float*)z.Buffer.Pointer, &one, &one, dz,
                    (float*)work, &lwork, iwork, &liwork, &info, 1, 1);
        }
        return info;
    }

    public void Gemm(bool transposeA, bool transposeB, IDeviceMatrix a, IDeviceMatrix b, IDeviceMatrix c)
    {
        var (am, bm, cm) = (M(a), M(b), M(c));
        var (m, n, k) = Shapes.Gemm(transposeA, transposeB, am, bm, cm);
        byte ta = (byte)(transposeA ? 'T' : 'N'), tb = (byte)(transposeB ? 'T' : 'N');
        int one = 1;
        fixed (int* da = am.Descriptor)
        fixed (int* db = bm.Descriptor)
        fixed (int* dc = cm.Descriptor)
        {
            if (Double)
            {
                double alpha = 1, beta = 0;
                ScalapackNative.pdgemm(&ta, &tb, &m, &n, &k, &alpha, (double*)am.Buffer.Pointer, &one, &one, da, (double*)bm.Buffer.Pointer, &one, &one, db,
                    &beta, (double*)cm.Buffer.Pointer, &one, &one, dc, 1, 1);
            }
            else
            {
                float alpha = 1, beta = 0;
                ScalapackNative.psgemm(&ta, &tb, &m, &n, &k, &alpha, (float*)am.Buffer.Pointer, &one, &one, da, (float*)bm.Buffer.Pointer, &one, &one, db,
                    &beta, (float*)cm.Buffer.Pointer, &one, &one, dc, 1, 1);
            }
        }
    }

    public void Symm(Triangle triangle, IDeviceMatrix a, IDeviceMatrix b, IDeviceMatrix c)
    {
        var (am, bm, cm) = (Square(a), M(b), M(c));
        Shapes.Symm(am, bm, cm);
        byte side = (byte)'L', uplo = (byte)(triangle == Triangle.Lower ? 'L' : 'U');
        int m = bm.Rows, n = bm.Columns, one = 1;
        fixed (int* da = am.Descriptor)
        fixed (int* db = bm.Descriptor)
        fixed (int* dc = cm.Descriptor)
        {
            if (Double)
            {
                double alpha = 1, beta = 0;
                ScalapackNative.pdsymm(&side, &uplo, &m, &n, &alpha, (double*)am.Buffer.Pointer, &one, &one, da, (double*)bm.Buffer.Pointer, &one, &one, db,
                    &beta, (double*)cm.Buffer.Pointer, &one, &one, dc, 1, 1);
            }
            else
            {
                float alpha = 1, beta = 0;
                ScalapackNative.pssymm(&side, &uplo, &m, &n, &alpha, (float*)am.Buffer.Pointer, &one, &one, da, (float*)bm.Buffer.Pointer, &one, &one, db,
                    &beta, (float*)cm.Buffer.Pointer, &one, &one, dc, 1, 1);
            }
        }
    }

    public void ScaleRows(IDeviceMatrix a, double[] factors)
    {
        var m = M(a);
        Shapes.Values(factors, m.Rows, "rows");
        for (var lj = 0; lj < m.LocalColumns; lj++)
            for (var li = 0; li < m.LocalRows; li++)
            {
                var p = m.Buffer.Pointer + (long)lj * m.Lld + li;
                *p = TiledGram.From<T>(TiledGram.ToDouble(*p) * factors[Global(li, _myRow, _gridRows)]);
            }
    }

    public void Synchronize()
    {
        byte scope = (byte)'A';
        ScalapackNative.Cblacs_barrier(_context, &scope);
    }

    public IReadOnlyList<double[]> AllProcesses(double[] local)
    {
        var all = new double[(long)ProcessCount * local.Length];
        local.CopyTo(all, (long)ProcessRank * local.Length);
        Sum(all);
        return Enumerable.Range(0, ProcessCount).Select(r => all.AsSpan(r * local.Length, local.Length).ToArray()).ToList();
    }

    public void Dispose() { }

    /// <summary>Element-wise sum over all processes, result on every process (BLACS dgsum2d in pieces).</summary>
    private void Sum(double[] values)
    {
        byte scope = (byte)'A', top = (byte)' ';
        const int piece = 1 << 24;
        fixed (double* p = values)
            for (long start = 0; start < values.LongLength; start += piece)
            {
                var count = (int)Math.Min(piece, values.LongLength - start);
                ScalapackNative.Cdgsum2d(_context, &scope, &top, count, 1, p + start, count, -1, -1);
            }
    }

    /// <summary>Element-wise maximum over all processes, on every process.</summary>
    private void Max(double* values, int count)
    {
        byte scope = (byte)'A', top = (byte)' ';
        ScalapackNative.Cdgamx2d(_context, &scope, &top, count, 1, values, count, null, null, -1, -1, -1);
    }

    private Matrix NewMatrix(int rows, int columns)
    {
        var lr = LocalRows(rows);
        var lc = LocalColumns(columns);
        var lld = Math.Max(1, lr);
        var desc = new int[9];
        int m = rows, n = columns, mb = _block, nb = _block, zero = 0, context = _context, info;
        fixed (int* d = desc) ScalapackNative.descinit(d, &m, &n, &mb, &nb, &zero, &zero, &context, &lld, &info);
        if (info != 0) throw new LapackException("descinit", info, $"descinit: argument {-info} had an illegal value for a {rows}x{columns} matrix; this is a bug — please report it with the command line.");
        return new Matrix(rows, columns, lr, lc, lld, desc);
    }

    private static Matrix M(IDeviceMatrix a) => Shapes.Own<Matrix>(a);
    private static Matrix Square(IDeviceMatrix a) => Shapes.Square<Matrix>(a);

    /// <summary>This process's blocks of a distributed matrix: LocalRows × LocalColumns, column-major with leading dimension Lld.</summary>
    private sealed class Matrix(int rows, int columns, int localRows, int localColumns, int lld, int[] descriptor) : IDeviceMatrix
    {
        public NativeBuffer<T> Buffer { get; private set; } = new(Math.Max(1, (long)lld * localColumns));
        public int Rows => rows;
        public int Columns => columns;
        public int LocalRows => localRows;
        public int LocalColumns => localColumns;
        public int Lld => lld;
        public int[] Descriptor => descriptor;

        /// <summary>Exchanges storage with a matrix of the same layout.</summary>
        public void Swap(Matrix other) => (Buffer, other.Buffer) = (other.Buffer, Buffer);

        public void Dispose() => Buffer.Dispose();
    }
}
