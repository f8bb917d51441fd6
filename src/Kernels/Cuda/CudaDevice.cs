using ILGPU;
using ILGPU.Runtime;
using Rethink.Kernels.Devices;
using Rethink.Kernels.Native;

namespace Rethink.Kernels.Cuda;

/// <summary>
/// The GPU device: cuBLAS and cuSOLVER (64-bit API) through P/Invoke and ILGPU for the element-wise
/// work, sharing one context and one stream (<see cref="CudaRuntime"/>). Matrices, points and α stay on
/// the GPU; only targets, α, diagonals and predictions cross the bus. Gram blocks are one GEMM (tensor
/// cores) followed by the formula's transform; norms are reduced on the GPU (nrm2).
/// </summary>
public static class CudaDevice
{
    /// <summary>Opens the first GPU in <paramref name="precision"/>; throws <see cref="DeviceUnavailableException"/> (one line) when there is none.</summary>
    public static IDenseDevice Open(Precision precision) =>
        precision == Precision.Fp64 ? new CudaDevice<double>(CudaRuntime.Shared) : new CudaDevice<float>(CudaRuntime.Shared);
}

/// <summary>The GPU device in precision <typeparamref name="T"/> (float or double).</summary>
internal sealed unsafe class CudaDevice<T>(CudaRuntime runtime) : IDenseDevice, IStreamingDevice where T : unmanaged
{
    private static bool Double => typeof(T) == typeof(double);
    private static int Size => sizeof(T);
    private static int DataType => Double ? CudaNative.R64F : CudaNative.R32F;

    private CudaRuntime Runtime => runtime;
    private readonly CudaBlas _blas = new(runtime);

    public Backend Backend => Backend.Cuda;
    public string Library => runtime.Library;
    public string Hardware => runtime.Hardware;
    public Precision Precision => Double ? Precision.Fp64 : Precision.Fp32;
    public int ProcessCount => 1;
    public int ProcessRank => 0;
    public long TileBytes => 2L << 30;

    public void EnsureCapacity(MemoryRequest request)
    {
        using var scope = runtime.Enter();
        var needed = request.Matrices.Sum(m => m.Rows * m.Columns) * Size + (256L << 20);
        if (request.EigenWorkspace) needed += (long)SyevdWorkspace(request.N) + ((long)request.N * request.N + request.N) * Size;
        var (free, _) = runtime.MemoryInfo();
        if (needed <= free) return;
        var perPointSquared = request.EigenWorkspace ? 2.0 * Size : Size;
        var fit = (long)Math.Sqrt(Math.Max(0, free - (512L << 20)) / perPointSquared);
        var fp32 = Double ? $"FP32 precision (needs {MemoryBudget.Gigabytes(needed / 2)}), " : "";
        throw new InsufficientMemoryException(
            $"{request.What} for n = {request.N:N0} in {Precision.ToString().ToLowerInvariant()} needs {MemoryBudget.Gigabytes(needed)} of GPU memory; {MemoryBudget.Gigabytes(free)} free. " +
            $"Options: {request.Remedies}{fp32}fewer training points (at most about {fit:N0} here), the ScaLAPACK device across machines, or the CPU.");
    }

    private nuint SyevdWorkspace(long n)
    {
        nuint deviceBytes, hostBytes;
        var solver = runtime.Solver;
        CudaException.ThrowIfFailed("cusolver", "cusolverDnXsyevd_bufferSize", CudaNative.cusolverDnXsyevd_bufferSize(
            solver.Value, solver.Parameters, CudaNative.EigenVectors, CudaNative.Lower, n, DataType, null, Math.Max(1, n), DataType, null, DataType, &deviceBytes, &hostBytes));
        return deviceBytes;
    }

    public IDevicePoints Upload(KernelOperand operand) => operand switch
    {
        KernelOperand.Points { Values: var points } => UploadPoints(points),
        KernelOperand.Products { Values: var products } => UploadProducts(products),
        _ => throw new ArgumentOutOfRangeException(nameof(operand)),
    };

    private Points UploadPoints(FeatureMatrix points)
    {
        var host = new T[points.Values.LongLength];
        var d = points.Columns;
        Parallel.For(0, points.Rows, i => { for (var j = 0; j < d; j++) host[(long)i * d + j] = TiledGram.From<T>(points.Values[(long)i * d + j]); });
        var norms = points.SquaredNorms().Select(TiledGram.From<T>).ToArray();
        using var scope = runtime.Enter();
        var x = Allocate(host);
        try
        {
            return new Points(runtime, x, Allocate(norms), points.Rows, d);
        }
        catch
        {
            x.Dispose();
            throw;
        }
    }

