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
    /// <summary>The device every solve of this solver runs on.</summary>
    public IDenseDevice Device { get; } = device ?? throw new ArgumentNullException(nameof(device));

    /// <summary>What a solve of n points holds at once: K, the points on the device, the targets, α and a residual.</summary>
    private static MemoryRequest KernelMatrix(int n, long pointValues, int classes) =>
        new("The kernel matrix", n, [(n, n), (pointValues, 1), (n, classes), (n, classes), (n, classes)]);

    /// <summary>
    /// The largest n this device solves exactly, asked of its own memory check (the one every solve makes first): with
    /// <paramref name="valuesPerPoint"/> coordinates a point on the device (0 for stored inner products) and
    /// <paramref name="classes"/> target columns. With <paramref name="eigen"/>, the largest n whose eigendecomposition
    /// fallback also fits (K, its eigenvectors and the workspace).
    /// </summary>
    public static int LargestN(IDenseDevice device, int valuesPerPoint, int classes, bool eigen = false)
    {
        bool Fits(int n)
        {
            try
            {
                device.EnsureCapacity(eigen
                    ? new MemoryRequest("K and its eigendecomposition", n, [(n, n), ((long)n * valuesPerPoint, 1), (n, classes)], EigenWorkspace: true)
                    : KernelMatrix(n, (long)n * valuesPerPoint, classes));
                return true;
            }
            catch (InsufficientMemoryException)
            {
                return false;
            }
        }
        if (!Fits(1)) return 0;
        // 2²⁸ points would need 580 PB for K alone: far beyond any device, and the byte counts stay within a long.
        var (low, high) = (1, 1 << 28);
        while (low < high)
        {
            var middle = low + (int)(((long)high - low + 1) / 2);
            if (Fits(middle)) low = middle;
            else high = middle - 1;
        }
        return low;
    }

    /// <summary>
    /// Fits α with (K + λI) α = Y. The training points are given by their coordinates or by their stored
    /// inner products (a streamed feature map's Gram: K is then built from the products and squared norms).
    /// The model keeps the training operand and α on the device for prediction.
    /// </summary>
    /// <param name="train">The training points, n of them.</param>
    /// <param name="targets">Y, n×c.</param>
    /// <param name="kernel">The kernel.</param>
    /// <param name="options">Precision, ridge, method and tiling (default: FP64, exact interpolation, Cholesky with the eigen fallback).</param>
    /// <param name="progress">Phase progress.</param>
    /// <param name="cancel">Cancellation between phases and tiles.</param>
    public KernelModel Fit(KernelOperand train, Targets targets, Kernel kernel, SolveOptions? options = null,
        IProgress<KernelProgress>? progress = null, CancellationToken cancel = default)
    {
        ArgumentNullException.ThrowIfNull(train);
        ArgumentNullException.ThrowIfNull(targets);
        ArgumentNullException.ThrowIfNull(kernel);
        options ??= new SolveOptions();
        options.Validate();
        if (train is KernelOperand.Products { Values.Symmetric: false })
            throw new ArgumentException("Training needs the symmetric Gram of the training points, not cross products.", nameof(train));
        if (train.Count < 1) throw new ArgumentException("No training points.", nameof(train));
        if (targets.Rows != train.Count) throw new ArgumentException($"Targets have {targets.Rows} rows; there are {train.Count} training points.", nameof(targets));
        train.EnsureFinite("training");
        return Fit(train, targets.Values, targets.Columns, kernel, options, progress, cancel);
    }

    private KernelModel Fit(KernelOperand train, double[] targets, int columns, Kernel kernel, SolveOptions options,
        IProgress<KernelProgress>? progress, CancellationToken cancel)
    {
        var (n, dim, pointValues) = (train.Count, train.Dimension, train.DeviceValues);
        ArgumentNullException.ThrowIfNull(kernel);
        var d = Device;
        var c = columns;
        var epsilon = d.Precision == Precision.Fp64 ? Math.Pow(2, -52) : Math.Pow(2, -23);
        var timings = new SolveTimings.Builder();
        var watch = Stopwatch.StartNew();
        void Phase(Action<SolveTimings.Builder, double> phase)
        {
            d.Synchronize();
            phase(timings, watch.Elapsed.TotalSeconds);
            watch.Restart();
        }

        d.EnsureCapacity(KernelMatrix(n, pointValues, c));
        var points = d.Upload(train);
        IDeviceMatrix? alpha = null;
        try
        {
            using var y = d.Upload(targets, n, c);
            alpha = d.Allocate(n, c);
            Phase((t, s) => t.Upload += s);

            using var k = d.Allocate(n, n);
            var build = d.Gram(points, kernel, options.Ridge, k, options.TileColumns, progress, cancel);
            var kernelNorm = build.Norm;
            timings.GramProducts += build.ProductsSeconds;
            timings.GramTransform += build.TransformSeconds + build.MirrorSeconds;
            var diagonal = d.Diagonal(k);
            Phase((t, s) => t.Gram += s);

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
                Phase((t, s) => t.Potrf += s);
                if (info == 0 && pivot is null)
                {
                    d.Copy(y, alpha);
                    d.Potrs(k, alpha);
                    // The strict upper triangle still holds K: with its diagonal back, K is whole there.
                    d.SetDiagonal(k, diagonal);
                    Phase((t, s) => t.Potrs += s);
                }
                else
                {
                    if (options.Method == SolveMethod.Cholesky)
                        throw new SolveFailedException(info > 0
                            ? $"Cholesky failed: the leading minor of order {info} of K is not positive definite (duplicate points or a singular kernel); the auto or eigen method solves a singular K."
                            : $"Cholesky succeeded only numerically: {pivot}; the auto or eigen method solves a singular K.");
                    note = info > 0
                        ? $"Cholesky failed at order {info} (K not numerically positive definite): minimum-norm solution from the eigendecomposition."
                        : $"{pivot}: minimum-norm solution from the eigendecomposition.";
                    useEigen = true;
                    d.Gram(points, kernel, options.Ridge, k, options.TileColumns, progress, cancel);
                    Phase((t, s) => t.GramRebuild += s);
                }
            }
            if (useEigen)
            {
                d.EnsureCapacity(new MemoryRequest("K is not numerically positive definite, and the minimum-norm eigendecomposition (K, eigenvectors and workspace)", n,
                    [(n, c)], EigenWorkspace: true,
                    // FP32 rounding perturbs K by about sqrt(n)·6e-8·‖K‖, so a ridge that restores definiteness is larger there.
                    Remedies: $"a small ridge (e.g. {(d.Precision == Precision.Fp32 ? "1e-3" : "1e-8")}), "));
                progress?.Report(new KernelProgress("syevd", 0));
                var lambda = new double[n];
                var info = d.Syevd(k, lambda);
                if (info > 0) throw new SolveFailedException($"The symmetric eigensolver did not converge ({info} off-diagonal elements); the kernel matrix may contain NaN.");
                Phase((t, s) => t.Syevd += s);
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
                Phase((t, s) => t.EigenSolve += s);
                d.Gram(points, kernel, options.Ridge, k, options.TileColumns, progress, cancel);
                Phase((t, s) => t.GramRebuild += s);
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
            Phase((t, s) => t.Residual += s);

            var mine = timings.Build();
            IReadOnlyList<SolveTimings>? perProcess = d.ProcessCount > 1 ? d.AllProcesses(mine.ToArray()).Select(SolveTimings.FromArray).ToList() : null;
            var report = new SolveReport(d.Backend, d.Library, d.Hardware, d.Precision, method, n, c, options.Ridge,
                metrics.RelativeResidual, metrics.BackwardErrorRatio, metrics.RkhsNorm, rank, cutoff, kernelNorm, metrics.AlphaNorm, mine, note,
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

/// <summary>
/// The solve asked for cannot be done on this kernel matrix (Cholesky of a K that is not positive definite, an
/// eigensolver that did not converge): a property of the data, kernel and method chosen, told in one line with
/// what would work.
/// </summary>
public sealed class SolveFailedException(string message) : ArithmeticException(message);
