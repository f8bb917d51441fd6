using System.Diagnostics;
using Rethink.Kernels.Devices;

namespace Rethink.Kernels;

/// <summary>
/// The minimum-norm kernel interpolant α = K⁺Y (or (K + λI)⁻¹Y), computed once for every device from
/// its dense primitives (<see cref="IDenseDevice"/>): the Gram matrix and ‖K‖ before anything
/// overwrites it; Cholesky with a pivot check at rounding level; the eigendecomposition with a rank
/// cutoff when K is singular to working precision (exact duplicates, the linear kernel with d &lt; n);
/// the residual, backward-error ratio and RKHS norm; timings per phase. Every decision is taken from
/// values all processes share, so distributed devices stay in step.
/// </summary>
public sealed class MinimumNormSolver(IDenseDevice device)
{
    public IDenseDevice Device { get; } = device ?? throw new ArgumentNullException(nameof(device));

    /// <summary>
    /// Fits α with (K + λI) α = Y for Y given as n×c column-major targets. The model keeps the training
    /// points and α on the device for prediction.
    /// </summary>
    public KernelModel Fit(FeatureMatrix x, double[] targets, int columns, Kernel kernel, SolveOptions options,
        IProgress<KernelProgress>? progress = null, CancellationToken cancel = default)
    {
        KernelInputs.Validate(x, targets, columns, options);
        return Fit(() => Device.UploadPoints(x), x.Rows, x.Columns, (long)x.Rows * x.Columns, targets, columns, kernel, options, progress, cancel);
    }

    /// <summary>
    /// The same solve when the training points are known only by their inner products (a streamed
    /// feature map): K is built from the stored Gram and squared norms.
    /// </summary>
    public KernelModel Fit(InnerProducts.IInnerProducts train, double[] targets, int columns, Kernel kernel, SolveOptions options,
        IProgress<KernelProgress>? progress = null, CancellationToken cancel = default)
    {
        ArgumentNullException.ThrowIfNull(train);
        if (!train.Symmetric) throw new ArgumentException("Training needs the symmetric Gram of the training points, not cross products.", nameof(train));
        KernelInputs.ValidateTargets(train.Rows, targets, columns, options);
        // Only the squared norms live on the device; the products are read from the host tile by tile.
        return Fit(() => Device.UploadProducts(train), train.Rows, train.Dimension, train.Rows, targets, columns, kernel, options, progress, cancel);
    }

