using Rethink.Core;
using System.Diagnostics;
using Rethink.Kernels.Native;

namespace Rethink.Kernels;

/// <summary>
/// The CPU backend on the system's BLAS/LAPACK (OpenBLAS on Debian with libopenblas0-pthread): K
/// built in tiles in native memory, Cholesky (potrf/potrs) in FP32 or FP64, the eigendecomposition
/// (syevd) for the minimum-norm solution of singular systems, and tiled prediction.
/// </summary>
public sealed class LapackKernelBackend : IKernelBackend
{
    private LapackKernelBackend(string library) => Library = library;

    public string Name => "lapack";
    public string Library { get; }

    /// <summary>Loads BLAS/LAPACK; throws <see cref="NativeLibraryMissingException"/> when neither loads.</summary>
    public static LapackKernelBackend Create()
    {
        var (blas, lapack) = NativeLinearAlgebra.Probe();
        return new LapackKernelBackend(blas == lapack ? blas : $"{blas}; {lapack}");
    }

    public IKernelModel Fit(FeatureMatrix x, double[] targets, int columns, Kernel kernel, SolveOptions options,
        IProgress<KernelProgress>? progress = null, CancellationToken cancel = default)
    {
        KernelInputs.Validate(x, targets, columns, options);
        return options.Precision == Precision.Fp64
            ? LapackKernelModel<double>.Fit(this, x, targets, columns, kernel, options, progress, cancel)
            : LapackKernelModel<float>.Fit(this, x, targets, columns, kernel, options, progress, cancel);
    }
}

/// <summary>A model fitted on the LAPACK backend in precision <typeparamref name="T"/>.</summary>
internal sealed unsafe class LapackKernelModel<T> : IKernelModel where T : unmanaged
{
    private readonly NativeBuffer<T> _x;
    private readonly T[] _norms;
    private readonly int _n, _d, _c;
    private readonly Kernel _kernel;
    private readonly int _tile;

    private LapackKernelModel(NativeBuffer<T> x, T[] norms, int n, int d, int c, Kernel kernel, int tile, double[] alpha, SolveReport report)
    {
        _x = x;
        _norms = norms;
        _n = n;
        _d = d;
        _c = c;
        _kernel = kernel;
        _tile = tile;
        Alpha = alpha;
        Report = report;
    }

    public SolveReport Report { get; }
    public double[] Alpha { get; }
    private static int Size => sizeof(T);
    private static string PrecisionName => typeof(T) == typeof(double) ? "fp64" : "fp32";

