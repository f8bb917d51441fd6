using Rethink.Core;
using System.Diagnostics;
using ILGPU;
using ILGPU.Runtime;
using ILGPU.Runtime.Cuda;
using Rethink.Kernels.Native;

namespace Rethink.Kernels.Cuda;

/// <summary>
/// The GPU backend: cuBLAS and cuSOLVER (64-bit API) through P/Invoke, ILGPU for the element-wise
/// work, sharing ILGPU's CUDA context (bound per thread, synchronized between libraries). X, Y, K and
/// α stay on the device; only X, Y, α and the predictions cross the bus. The Gram matrix is one GEMM
/// (tensor cores, unlike FP64 syrk) followed by the ILGPU transform; the solve is cusolverDnXpotrf/
/// Xpotrs, with Xsyevd for the minimum-norm path when K is not positive definite — the same results
/// as <see cref="LapackKernelBackend"/>.
/// </summary>
public sealed unsafe class CudaKernelBackend : IKernelBackend, IDisposable
{
    private readonly Context _context;
    private readonly CudaAccelerator _accelerator;
    private readonly ElementwiseKernels _kernels;
    private readonly CublasHandle _blas;
    private readonly CusolverHandle _solver;

    private CudaKernelBackend(Context context, CudaAccelerator accelerator, IReadOnlyDictionary<string, string> libraries)
    {
        _context = context;
        _accelerator = accelerator;
        _accelerator.Bind();
        _kernels = new ElementwiseKernels(accelerator);
        _blas = new CublasHandle();
        _solver = new CusolverHandle();
        int driver, runtime;
        CudaNative.cudaDriverGetVersion(&driver);
        CudaNative.cudaRuntimeGetVersion(&runtime);
        Device = $"{accelerator.Name}, {accelerator.MemorySize / (1L << 30)} GiB, driver API {driver / 1000}.{driver % 1000 / 10}, runtime {runtime / 1000}.{runtime % 1000 / 10}";
        Library = string.Join("; ", libraries.Values);
    }

    public string Name => "cuda";
    public string Library { get; }

    /// <summary>The GPU: name, memory, driver and runtime versions.</summary>
    public string Device { get; }

    /// <summary>Loads the CUDA libraries and takes the first CUDA device; throws when there is none.</summary>
    public static CudaKernelBackend Create()
    {
        var libraries = CudaLibraries.Load();
        var context = Context.Create(builder => builder.Cuda().EnableAlgorithms());
        var devices = context.GetCudaDevices();
        if (devices.Count == 0)
        {
            context.Dispose();
            throw new InvalidOperationException("No CUDA device found (ILGPU sees none); use --device cpu.");
        }
        return new CudaKernelBackend(context, devices[0].CreateCudaAccelerator(context), libraries);
    }

    public IKernelModel Fit(FeatureMatrix x, double[] targets, int columns, Kernel kernel, SolveOptions options,
        IProgress<KernelProgress>? progress = null, CancellationToken cancel = default)
    {
        KernelInputs.Validate(x, targets, columns, options);
        return options.Precision == Precision.Fp64
            ? CudaKernelModel<double>.Fit(this, x, targets, columns, kernel, options, progress, cancel)
            : CudaKernelModel<float>.Fit(this, x, targets, columns, kernel, options, progress, cancel);
    }

    internal CudaAccelerator Accelerator => _accelerator;
    internal ElementwiseKernels Kernels => _kernels;
    internal IntPtr Blas => _blas.Value;
    internal CusolverHandle Solver => _solver;

    /// <summary>Free and total device memory in bytes.</summary>
    public (long Free, long Total) MemoryInfo()
    {
        _accelerator.Bind();
        nuint free, total;
        CudaException.ThrowIfFailed("cudart", "cudaMemGetInfo", CudaNative.cudaMemGetInfo(&free, &total));
        return ((long)free, (long)total);
    }

    /// <summary>Waits for ILGPU's stream and for every library call issued on the device.</summary>
    internal void Synchronize()
    {
        _accelerator.Synchronize();
        CudaException.ThrowIfFailed("cudart", "cudaDeviceSynchronize", CudaNative.cudaDeviceSynchronize());
    }