    private ProductPoints UploadProducts(InnerProducts.IInnerProducts products)
    {
        var norms = products.RowNorms.Select(TiledGram.From<T>).ToArray();
        using var scope = runtime.Enter();
        return new ProductPoints(runtime, products, Allocate(norms));
    }

    /// <summary>
    /// Copies product columns [first, first + count) into <paramref name="target"/> at column offset <paramref name="at"/>:
    /// device to device when a stream left them on this GPU, else from the host.
    /// </summary>
    private void CopyProducts(InnerProducts.IInnerProducts products, int first, int count, MemoryBuffer1D<T, Stride1D.Dense> target, long at)
    {
        if (products is InnerProducts.IResidentInnerProducts resident && resident.Holds<T>() && ReferenceEquals(resident.Accelerator, runtime.Accelerator))
        {
            resident.DeviceColumns<T>(first, count).CopyTo(target.View.SubView(at * products.Rows, (long)count * products.Rows));
            return;
        }
        var host = new T[(long)count * products.Rows];
        if (typeof(T) == typeof(float)) products.CopyColumns(first, count, System.Runtime.InteropServices.MemoryMarshal.Cast<T, float>(host.AsSpan()));
        else products.CopyColumns(first, count, System.Runtime.InteropServices.MemoryMarshal.Cast<T, double>(host.AsSpan()));
        target.View.SubView(at * products.Rows, host.LongLength).CopyFromCPU(host);
    }

    public IDeviceMatrix Upload(double[] columnMajor, int rows, int columns)
    {
        Shapes.ColumnMajor(columnMajor, rows, columns);
        var host = columnMajor.Select(TiledGram.From<T>).ToArray();
        using var scope = runtime.Enter();
        return new Matrix(runtime, Allocate(host), rows, columns);
    }

    public IDeviceMatrix Allocate(int rows, int columns)
    {
        using var scope = runtime.Enter();
        return new Matrix(runtime, AllocateBuffer((long)rows * columns), rows, columns);
    }

    public double[] Download(IDeviceMatrix matrix)
    {
        using var scope = runtime.Enter();
        var host = M(matrix).Buffer.GetAsArray1D();
        return host.Select(TiledGram.ToDouble).ToArray();
    }

    public void Copy(IDeviceMatrix source, IDeviceMatrix target)
    {
        using var scope = runtime.Enter();
        M(source).Buffer.View.CopyTo(M(target).Buffer.View);
    }

    public GramBuild Gram(IDevicePoints points, Kernel kernel, double ridge, IDeviceMatrix k, int tileColumns, IProgress<KernelProgress>? progress, CancellationToken cancel)
    {
        var km = M(k);
        Shapes.Gram(points, km);
        using var scope = runtime.Enter();
        return Shapes.OwnPoints<Operand>(points).Gram(this, kernel, ridge, km, tileColumns, progress, cancel);
    }

    public void CrossGram(IDevicePoints rows, IDevicePoints columns, Kernel kernel, IDeviceMatrix c)
    {
        var cm = M(c);
        Shapes.Cross(rows, columns, cm);
        using var scope = runtime.Enter();
        Shapes.OwnPoints<Operand>(rows).Cross(this, Shapes.OwnPoints<Operand>(columns), kernel, cm);
    }

    /// <summary>Stored products copied to the GPU tile by tile and transformed there.</summary>
    private GramBuild GramFromProducts(ProductPoints products, Kernel kernel, double ridge, Matrix km, int tileColumns, IProgress<KernelProgress>? progress, CancellationToken cancel)
    {
        if (!products.Products.Symmetric) throw new ArgumentException("A kernel matrix needs the symmetric Gram of the training points.", nameof(products));
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var size = products.Count;
        var step = Math.Clamp(tileColumns, 1, Math.Max(1, (int)Math.Min(int.MaxValue / Math.Max(1, size), (256L << 20) / Math.Max(1, (long)size * Size))));
        for (var j0 = 0; j0 < size; j0 += step)
        {
            cancel.ThrowIfCancellationRequested();
            var width = Math.Min(step, size - j0);
            CopyProducts(products.Products, j0, width, km.Buffer, j0);
            runtime.Kernels.Transform(km.Buffer.View, size, size, width, j0, products.Norms.View, products.Norms.View, kernel, ridge);
            progress?.Report(new KernelProgress("gram", (double)(j0 + width) / size));
        }
        runtime.Accelerator.Synchronize();
        return new GramBuild(Norm(km.Buffer, (long)size * size), clock.Elapsed.TotalSeconds, 0);
    }