    // pointValues: values the uploaded points take in device memory (coordinates, or only the norms of stored products).
    private KernelModel Fit(Func<IDevicePoints> upload, int n, int dim, long pointValues, double[] targets, int columns, Kernel kernel, SolveOptions options,
        IProgress<KernelProgress>? progress, CancellationToken cancel)
    {
        ArgumentNullException.ThrowIfNull(kernel);
        var d = Device;
        var c = columns;
        var epsilon = d.Precision == Precision.Fp64 ? Math.Pow(2, -52) : Math.Pow(2, -23);
        var timings = new Dictionary<string, double>();
        var watch = Stopwatch.StartNew();
        void Phase(string name)
        {
            d.Synchronize();
            timings[name] = timings.GetValueOrDefault(name) + watch.Elapsed.TotalSeconds;
            watch.Restart();
        }

        d.EnsureCapacity(new MemoryRequest("The kernel matrix", n, [(n, n), (pointValues, 1), (n, c), (n, c), (n, c)]));
        var points = upload();
        IDeviceMatrix? alpha = null;
        try
        {
            using var y = d.Upload(targets, n, c);
            alpha = d.Allocate(n, c);
            Phase("upload");

            using var k = d.Allocate(n, n);
            var kernelNorm = d.Gram(points, kernel, options.Ridge, k, options.TileColumns, timings, progress, cancel);
            var diagonal = d.Diagonal(k);
            Phase("gram");

            string? note = null;
            int? rank = null;
            double? cutoff = null;
            SolveMethod method;
            var useEigen = options.Method == SolveMethod.Eigen || (options.Method == SolveMethod.Auto && kernel is LinearKernel && dim < n);
            if (useEigen && options.Method == SolveMethod.Auto)
                note = $"linear kernel with d = {dim} < n = {n}: K has rank at most d, so the minimum-norm solution comes from the eigendecomposition.";
            if (!useEigen)
            {
                progress?.Report(new KernelProgress("potrf", 0));
                var info = d.Potrf(k);
                var pivot = info == 0 ? SmallPivot(d.Diagonal(k), epsilon, d.Precision) : null;
                Phase("potrf");
                if (info == 0 && pivot is null)
                {
                    d.Copy(y, alpha);
                    d.Potrs(k, alpha);
                    // The strict upper triangle still holds K: with its diagonal back, K is whole there.
                    d.SetDiagonal(k, diagonal);
                    Phase("potrs");
                }
                else
                {
                    if (options.Method == SolveMethod.Cholesky)
                        throw new ArithmeticException(info > 0
                            ? $"Cholesky failed: the leading minor of order {info} of K is not positive definite (duplicate points or a singular kernel); use --method auto or eigen."
                            : $"Cholesky succeeded only numerically: {pivot}; use --method auto or eigen.");
                    note = info > 0
                        ? $"Cholesky failed at order {info} (K not numerically positive definite): minimum-norm solution from the eigendecomposition."
                        : $"{pivot}: minimum-norm solution from the eigendecomposition.";
                    useEigen = true;
                    d.Gram(points, kernel, options.Ridge, k, options.TileColumns, null, progress, cancel);
                    Phase("gram-rebuild");
                }
            }
            if (useEigen)
            {
                d.EnsureCapacity(new MemoryRequest("K is not numerically positive definite, and the minimum-norm eigendecomposition (K, eigenvectors and workspace)", n,
                    [(n, c)], EigenWorkspace: true,
                    // FP32 rounding perturbs K by about sqrt(n)·6e-8·‖K‖, so a ridge that restores definiteness is larger there.
                    Remedies: $"a small --ridge (e.g. {(d.Precision == Precision.Fp32 ? "1e-3" : "1e-8")}), "));
                progress?.Report(new KernelProgress("syevd", 0));
                var lambda = new double[n];
                var info = d.Syevd(k, lambda);
                if (info > 0) throw new ArithmeticException($"The symmetric eigensolver did not converge ({info} off-diagonal elements); the kernel matrix may contain NaN.");
                Phase("syevd");
                var max = lambda.Max(Math.Abs);
                cutoff = (options.RankTolerance ?? n * epsilon) * max;
                var inverse = lambda.Select(l => l > cutoff ? 1 / l : 0).ToArray();
                rank = inverse.Count(v => v != 0);
                // α = V · diag(1/λ over the cutoff) · Vᵀ · Y.
                using (var t = d.Allocate(n, c))
                {
                    d.Gemm(true, false, k, y, t);
                    d.ScaleRows(t, inverse);
                    d.Gemm(false, false, k, t, alpha);
                }
                Phase("eigen-solve");
                d.Gram(points, kernel, options.Ridge, k, options.TileColumns, null, progress, cancel);
                Phase("gram-rebuild");
                method = SolveMethod.Eigen;
            }
            else
            {
                method = SolveMethod.Cholesky;
            }

            // Residual (K + λI)α − Y, and αᵀKα for the RKHS norm, from the intact triangle of K.
            progress?.Report(new KernelProgress("residual", 0));
            double[] alphaHost, kaHost;
            using (var ka = d.Allocate(n, c))
            {
                d.Symm(useEigen ? Triangle.Lower : Triangle.Upper, k, alpha, ka);
                alphaHost = d.Download(alpha);
                kaHost = d.Download(ka);
            }
            var metrics = SolveMetrics.Compute(alphaHost, i => kaHost[i], targets, n, options.Ridge, kernelNorm, epsilon);
            Phase("residual");

            IReadOnlyList<IReadOnlyDictionary<string, double>>? perProcess = null;
            if (d.ProcessCount > 1)
            {
                var names = timings.Keys.ToArray();
                perProcess = d.AllProcesses(names.Select(name => timings[name]).ToArray())
                    .Select(values => (IReadOnlyDictionary<string, double>)names.Select((name, i) => (name, values[i])).ToDictionary(p => p.name, p => p.Item2))
                    .ToList();
            }
            var report = new SolveReport(d.Backend, d.Library, d.Hardware, d.Precision, method, n, c, options.Ridge,
                metrics.RelativeResidual, metrics.BackwardErrorRatio, metrics.RkhsNorm, rank, cutoff, kernelNorm, metrics.AlphaNorm, timings, note,
                d.ProcessCount, perProcess);
            var model = new KernelModel(d, points, alpha, kernel, alphaHost, report, options);
            points = null!;
            alpha = null;
            return model;
        }
        finally
        {
            alpha?.Dispose();
            points?.Dispose();
        }
    }

    /// <summary>
    /// Checks the Cholesky factor for a pivot at rounding level (Lᵢᵢ² &lt; 16·ε·max Lⱼⱼ²): potrf can
    /// "succeed" on a PSD rank-deficient matrix (exact duplicates) through rounding, and the resulting α
    /// is noise. Merely ill-conditioned K (near-duplicate MNIST digits give pivots of 10⁻³–10⁻⁴) passes:
    /// LAPACK's pstrf default n·ε would reject full MNIST in FP32, which interpolates fine. Returns a
    /// description, or null when the factor is sound.
    /// </summary>
    internal static string? SmallPivot(double[] factorDiagonal, double epsilon, Precision precision)
    {
        double minSq = double.PositiveInfinity, maxSq = 0;
        var at = 0;
        for (var i = 0; i < factorDiagonal.Length; i++)
        {
            var sq = factorDiagonal[i] * factorDiagonal[i];
            if (sq < minSq) { minSq = sq; at = i; }
            maxSq = Math.Max(maxSq, sq);
        }
        return minSq < 16 * epsilon * maxSq
            ? $"Cholesky pivot {at} is {Math.Sqrt(minSq):G3}, at rounding level (below 4*sqrt(eps) of the largest): K is singular to {precision.ToString().ToLowerInvariant()} precision"
            : null;
    }
}