    public void Dispose()
    {
        _solver.Dispose();
        _blas.Dispose();
        _accelerator.Dispose();
        _context.Dispose();
    }
}

/// <summary>A model fitted on the GPU; X, its norms and α stay on the device for prediction.</summary>
internal sealed unsafe class CudaKernelModel<T> : IKernelModel where T : unmanaged
{
    private readonly CudaKernelBackend _backend;
    private readonly MemoryBuffer1D<T, Stride1D.Dense> _x, _norms, _alpha;
    private readonly int _n, _d, _c;
    private readonly Kernel _kernel;

    private CudaKernelModel(CudaKernelBackend backend, MemoryBuffer1D<T, Stride1D.Dense> x, MemoryBuffer1D<T, Stride1D.Dense> norms,
        MemoryBuffer1D<T, Stride1D.Dense> alpha, int n, int d, int c, Kernel kernel, double[] alphaHost, SolveReport report)
    {
        _backend = backend;
        _x = x;
        _norms = norms;
        _alpha = alpha;
        _n = n;
        _d = d;
        _c = c;
        _kernel = kernel;
        Alpha = alphaHost;
        Report = report;
    }

    public SolveReport Report { get; }
    public double[] Alpha { get; }
    private static int Size => sizeof(T);
    private static bool Double => typeof(T) == typeof(double);
    private static int DataType => Double ? CudaNative.R64F : CudaNative.R32F;
    private static double Epsilon => Double ? Math.Pow(2, -52) : Math.Pow(2, -23);
    private const int TileColumns = 8192;