    /// <summary>One GEMM for all inner products on the GPU, then the transform in tiles.</summary>
    private GramBuild GramFromPoints(Points p, Kernel kernel, double ridge, Matrix km, int tileColumns, IProgress<KernelProgress>? progress, CancellationToken cancel)
    {
        var n = p.Count;
        var clock = System.Diagnostics.Stopwatch.StartNew();
        Gemm(CudaNative.OpT, CudaNative.OpN, n, n, p.Dimension, p.X, p.Dimension, p.X, p.Dimension, km.Buffer, n);
        runtime.Accelerator.Synchronize();
        var products = clock.Elapsed.TotalSeconds;
        clock.Restart();
        // One launch covers rows × tile threads; keep it within ILGPU's 32-bit extent.
        var tile = Math.Clamp(tileColumns, 1, Math.Max(1, int.MaxValue / Math.Max(1, n)));
        for (var j0 = 0; j0 < n; j0 += tile)
        {
            cancel.ThrowIfCancellationRequested();
            runtime.Kernels.Transform(km.Buffer.View, n, n, Math.Min(tile, n - j0), j0, p.Norms.View, p.Norms.View, kernel, ridge);
        }
        runtime.Accelerator.Synchronize();
        var transform = clock.Elapsed.TotalSeconds;
        progress?.Report(new KernelProgress("gram", 1));
        return new GramBuild(Norm(km.Buffer, (long)n * n), products, transform);
    }

    private void CrossFromProducts(ProductPoints train, ProductPoints cross, Kernel kernel, Matrix cm)
    {
        using var columnNorms = Allocate(cross.Products.ColumnNorms.Select(TiledGram.From<T>).ToArray());
        CopyProducts(cross.Products, 0, cross.Count, cm.Buffer, 0);
        runtime.Kernels.Transform(cm.Buffer.View, train.Count, train.Count, cross.Count, 0, train.Norms.View, columnNorms.View, kernel);
    }

    private void CrossFromPoints(Points r, Points s, Kernel kernel, Matrix cm)
    {
        Gemm(CudaNative.OpT, CudaNative.OpN, r.Count, s.Count, r.Dimension, r.X, r.Dimension, s.X, s.Dimension, cm.Buffer, r.Count);
        runtime.Kernels.Transform(cm.Buffer.View, r.Count, r.Count, s.Count, 0, r.Norms.View, s.Norms.View, kernel);
    }

    public double FrobeniusNorm(IDeviceMatrix a)
    {
        var m = M(a);
        using var scope = runtime.Enter();
        return Norm(m.Buffer, (long)m.Rows * m.Columns);
    }

    private double Norm(MemoryBuffer1D<T, Stride1D.Dense> buffer, long count)
    {
        if (Double)
        {
            double result;
            CudaException.ThrowIfFailed("cublas", "cublasDnrm2_v2_64", CudaNative.cublasDnrm2(runtime.Blas, count, (double*)buffer.NativePtr, 1, &result));
            return result;
        }
        float single;
        CudaException.ThrowIfFailed("cublas", "cublasSnrm2_v2_64", CudaNative.cublasSnrm2(runtime.Blas, count, (float*)buffer.NativePtr, 1, &single));
        return single;
    }

    public double[] Diagonal(IDeviceMatrix a)
    {
        var m = Square(a);
        using var scope = runtime.Enter();
        using var diagonal = AllocateBuffer(m.Rows);
        runtime.Kernels.Diagonal(m.Buffer.View, diagonal.View, m.Rows, restore: false);
        return diagonal.GetAsArray1D().Select(TiledGram.ToDouble).ToArray();
    }

    public void SetDiagonal(IDeviceMatrix a, double[] values)
    {
        var m = Square(a);
        using var scope = runtime.Enter();
        using var diagonal = Allocate(values.Select(TiledGram.From<T>).ToArray());
        runtime.Kernels.Diagonal(m.Buffer.View, diagonal.View, m.Rows, restore: true);
        runtime.Accelerator.Synchronize();
    }