    public static LapackKernelModel<T> Fit(LapackKernelBackend backend, FeatureMatrix features, double[] targets, int c, Kernel kernel,
        SolveOptions options, IProgress<KernelProgress>? progress, CancellationToken cancel)
    {
        var n = features.Rows;
        var d = features.Columns;
        var precision = options.Precision;
        var timings = new Dictionary<string, double>();
        var watch = Stopwatch.StartNew();
        MemoryBudget.Require((long)n * n * Size + 4L * n * c * Size + (long)n * d * Size, n, precision, "The kernel matrix");

        var x = Copy(features);
        var norms = Norms(features);
        using var k = new NativeBuffer<T>((long)n * n);
        var diagonal = new T[n];
        var y = new NativeBuffer<T>((long)n * c);
        using var b = new NativeBuffer<T>((long)n * c);
        try
        {
            for (long i = 0; i < (long)n * c; i++) y.Pointer[i] = TiledGram.From<T>(targets[i]);
            timings["prepare"] = watch.Lap();

            var frobenius = TiledGram.BuildSymmetric(x.Pointer, n, d, norms, kernel, options.Ridge, k.Pointer, options.TileColumns, progress, cancel);
            for (var i = 0; i < n; i++) diagonal[i] = k.Pointer[(long)i * n + i];
            timings["gram"] = watch.Lap();

            string method;
            string? note = null;
            int? rank = null;
            double? cutoff = null;
            var useEigen = options.Method == SolveMethod.Eigen || (options.Method == SolveMethod.Auto && kernel is LinearKernel && d < n);
            if (useEigen && options.Method == SolveMethod.Auto) note = $"linear kernel with d = {d} < n = {n}: K has rank at most d, so the minimum-norm solution comes from the eigendecomposition.";
            if (!useEigen)
            {
                progress?.Report(new KernelProgress("potrf", 0));
                var info = NativeLinearAlgebra.Potrf(n, k.Pointer, n);
                timings["potrf"] = watch.Lap();
                var pivotProblem = info == 0 ? SmallPivot(k.Pointer, n) : null;
                if (info == 0 && pivotProblem is null)
                {
                    Buffer.MemoryCopy(y.Pointer, b.Pointer, (long)n * c * Size, (long)n * c * Size);
                    NativeLinearAlgebra.Potrs(n, c, k.Pointer, n, b.Pointer, n);
                    timings["potrs"] = watch.Lap();
                    // potrf('L') leaves the strict upper triangle alone: restore the diagonal and K is whole again there.
                    for (var i = 0; i < n; i++) k.Pointer[(long)i * n + i] = diagonal[i];
                    method = "cholesky";
                }
                else
                {
                    if (options.Method == SolveMethod.Cholesky)
                        throw new ArithmeticException(info > 0
                            ? $"Cholesky failed: the leading minor of order {info} of K is not positive definite (duplicate points or a singular kernel); use --method auto or eigen."
                            : $"Cholesky succeeded only numerically: {pivotProblem}; use --method auto or eigen.");
                    note = info > 0
                        ? $"Cholesky failed at order {info} (K not numerically positive definite): minimum-norm solution from the eigendecomposition."
                        : $"{pivotProblem}: minimum-norm solution from the eigendecomposition.";
                    useEigen = true;
                    TiledGram.BuildSymmetric(x.Pointer, n, d, norms, kernel, options.Ridge, k.Pointer, options.TileColumns, progress, cancel);
                    timings["gram-rebuild"] = watch.Lap();
                }
            }
            if (useEigen)
            {
                (rank, cutoff) = EigenSolve(k, y, b, n, c, options, timings, watch, progress);
                TiledGram.BuildSymmetric(x.Pointer, n, d, norms, kernel, options.Ridge, k.Pointer, options.TileColumns, progress, cancel);
                timings["gram-rebuild"] = timings.GetValueOrDefault("gram-rebuild") + watch.Lap();
                method = "eigen";
            }
            else
            {
                method = "cholesky";
            }

            // Residual (K + λI)α − Y with K from the intact upper triangle, and αᵀKα for the RKHS norm.
            progress?.Report(new KernelProgress("residual", 0));
            using var ka = new NativeBuffer<T>((long)n * c);
            NativeLinearAlgebra.Symm(useEigen ? 'L' : 'U', n, c, TiledGram.One<T>(), k.Pointer, n, b.Pointer, n, TiledGram.Zero<T>(), ka.Pointer, n);
            var alpha = new double[(long)n * c];
            for (long i = 0; i < alpha.LongLength; i++) alpha[i] = TiledGram.ToDouble(b.Pointer[i]);
            var metrics = SolveMetrics.Compute(alpha, i => TiledGram.ToDouble(ka.Pointer[i]), targets, n, options.Ridge, frobenius, Epsilon);
            timings["residual"] = watch.Lap();

            var report = new SolveReport(backend.Name, backend.Library, PrecisionName, method, n, c, options.Ridge,
                metrics.RelativeResidual, metrics.BackwardErrorRatio, metrics.RkhsNorm, rank, cutoff, frobenius, metrics.AlphaNorm, timings, note);
            var model = new LapackKernelModel<T>(x, norms, n, d, c, kernel, options.TileColumns, alpha, report);
            x = null!;
            return model;
        }
        finally
        {
            y.Dispose();
            x?.Dispose();
        }
    }

    /// <summary>
    /// Checks the Cholesky factor for a pivot at rounding level (Lᵢᵢ² &lt; 16·ε·max Lⱼⱼ²): potrf can
    /// "succeed" on a PSD rank-deficient matrix (exact duplicates) through rounding, and the resulting α
    /// is noise. Merely ill-conditioned K (near-duplicate MNIST digits give pivots of 10⁻³–10⁻⁴) passes:
    /// LAPACK's pstrf default n·ε would reject full MNIST in FP32, which interpolates fine. Returns a
    /// description, or null when the factor is sound.
    /// </summary>
    private static string? SmallPivot(T* l, int n)
    {
        double minSq = double.PositiveInfinity, maxSq = 0;
        var at = 0;
        for (var i = 0; i < n; i++)
        {
            var v = TiledGram.ToDouble(l[(long)i * n + i]);
            var sq = v * v;
            if (sq < minSq) { minSq = sq; at = i; }
            maxSq = Math.Max(maxSq, sq);
        }
        return minSq < 16 * Epsilon * maxSq
            ? $"Cholesky pivot {at} is {Math.Sqrt(minSq):G3}, at rounding level (below 4*sqrt(eps) of the largest): K is singular to {PrecisionName} precision"
            : null;
    }