    public static CudaKernelModel<T> Fit(CudaKernelBackend backend, FeatureMatrix features, double[] targets, int c, Kernel kernel,
        SolveOptions options, IProgress<KernelProgress>? progress, CancellationToken cancel)
    {
        var accelerator = backend.Accelerator;
        accelerator.Bind();
        var n = features.Rows;
        var d = features.Columns;
        var timings = new Dictionary<string, double>();
        var watch = Stopwatch.StartNew();
        var needed = (long)n * n * Size + (long)n * d * Size + 4L * n * c * Size + 64L * n * Size + (256L << 20);
        var (free, _) = backend.MemoryInfo();
        if (needed > free)
        {
            var fit = (long)Math.Sqrt(Math.Max(0, free - (512L << 20)) / (double)Size);
            throw new InsufficientMemoryException(
                $"The kernel matrix for n = {n:N0} in {(Double ? "fp64" : "fp32")} needs {MemoryBudget.Gigabytes(needed)} of GPU memory; {MemoryBudget.Gigabytes(free)} free. " +
                $"Options: {(Double ? $"--precision fp32 (needs {MemoryBudget.Gigabytes(needed / 2)}), " : "")}a smaller --train (at most about {fit:N0} here), or --device cpu.");
        }

        // Host preparation in parallel: X (row-major n×d is the column-major d×n of the points), norms, Y.
        var xHost = new T[(long)n * d];
        Parallel.For(0, n, i => { for (var j = 0; j < d; j++) xHost[(long)i * d + j] = TiledGram.From<T>(features.Values[(long)i * d + j]); });
        var normsHost = features.SquaredNorms().Select(TiledGram.From<T>).ToArray();
        var yHost = targets.Select(TiledGram.From<T>).ToArray();
        timings["prepare"] = watch.Lap();

        var x = accelerator.Allocate1D(xHost);
        var norms = accelerator.Allocate1D(normsHost);
        using var y = accelerator.Allocate1D(yHost);
        var b = accelerator.Allocate1D<T>((long)n * c);
        using var diagonal = accelerator.Allocate1D<T>(n);
        try
        {
            using var k = accelerator.Allocate1D<T>((long)n * n);
            backend.Synchronize();
            timings["upload"] = watch.Lap();

            BuildGram(backend, x, norms, k, n, d, kernel, options.Ridge);
            backend.Kernels.Diagonal(k.View, diagonal.View, n, restore: false);
            backend.Synchronize();
            timings["gram"] = watch.Lap();
            progress?.Report(new KernelProgress("gram", 1));

            string method;
            string? note = null;
            int? rank = null;
            double? cutoff = null;
            var useEigen = options.Method == SolveMethod.Eigen || (options.Method == SolveMethod.Auto && kernel is LinearKernel && d < n);
            if (!useEigen)
            {
                progress?.Report(new KernelProgress("potrf", 0));
                var info = Potrf(backend, k, n);
                timings["potrf"] = watch.Lap();
                var pivot = info == 0 ? SmallPivot(backend, k, diagonal, n) : null;
                if (info == 0 && pivot is null)
                {
                    CopyDevice(y, b);
                    Potrs(backend, k, b, n, c);
                    timings["potrs"] = watch.Lap();
                    backend.Kernels.Diagonal(k.View, diagonal.View, n, restore: true);
                    method = "cholesky";
                }
                else
                {
                    if (options.Method == SolveMethod.Cholesky)
                        throw new ArithmeticException(info > 0 ? $"Cholesky failed: the leading minor of order {info} of K is not positive definite; use --method auto or eigen." : $"{pivot}; use --method auto or eigen.");
                    note = info > 0 ? $"Cholesky failed at order {info} (K not numerically positive definite): minimum-norm solution from the eigendecomposition." : $"{pivot}: minimum-norm solution from the eigendecomposition.";
                    useEigen = true;
                    BuildGram(backend, x, norms, k, n, d, kernel, options.Ridge);
                    method = "eigen";
                }
            }
            if (useEigen)
            {
                (rank, cutoff) = EigenSolve(backend, k, y, b, n, c, options);
                timings["syevd"] = watch.Lap();
                BuildGram(backend, x, norms, k, n, d, kernel, options.Ridge);
                method = "eigen";
            }
            else
            {
                method = "cholesky";
            }

            using var ka = accelerator.Allocate1D<T>((long)n * c);
            Symm(backend, k, b, ka, n, c);
            backend.Synchronize();
            var alphaHost = b.GetAsArray1D().Select(TiledGram.ToDouble).ToArray();
            var kaHost = ka.GetAsArray1D();
            var frobenius = FrobeniusNorm(backend, k, n);
            var metrics = SolveMetrics.Compute(alphaHost, i => TiledGram.ToDouble(kaHost[i]), targets, n, options.Ridge, frobenius, Epsilon);
            timings["residual"] = watch.Lap();
            var report = new SolveReport(backend.Name, $"{backend.Library} on {backend.Device}", Double ? "fp64" : "fp32", method, n, c, options.Ridge,
                metrics.RelativeResidual, metrics.BackwardErrorRatio, metrics.RkhsNorm, rank, cutoff, frobenius, metrics.AlphaNorm, timings, note);
            return new CudaKernelModel<T>(backend, x, norms, b, n, d, c, kernel, alphaHost, report);
        }
        catch
        {
            x.Dispose();
            norms.Dispose();
            b.Dispose();
            throw;
        }
    }

    /// <summary>K = k(XᵀX): one GEMM for the inner products (both triangles), then the ILGPU transform in column tiles.</summary>
    private static void BuildGram(CudaKernelBackend backend, MemoryBuffer1D<T, Stride1D.Dense> x, MemoryBuffer1D<T, Stride1D.Dense> norms,
        MemoryBuffer1D<T, Stride1D.Dense> k, int n, int d, Kernel kernel, double ridge)
    {
        Gemm(backend, CudaNative.OpT, CudaNative.OpN, n, n, d, (T*)x.NativePtr, d, (T*)x.NativePtr, d, (T*)k.NativePtr, n);
        CudaException.ThrowIfFailed("cudart", "cudaDeviceSynchronize", CudaNative.cudaDeviceSynchronize());
        for (var j0 = 0; j0 < n; j0 += TileColumns)
            backend.Kernels.Transform(k.View, n, n, Math.Min(TileColumns, n - j0), j0, norms.View, norms.View, kernel, ridge);
        backend.Accelerator.Synchronize();
    }