    public int Potrf(IDeviceMatrix a)
    {
        var m = Square(a);
        using var scope = runtime.Enter();
        var solver = runtime.Solver;
        long n = m.Rows;
        nuint deviceBytes, hostBytes;
        CudaException.ThrowIfFailed("cusolver", "cusolverDnXpotrf_bufferSize", CudaNative.cusolverDnXpotrf_bufferSize(
            solver.Value, solver.Parameters, CudaNative.Lower, n, DataType, (void*)m.Buffer.NativePtr, n, DataType, &deviceBytes, &hostBytes));
        using var work = AllocateBytes((long)Math.Max(deviceBytes, 1u));
        using var info = runtime.Accelerator.Allocate1D<int>(1);
        var host = new byte[Math.Max((long)hostBytes, 1)];
        fixed (byte* h = host)
            CudaException.ThrowIfFailed("cusolver", "cusolverDnXpotrf", CudaNative.cusolverDnXpotrf(
                solver.Value, solver.Parameters, CudaNative.Lower, n, DataType, (void*)m.Buffer.NativePtr, n, DataType,
                (void*)work.NativePtr, deviceBytes, h, hostBytes, (int*)info.NativePtr));
        var value = info.GetAsArray1D()[0];
        LapackException.ThrowIfIllegal("cusolverDnXpotrf", value);
        return value;
    }

    public void Potrs(IDeviceMatrix factor, IDeviceMatrix b)
    {
        var (l, bm) = (Square(factor), M(b));
        Shapes.Solve(l, bm);
        using var scope = runtime.Enter();
        var solver = runtime.Solver;
        using var info = runtime.Accelerator.Allocate1D<int>(1);
        CudaException.ThrowIfFailed("cusolver", "cusolverDnXpotrs", CudaNative.cusolverDnXpotrs(
            solver.Value, solver.Parameters, CudaNative.Lower, l.Rows, bm.Columns, DataType, (void*)l.Buffer.NativePtr, l.Rows, DataType, (void*)bm.Buffer.NativePtr, bm.Rows, (int*)info.NativePtr));
        LapackException.ThrowIfIllegal("cusolverDnXpotrs", info.GetAsArray1D()[0]);
    }

    public int Syevd(IDeviceMatrix a, double[] eigenvalues)
    {
        var m = Square(a);
        using var scope = runtime.Enter();
        var solver = runtime.Solver;
        long n = m.Rows;
        using var w = AllocateBuffer(n);
        nuint deviceBytes, hostBytes;
        CudaException.ThrowIfFailed("cusolver", "cusolverDnXsyevd_bufferSize", CudaNative.cusolverDnXsyevd_bufferSize(
            solver.Value, solver.Parameters, CudaNative.EigenVectors, CudaNative.Lower, n, DataType, (void*)m.Buffer.NativePtr, n, DataType, (void*)w.NativePtr, DataType, &deviceBytes, &hostBytes));
        using var work = AllocateBytes((long)Math.Max(deviceBytes, 1u));
        using var info = runtime.Accelerator.Allocate1D<int>(1);
        var host = new byte[Math.Max((long)hostBytes, 1)];
        fixed (byte* h = host)
            CudaException.ThrowIfFailed("cusolver", "cusolverDnXsyevd", CudaNative.cusolverDnXsyevd(
                solver.Value, solver.Parameters, CudaNative.EigenVectors, CudaNative.Lower, n, DataType, (void*)m.Buffer.NativePtr, n, DataType, (void*)w.NativePtr, DataType,
                (void*)work.NativePtr, deviceBytes, h, hostBytes, (int*)info.NativePtr));
        var status = info.GetAsArray1D()[0];
        LapackException.ThrowIfIllegal("cusolverDnXsyevd", status);
        var values = w.GetAsArray1D();
        for (var i = 0; i < values.Length; i++) eigenvalues[i] = TiledGram.ToDouble(values[i]);
        return status;
    }

    public void Gemm(bool transposeA, bool transposeB, IDeviceMatrix a, IDeviceMatrix b, IDeviceMatrix c)
    {
        var (am, bm, cm) = (M(a), M(b), M(c));
        var (m, n, k) = Shapes.Gemm(transposeA, transposeB, am, bm, cm);
        using var scope = runtime.Enter();
        Gemm(transposeA ? CudaNative.OpT : CudaNative.OpN, transposeB ? CudaNative.OpT : CudaNative.OpN, m, n, k, am.Buffer, am.Rows, bm.Buffer, bm.Rows, cm.Buffer, cm.Rows);
    }

