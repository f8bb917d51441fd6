using Rethink.Core;
using System.Diagnostics;
using MathNet.Numerics.LinearAlgebra;

namespace Rethink.Kernels;

/// <summary>
/// The fallback backend on MathNet.Numerics' managed linear algebra, used only when no native
/// BLAS/LAPACK loads (or when chosen explicitly, e.g. to cross-check the native one). It computes in
/// FP64 whatever precision is asked, keeps K in a .NET array (so n ≤ 46,340), and its Cholesky is
/// about 27× slower than OpenBLAS.
/// </summary>
public sealed class ManagedKernelBackend : IKernelBackend
{
    public const int MaxN = 46_340;
    public string Name => "managed";
    public string Library => "MathNet.Numerics 5.0.0 (managed)";

    public IKernelModel Fit(FeatureMatrix x, double[] targets, int columns, Kernel kernel, SolveOptions options,
        IProgress<KernelProgress>? progress = null, CancellationToken cancel = default)
    {
        KernelInputs.Validate(x, targets, columns, options);
        var n = x.Rows;
        if (n > MaxN) throw new InsufficientMemoryException($"The managed backend keeps K in one .NET array and handles n <= {MaxN:N0}; n = {n:N0}. Install OpenBLAS (sudo apt-get install libopenblas0-pthread) for the native backend.");
        MemoryBudget.Require(3L * n * n * 8, n, Precision.Fp64, "The managed kernel matrix (K and its factor)");
        var timings = new Dictionary<string, double>();
        var watch = Stopwatch.StartNew();
        var kernelMatrix = BuildGram(kernel, x, x);
        if (options.Ridge != 0) for (var i = 0; i < n; i++) kernelMatrix[i, i] += options.Ridge;
        var frobenius = kernelMatrix.FrobeniusNorm();
        timings["gram"] = watch.Lap();
        progress?.Report(new KernelProgress("gram", 1));

        var y = Matrix<double>.Build.Dense(n, columns, targets);
        Matrix<double> alpha;
        string method;
        string? note = null;
        int? rank = null;
        double? cutoff = null;
        var useEigen = options.Method == SolveMethod.Eigen || (options.Method == SolveMethod.Auto && kernel is LinearKernel && x.Columns < n);
        if (!useEigen)
        {
            try
            {
                var cholesky = kernelMatrix.Cholesky();
                var minPivot = Enumerable.Range(0, n).Min(i => cholesky.Factor[i, i] * cholesky.Factor[i, i]);
                var maxPivot = Enumerable.Range(0, n).Max(i => cholesky.Factor[i, i] * cholesky.Factor[i, i]);
                if (minPivot < 16 * Epsilon * maxPivot) throw new ArgumentException("a Cholesky pivot is at rounding level: K is singular to double precision");
                alpha = cholesky.Solve(y);
                method = "cholesky";
                timings["cholesky"] = watch.Lap();
            }
            catch (ArgumentException e) when (options.Method == SolveMethod.Auto)
            {
                note = $"Cholesky failed ({e.Message}): minimum-norm solution from the eigendecomposition.";
                useEigen = true;
                alpha = null!;
                method = "eigen";
            }
        }
        else
        {
            alpha = null!;
            method = "eigen";
        }
        if (useEigen)
        {
            var evd = kernelMatrix.Evd(Symmetricity.Symmetric);
            var lambda = evd.EigenValues.Select(v => v.Real).ToArray();
            cutoff = (options.RankTolerance ?? n * Epsilon) * lambda.Max(Math.Abs);
            var inverse = Vector<double>.Build.Dense(n, i => lambda[i] > cutoff ? 1 / lambda[i] : 0);
            rank = lambda.Count(l => l > cutoff);
            var v = evd.EigenVectors;
            alpha = v * Matrix<double>.Build.DiagonalOfDiagonalVector(inverse) * (v.TransposeThisAndMultiply(y));
            timings["eigen"] = watch.Lap();
        }
        var ka = kernelMatrix * alpha;
        var alphaArray = alpha.ToColumnMajorArray();
        var kaArray = ka.ToColumnMajorArray();
        var metrics = SolveMetrics.Compute(alphaArray, i => kaArray[i], targets, n, options.Ridge, frobenius, Epsilon);
        timings["residual"] = watch.Lap();
        var report = new SolveReport(Name, Library, "fp64", method, n, columns, options.Ridge, metrics.RelativeResidual,
            metrics.BackwardErrorRatio, metrics.RkhsNorm, rank, cutoff, frobenius, metrics.AlphaNorm, timings,
            options.Precision == Precision.Fp32 ? (note is null ? "" : note + " ") + "The managed backend computes in fp64." : note);
        return new ManagedKernelModel(x, kernel, alpha, alphaArray, report);
    }

    internal static Matrix<double> BuildGram(Kernel kernel, FeatureMatrix a, FeatureMatrix b)
    {
        var ma = Matrix<double>.Build.Dense(a.Rows, a.Columns, (i, j) => a.Values[(long)i * a.Columns + j]);
        var mb = ReferenceEquals(a, b) ? ma : Matrix<double>.Build.Dense(b.Rows, b.Columns, (i, j) => b.Values[(long)i * b.Columns + j]);
        var dots = ma.TransposeAndMultiply(mb);
        var na = a.SquaredNorms();
        var nb = ReferenceEquals(a, b) ? na : b.SquaredNorms();
        var storage = dots.AsColumnMajorArray();
        for (var j = 0; j < b.Rows; j++)
            kernel.Transform(storage.AsSpan(j * a.Rows, a.Rows), na, nb[j]);
        return dots;
    }

    private const double Epsilon = 2.220446049250313e-16;


    private sealed class ManagedKernelModel(FeatureMatrix train, Kernel kernel, Matrix<double> alpha, double[] alphaArray, SolveReport report) : IKernelModel
    {
        public SolveReport Report { get; } = report;
        public double[] Alpha { get; } = alphaArray;

        public double[] Predict(FeatureMatrix test, IProgress<KernelProgress>? progress = null, CancellationToken cancel = default)
        {
            if (test.Columns != train.Columns) throw new ArgumentException($"Test points have {test.Columns} features; the model was fitted on {train.Columns}.", nameof(test));
            test.EnsureFinite(nameof(test));
            var cross = BuildGram(kernel, train, test); // n × m
            return cross.TransposeThisAndMultiply(alpha).ToColumnMajorArray();
        }

        public void Dispose() { }
    }
}