    private static void Gemm(CudaKernelBackend backend, int ta, int tb, long m, long nn, long kk, T* a, long lda, T* b, long ldb, T* c, long ldc)
    {
        int status;
        if (Double)
        {
            double one = 1, zero = 0;
            status = CudaNative.cublasDgemm(backend.Blas, ta, tb, m, nn, kk, &one, (double*)a, lda, (double*)b, ldb, &zero, (double*)c, ldc);
        }
        else
        {
            float one = 1, zero = 0;
            status = CudaNative.cublasSgemm(backend.Blas, ta, tb, m, nn, kk, &one, (float*)a, lda, (float*)b, ldb, &zero, (float*)c, ldc);
        }
        CudaException.ThrowIfFailed("cublas", Double ? "cublasDgemm_v2_64" : "cublasSgemm_v2_64", status);
    }

    private static void Symm(CudaKernelBackend backend, MemoryBuffer1D<T, Stride1D.Dense> k, MemoryBuffer1D<T, Stride1D.Dense> b, MemoryBuffer1D<T, Stride1D.Dense> result, int n, int c)
    {
        backend.Synchronize();
        int status;
        if (Double)
        {
            double one = 1, zero = 0;
            status = CudaNative.cublasDsymm(backend.Blas, CudaNative.Left, CudaNative.Upper, n, c, &one, (double*)k.NativePtr, n, (double*)b.NativePtr, n, &zero, (double*)result.NativePtr, n);
        }
        else
        {
            float one = 1, zero = 0;
            status = CudaNative.cublasSsymm(backend.Blas, CudaNative.Left, CudaNative.Upper, n, c, &one, (float*)k.NativePtr, n, (float*)b.NativePtr, n, &zero, (float*)result.NativePtr, n);
        }
        CudaException.ThrowIfFailed("cublas", "cublasXsymm_v2_64", status);
    }

    /// <summary>cusolverDnXpotrf on the lower triangle; returns info read back from the device.</summary>
    private static int Potrf(CudaKernelBackend backend, MemoryBuffer1D<T, Stride1D.Dense> k, int n)
    {
        backend.Synchronize();
        var solver = backend.Solver;
        nuint deviceBytes, hostBytes;
        CudaException.ThrowIfFailed("cusolver", "cusolverDnXpotrf_bufferSize", CudaNative.cusolverDnXpotrf_bufferSize(
            solver.Value, solver.Parameters, CudaNative.Lower, n, DataType, (void*)k.NativePtr, n, DataType, &deviceBytes, &hostBytes));
        using var work = backend.Accelerator.Allocate1D<byte>((long)Math.Max(deviceBytes, 1u));
        using var info = backend.Accelerator.Allocate1D<int>(1);
        var host = new byte[Math.Max((int)hostBytes, 1)];
        fixed (byte* h = host)
            CudaException.ThrowIfFailed("cusolver", "cusolverDnXpotrf", CudaNative.cusolverDnXpotrf(
                solver.Value, solver.Parameters, CudaNative.Lower, n, DataType, (void*)k.NativePtr, n, DataType,
                (void*)work.NativePtr, deviceBytes, h, hostBytes, (int*)info.NativePtr));
        backend.Synchronize();
        var value = info.GetAsArray1D()[0];
        LapackException.ThrowIfIllegal("cusolverDnXpotrf", value);
        return value;
    }

    private static void Potrs(CudaKernelBackend backend, MemoryBuffer1D<T, Stride1D.Dense> k, MemoryBuffer1D<T, Stride1D.Dense> b, int n, int c)
    {
        var solver = backend.Solver;
        using var info = backend.Accelerator.Allocate1D<int>(1);
        CudaException.ThrowIfFailed("cusolver", "cusolverDnXpotrs", CudaNative.cusolverDnXpotrs(
            solver.Value, solver.Parameters, CudaNative.Lower, n, c, DataType, (void*)k.NativePtr, n, DataType, (void*)b.NativePtr, n, (int*)info.NativePtr));
        backend.Synchronize();
        LapackException.ThrowIfIllegal("cusolverDnXpotrs", info.GetAsArray1D()[0]);
    }