    /// <summary>C ← op(A)·op(B) + β·C (β = 0 or 1).</summary>
    private void Gemm(int ta, int tb, long m, long n, long k, MemoryBuffer1D<T, Stride1D.Dense> a, long lda, MemoryBuffer1D<T, Stride1D.Dense> b, long ldb, MemoryBuffer1D<T, Stride1D.Dense> c, long ldc) =>
        _blas.Gemm(ta == CudaNative.OpT, tb == CudaNative.OpT, m, n, k, a.View, lda, b.View, ldb, c.View, ldc, accumulate: false);

    public IGramAccumulator Accumulator(nint k, nint c, int n, int m)
    {
        using var scope = runtime.Enter();
        // K and C stay on the GPU between blocks (the blocks come up from the host, or are computed there); they go down only at checkpoints.
        var (nn, nm) = ((long)n * n, (long)n * m);
        var need = (nn + nm) * Size + (256L << 20);
        var (free, _) = runtime.MemoryInfo();
        if (need > free)
            throw new InsufficientMemoryException(
                $"The streamed Gram matrices for {n:N0} training and {m:N0} test points need {MemoryBudget.Gigabytes(need)} of GPU memory; {MemoryBudget.Gigabytes(free)} free. Options: FP32 precision, fewer training or test points, or the CPU.");
        return OutOfMemoryIsUserError(() => Double
            ? (IGramAccumulator)new AcceleratorGramAccumulator<double>(_blas, $"the GPU ({Hardware}; cuBLAS dsyrk/dgemm)", k, c, n, m)
            : new AcceleratorGramAccumulator<float>(_blas, $"the GPU ({Hardware}; cuBLAS ssyrk/sgemm)", k, c, n, m), need);
    }

    public void Symm(Triangle triangle, IDeviceMatrix a, IDeviceMatrix b, IDeviceMatrix c)
    {
        var (am, bm, cm) = (Square(a), M(b), M(c));
        Shapes.Symm(am, bm, cm);
        using var scope = runtime.Enter();
        var uplo = triangle == Triangle.Lower ? CudaNative.Lower : CudaNative.Upper;
        int status;
        if (Double)
        {
            double one = 1, zero = 0;
            status = CudaNative.cublasDsymm(runtime.Blas, CudaNative.Left, uplo, bm.Rows, bm.Columns, &one, (double*)am.Buffer.NativePtr, am.Rows, (double*)bm.Buffer.NativePtr, bm.Rows, &zero, (double*)cm.Buffer.NativePtr, cm.Rows);
        }
        else
        {
            float one = 1, zero = 0;
            status = CudaNative.cublasSsymm(runtime.Blas, CudaNative.Left, uplo, bm.Rows, bm.Columns, &one, (float*)am.Buffer.NativePtr, am.Rows, (float*)bm.Buffer.NativePtr, bm.Rows, &zero, (float*)cm.Buffer.NativePtr, cm.Rows);
        }
        CudaException.ThrowIfFailed("cublas", Double ? "cublasDsymm_v2_64" : "cublasSsymm_v2_64", status);
    }

    public void ScaleRows(IDeviceMatrix a, double[] factors)
    {
        var m = M(a);
        Shapes.Values(factors, m.Rows, "rows");
        using var scope = runtime.Enter();
        using var f = Allocate(factors.Select(TiledGram.From<T>).ToArray());
        runtime.Kernels.ScaleRows(m.Buffer.View, m.Rows, m.Columns, f.View);
        runtime.Accelerator.Synchronize();
    }

    public void Synchronize()
    {
        using var scope = runtime.Enter();
        runtime.Accelerator.Synchronize();
    }

    public IReadOnlyList<double[]> AllProcesses(double[] local) => [local];

    public void Dispose() { }

    private MemoryBuffer1D<T, Stride1D.Dense> Allocate(T[] host)
    {
        var buffer = AllocateBuffer(host.LongLength);
        buffer.View.CopyFromCPU(host);
        return buffer;
    }

    private MemoryBuffer1D<T, Stride1D.Dense> AllocateBuffer(long length) =>
        OutOfMemoryIsUserError(() => runtime.Accelerator.Allocate1D<T>(Math.Max(1, length)), length * Size);