    private static (int Rank, double Cutoff) EigenSolve(NativeBuffer<T> k, NativeBuffer<T> y, NativeBuffer<T> alpha, int n, int c,
        SolveOptions options, Dictionary<string, double> timings, Stopwatch watch, IProgress<KernelProgress>? progress)
    {
        MemoryBudget.Require(3L * n * n * Size, n, options.Precision,
            "K is not numerically positive definite, and the minimum-norm eigendecomposition (K, eigenvectors and workspace)",
            // FP32 rounding perturbs K by about sqrt(n)·6e-8·‖K‖, so a ridge that restores definiteness is larger there.
            $"a small --ridge (e.g. {(Size == sizeof(float) ? "1e-3" : "1e-8")}), ");
        progress?.Report(new KernelProgress("syevd", 0));
        var w = new T[n];
        fixed (T* pw = w)
        {
            var info = NativeLinearAlgebra.Syevd(n, k.Pointer, n, pw);
            if (info > 0) throw new ArithmeticException($"The symmetric eigensolver did not converge ({info} off-diagonal elements); the kernel matrix may contain NaN.");
        }
        timings["syevd"] = watch.Lap();
        var lambda = w.Select(TiledGram.ToDouble).ToArray();
        var max = lambda.Max(Math.Abs);
        var relative = options.RankTolerance ?? n * Epsilon;
        var cutoff = relative * max;
        // α = V · diag(1/λ for λ > cutoff) · Vᵀ · Y.
        using var t = new NativeBuffer<T>((long)n * c);
        NativeLinearAlgebra.Gemm('T', 'N', n, c, n, TiledGram.One<T>(), k.Pointer, n, y.Pointer, n, TiledGram.Zero<T>(), t.Pointer, n);
        var rank = 0;
        for (var i = 0; i < n; i++)
        {
            var keep = lambda[i] > cutoff;
            if (keep) rank++;
            var scale = keep ? 1 / lambda[i] : 0;
            for (var j = 0; j < c; j++) t.Pointer[(long)j * n + i] = TiledGram.From<T>(TiledGram.ToDouble(t.Pointer[(long)j * n + i]) * scale);
        }
        NativeLinearAlgebra.Gemm('N', 'N', n, c, n, TiledGram.One<T>(), k.Pointer, n, t.Pointer, n, TiledGram.Zero<T>(), alpha.Pointer, n);
        timings["eigen-solve"] = watch.Lap();
        return (rank, cutoff);
    }

    public double[] Predict(FeatureMatrix test, IProgress<KernelProgress>? progress = null, CancellationToken cancel = default)
    {
        if (test.Columns != _d) throw new ArgumentException($"Test points have {test.Columns} features; the model was fitted on {_d}.", nameof(test));
        test.EnsureFinite(nameof(test));
        var m = test.Rows;
        var scores = new double[(long)m * _c];
        var rows = Math.Max(1, Math.Min(m, (int)Math.Min(2048, (256L << 20) / Math.Max(1, (long)_n * Size))));
        MemoryBudget.Require((long)_n * rows * Size + (long)_d * rows * Size, _n, Report.Precision == "fp64" ? Precision.Fp64 : Precision.Fp32, "A prediction tile");
        using var xt = new NativeBuffer<T>((long)rows * _d);
        using var cross = new NativeBuffer<T>((long)_n * rows);
        using var alpha = new NativeBuffer<T>((long)_n * _c);
        using var p = new NativeBuffer<T>((long)rows * _c);
        for (long i = 0; i < alpha.Length; i++) alpha.Pointer[i] = TiledGram.From<T>(Alpha[i]);
        var testNorms = Norms(test);
        for (var t0 = 0; t0 < m; t0 += rows)
        {
            cancel.ThrowIfCancellationRequested();
            var count = Math.Min(rows, m - t0);
            for (long i = 0; i < (long)count * _d; i++) xt.Pointer[i] = TiledGram.From<T>(test.Values[(long)t0 * _d + i]);
            TiledGram.BuildCross(_x.Pointer, _n, xt.Pointer, count, _d, _norms, testNorms.AsSpan(t0, count), _kernel, cross.Pointer);
            NativeLinearAlgebra.Gemm('T', 'N', count, _c, _n, TiledGram.One<T>(), cross.Pointer, _n, alpha.Pointer, _n, TiledGram.Zero<T>(), p.Pointer, count);
            for (var j = 0; j < _c; j++)
                for (var i = 0; i < count; i++)
                    scores[(long)j * m + t0 + i] = TiledGram.ToDouble(p.Pointer[(long)j * count + i]);
            progress?.Report(new KernelProgress("predict", (double)(t0 + count) / m));
        }
        return scores;
    }

    public void Dispose() => _x.Dispose();

    private static double Epsilon => typeof(T) == typeof(double) ? Math.Pow(2, -52) : Math.Pow(2, -23);


    private static NativeBuffer<T> Copy(FeatureMatrix features)
    {
        var buffer = new NativeBuffer<T>(features.Values.LongLength);
        var address = (nint)buffer.Pointer;
        var values = features.Values;
        var d = features.Columns;
        Parallel.For(0, features.Rows, i =>
        {
            var dst = (T*)address + (long)i * d;
            for (var j = 0; j < d; j++) dst[j] = TiledGram.From<T>(values[(long)i * d + j]);
        });
        return buffer;
    }

    private static T[] Norms(FeatureMatrix features) => features.SquaredNorms().Select(TiledGram.From<T>).ToArray();
}