    /// <summary>As on the CPU: a pivot at rounding level means K is singular to working precision.</summary>
    private static string? SmallPivot(CudaKernelBackend backend, MemoryBuffer1D<T, Stride1D.Dense> k, MemoryBuffer1D<T, Stride1D.Dense> scratch, int n)
    {
        using var pivots = backend.Accelerator.Allocate1D<T>(n);
        backend.Kernels.Diagonal(k.View, pivots.View, n, restore: false);
        backend.Accelerator.Synchronize();
        var squares = pivots.GetAsArray1D().Select(v => TiledGram.ToDouble(v) * TiledGram.ToDouble(v)).ToArray();
        var (min, max) = (squares.Min(), squares.Max());
        GC.KeepAlive(scratch);
        return min < 16 * Epsilon * max ? $"Cholesky pivot {Array.IndexOf(squares, min)} is {Math.Sqrt(min):G3}, at rounding level: K is singular to {(Double ? "fp64" : "fp32")} precision" : null;
    }

    private static (int Rank, double Cutoff) EigenSolve(CudaKernelBackend backend, MemoryBuffer1D<T, Stride1D.Dense> k, MemoryBuffer1D<T, Stride1D.Dense> y,
        MemoryBuffer1D<T, Stride1D.Dense> alpha, int n, int c, SolveOptions options)
    {
        var accelerator = backend.Accelerator;
        var solver = backend.Solver;
        backend.Synchronize();
        using var w = accelerator.Allocate1D<T>(n);
        nuint deviceBytes, hostBytes;
        CudaException.ThrowIfFailed("cusolver", "cusolverDnXsyevd_bufferSize", CudaNative.cusolverDnXsyevd_bufferSize(
            solver.Value, solver.Parameters, CudaNative.EigenVectors, CudaNative.Lower, n, DataType, (void*)k.NativePtr, n, DataType, (void*)w.NativePtr, DataType, &deviceBytes, &hostBytes));
        using var work = accelerator.Allocate1D<byte>((long)Math.Max(deviceBytes, 1u));
        using var info = accelerator.Allocate1D<int>(1);
        var host = new byte[Math.Max((int)hostBytes, 1)];
        fixed (byte* h = host)
            CudaException.ThrowIfFailed("cusolver", "cusolverDnXsyevd", CudaNative.cusolverDnXsyevd(
                solver.Value, solver.Parameters, CudaNative.EigenVectors, CudaNative.Lower, n, DataType, (void*)k.NativePtr, n, DataType, (void*)w.NativePtr, DataType,
                (void*)work.NativePtr, deviceBytes, h, hostBytes, (int*)info.NativePtr));
        backend.Synchronize();
        var status = info.GetAsArray1D()[0];
        LapackException.ThrowIfIllegal("cusolverDnXsyevd", status);
        if (status > 0) throw new ArithmeticException($"The GPU eigensolver did not converge ({status}).");
        var lambda = w.GetAsArray1D().Select(TiledGram.ToDouble).ToArray();
        var cutoff = (options.RankTolerance ?? n * Epsilon) * lambda.Max(Math.Abs);
        // α = V diag(1/λ over the cutoff) Vᵀ Y: two GEMMs on the device, the diagonal scaling on the host-sized n×c block.
        using var t = accelerator.Allocate1D<T>((long)n * c);
        Gemm(backend, CudaNative.OpT, CudaNative.OpN, n, c, n, (T*)k.NativePtr, n, (T*)y.NativePtr, n, (T*)t.NativePtr, n);
        backend.Synchronize();
        var tHost = t.GetAsArray1D();
        var rank = 0;
        for (var i = 0; i < n; i++)
        {
            var keep = lambda[i] > cutoff;
            if (keep) rank++;
            for (var j = 0; j < c; j++) tHost[(long)j * n + i] = TiledGram.From<T>(keep ? TiledGram.ToDouble(tHost[(long)j * n + i]) / lambda[i] : 0);
        }
        t.CopyFromCPU(tHost);
        Gemm(backend, CudaNative.OpN, CudaNative.OpN, n, c, n, (T*)k.NativePtr, n, (T*)t.NativePtr, n, (T*)alpha.NativePtr, n);
        backend.Synchronize();
        return (rank, cutoff);
    }