    private MemoryBuffer1D<byte, Stride1D.Dense> AllocateBytes(long length) =>
        OutOfMemoryIsUserError(() => runtime.Accelerator.Allocate1D<byte>(Math.Max(1, length)), length);

    /// <summary>ILGPU reports a failed cudaMalloc as its own CudaException: the user's to fix, so one line with the options.</summary>
    private TResult OutOfMemoryIsUserError<TResult>(Func<TResult> allocate, long bytes)
    {
        try
        {
            return allocate();
        }
        catch (ILGPU.Runtime.Cuda.CudaException e) when (e.Error.Contains("out of memory", StringComparison.OrdinalIgnoreCase) || e.Message.Contains("OUT_OF_MEMORY", StringComparison.Ordinal))
        {
            var (free, _) = runtime.MemoryInfo();
            throw new InsufficientMemoryException(
                $"The GPU ran out of memory allocating {MemoryBudget.Gigabytes(bytes)} ({MemoryBudget.Gigabytes(free)} free). Options: fewer training points, FP32 precision, or the CPU.", e);
        }
    }

    private static Matrix M(IDeviceMatrix a) => Shapes.Own<Matrix>(a);
    private static Matrix Square(IDeviceMatrix a) => Shapes.Square<Matrix>(a);

    // Device memory is freed with its context current.
    private sealed class Matrix(CudaRuntime runtime, MemoryBuffer1D<T, Stride1D.Dense> buffer, int rows, int columns) : IDeviceMatrix
    {
        public MemoryBuffer1D<T, Stride1D.Dense> Buffer => buffer;
        public int Rows => rows;
        public int Columns => columns;

        public void Dispose()
        {
            using var scope = runtime.Enter();
            buffer.Dispose();
        }
    }

    /// <summary>An operand in GPU memory: it builds its own Gram matrix and cross-kernel blocks through the device.</summary>
    private abstract class Operand : IDevicePoints
    {
        public abstract int Count { get; }
        public abstract int Dimension { get; }
        public abstract GramBuild Gram(CudaDevice<T> device, Kernel kernel, double ridge, Matrix k, int tileColumns, IProgress<KernelProgress>? progress, CancellationToken cancel);
        public abstract void Cross(CudaDevice<T> device, Operand columns, Kernel kernel, Matrix c);
        public abstract void Dispose();
    }

    private sealed class ProductPoints(CudaRuntime runtime, InnerProducts.IInnerProducts products, MemoryBuffer1D<T, Stride1D.Dense> norms) : Operand
    {
        public InnerProducts.IInnerProducts Products => products;
        public MemoryBuffer1D<T, Stride1D.Dense> Norms => norms;
        public override int Count => products.Columns;
        public override int Dimension => products.Dimension;

        public override GramBuild Gram(CudaDevice<T> device, Kernel kernel, double ridge, Matrix k, int tileColumns, IProgress<KernelProgress>? progress, CancellationToken cancel) =>
            device.GramFromProducts(this, kernel, ridge, k, tileColumns, progress, cancel);

        public override void Cross(CudaDevice<T> device, Operand columns, Kernel kernel, Matrix c) =>
            device.CrossFromProducts(this, Shapes.Same<ProductPoints>(columns, "products"), kernel, c);

        public override void Dispose()
        {
            using var scope = runtime.Enter();
            norms.Dispose();
        }
    }

    private sealed class Points(CudaRuntime runtime, MemoryBuffer1D<T, Stride1D.Dense> x, MemoryBuffer1D<T, Stride1D.Dense> norms, int count, int dimension) : Operand
    {
        public MemoryBuffer1D<T, Stride1D.Dense> X => x;
        public MemoryBuffer1D<T, Stride1D.Dense> Norms => norms;
        public override int Count => count;
        public override int Dimension => dimension;

        public override GramBuild Gram(CudaDevice<T> device, Kernel kernel, double ridge, Matrix k, int tileColumns, IProgress<KernelProgress>? progress, CancellationToken cancel) =>
            device.GramFromPoints(this, kernel, ridge, k, tileColumns, progress, cancel);

        public override void Cross(CudaDevice<T> device, Operand columns, Kernel kernel, Matrix c) =>
            device.CrossFromPoints(this, Shapes.Same<Points>(columns, "coordinates"), kernel, c);

        public override void Dispose()
        {
            using var scope = runtime.Enter();
            x.Dispose();
            norms.Dispose();
        }
    }
}