    /// <summary>‖K‖_F in column tiles (downloading one tile at a time).</summary>
    private static double FrobeniusNorm(CudaKernelBackend backend, MemoryBuffer1D<T, Stride1D.Dense> k, int n)
    {
        double sum = 0;
        var tile = Math.Max(1, (int)Math.Min(n, (64L << 20) / ((long)n * Size)));
        for (var j0 = 0; j0 < n; j0 += tile)
        {
            var count = Math.Min(tile, n - j0);
            var host = new T[(long)count * n];
            k.View.SubView((long)j0 * n, (long)count * n).CopyToCPU(host);
            foreach (var v in host) { var f = TiledGram.ToDouble(v); sum += f * f; }
        }
        return Math.Sqrt(sum);
    }

    private static void CopyDevice(MemoryBuffer1D<T, Stride1D.Dense> from, MemoryBuffer1D<T, Stride1D.Dense> to) => from.View.CopyTo(to.View);

    public double[] Predict(FeatureMatrix test, IProgress<KernelProgress>? progress = null, CancellationToken cancel = default)
    {
        if (test.Columns != _d) throw new ArgumentException($"Test points have {test.Columns} features; the model was fitted on {_d}.", nameof(test));
        test.EnsureFinite(nameof(test));
        var accelerator = _backend.Accelerator;
        accelerator.Bind();
        var m = test.Rows;
        var rows = Math.Max(1, Math.Min(m, (int)Math.Min(16384, (2L << 30) / ((long)_n * Size))));
        var scores = new double[(long)m * _c];
        using var xt = accelerator.Allocate1D<T>((long)rows * _d);
        using var tn = accelerator.Allocate1D<T>(rows);
        using var cross = accelerator.Allocate1D<T>((long)_n * rows);
        using var p = accelerator.Allocate1D<T>((long)rows * _c);
        var testNorms = test.SquaredNorms();
        for (var t0 = 0; t0 < m; t0 += rows)
        {
            cancel.ThrowIfCancellationRequested();
            var count = Math.Min(rows, m - t0);
            var tile = new T[(long)count * _d];
            Parallel.For(0, count, i => { for (var j = 0; j < _d; j++) tile[(long)i * _d + j] = TiledGram.From<T>(test.Values[(long)(t0 + i) * _d + j]); });
            xt.View.SubView(0, tile.LongLength).CopyFromCPU(tile);
            tn.View.SubView(0, count).CopyFromCPU(testNorms.AsSpan(t0, count).ToArray().Select(TiledGram.From<T>).ToArray());
            _backend.Synchronize();
            Gemm(_backend, CudaNative.OpT, CudaNative.OpN, _n, count, _d, (T*)_x.NativePtr, _d, (T*)xt.NativePtr, _d, (T*)cross.NativePtr, _n);
            CudaException.ThrowIfFailed("cudart", "cudaDeviceSynchronize", CudaNative.cudaDeviceSynchronize());
            _backend.Kernels.Transform(cross.View, _n, _n, count, 0, _norms.View, tn.View, _kernel);
            _backend.Accelerator.Synchronize();
            Gemm(_backend, CudaNative.OpT, CudaNative.OpN, count, _c, _n, (T*)cross.NativePtr, _n, (T*)_alpha.NativePtr, _n, (T*)p.NativePtr, count);
            _backend.Synchronize();
            var block = new T[(long)count * _c];
            p.View.SubView(0, block.LongLength).CopyToCPU(block);
            for (var j = 0; j < _c; j++)
                for (var i = 0; i < count; i++)
                    scores[(long)j * m + t0 + i] = TiledGram.ToDouble(block[(long)j * count + i]);
            progress?.Report(new KernelProgress("predict", (double)(t0 + count) / m));
        }
        return scores;
    }

    public void Dispose()
    {
        _x.Dispose();
        _norms.Dispose();
        _alpha.Dispose();
    }

}
