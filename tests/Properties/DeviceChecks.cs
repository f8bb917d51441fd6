using MathNet.Numerics.LinearAlgebra;
using Rethink.Kernels;
using Rethink.Kernels.Devices;
using Xunit;

namespace Rethink.Properties;

/// <summary>
/// The checks every device must pass through the one <see cref="MinimumNormSolver"/>, each against an
/// independent reference: the kernel's direct definition (<see cref="Kernel.Gram"/>, a double loop) for
/// K, MathNet's dense solve and SVD pseudo-inverse for α, and residuals, norms and predictions
/// recomputed from α with that K.
/// </summary>
public static class DeviceChecks
{
    internal static Matrix<double> Dense(double[] columnMajor, int rows, int columns) => Matrix<double>.Build.Dense(rows, columns, columnMajor);

    /// <summary>K from the pure definition (symmetric, so row-major equals column-major) plus λI.</summary>
    internal static Matrix<double> ReferenceGram(Kernel kernel, FeatureMatrix x, double ridge = 0) =>
        Dense(kernel.Gram(x), x.Rows, x.Rows) + ridge * Matrix<double>.Build.DenseIdentity(x.Rows);

    private static double Epsilon(Precision p) => p == Precision.Fp64 ? Math.Pow(2, -52) : Math.Pow(2, -23);

    public static void Solves_positive_definite_systems_backward_stably(Func<Precision, IDenseDevice> open, KernelCase c, Precision[] precisions)
    {
        c = c with { D = Math.Max(c.D, 4) };
        var x = c.Points();
        var y = c.Y();
        var kernel = new GaussianKernel(1.0 / c.D);
        var k = ReferenceGram(kernel, x);
        var ym = Dense(y, c.N, c.Targets);
        var exact = k.Solve(ym);
        foreach (var precision in precisions)
        {
            using var device = open(precision);
            using var model = new MinimumNormSolver(device).Fit(x, y, c.Targets, kernel, new SolveOptions(precision));
            var r = model.Report;
            var eps = Epsilon(r.Precision);
            Assert.Equal(device.Precision, r.Precision);
            Assert.Equal(device.Backend, r.Backend);
            Assert.Equal(SolveMethod.Cholesky, r.Method);
            // The backward-error ratio of a stable Cholesky solve is O(1); the documented bound is 100.
            Assert.True(r.BackwardErrorRatio < 100, $"{precision}: backward-error ratio {r.BackwardErrorRatio} (residual {r.RelativeResidual})");

            // Recomputed with the reference K: the reported residual, K norm and RKHS norm are the true ones.
            var alpha = Dense(model.Alpha, c.N, c.Targets);
            var residual = (k * alpha - ym).FrobeniusNorm();
            var slack = 10 * c.N * eps * k.FrobeniusNorm() * alpha.FrobeniusNorm();
            Assert.True(Math.Abs(r.RelativeResidual * ym.FrobeniusNorm() - residual) <= slack,
                $"{precision}: reported residual {r.RelativeResidual * ym.FrobeniusNorm()}, recomputed {residual}, allowed difference {slack}");
            Assert.True(residual <= slack, $"{precision}: |K alpha - Y| = {residual} exceeds the backward-stable bound {slack}");
            Assert.True(Math.Abs(r.KernelNorm - k.FrobeniusNorm()) <= 4 * c.N * eps * k.FrobeniusNorm(), $"{precision}: |K|_F {r.KernelNorm} vs {k.FrobeniusNorm()}");
            var rkhs = Math.Sqrt((alpha.Transpose() * k * alpha).Trace());
            Assert.True(Math.Abs(r.RkhsNorm - rkhs) <= 1e3 * c.N * eps * rkhs + slack, $"{precision}: RKHS norm {r.RkhsNorm} vs {rkhs}");

            // Forward error against the FP64 dense solve, bounded by the condition number.
            var condition = k.ConditionNumber();
            var forward = (alpha - exact).FrobeniusNorm() / exact.FrobeniusNorm();
            Assert.True(forward <= 10 * c.N * eps * condition, $"{precision}: |alpha - K\\Y| / |K\\Y| = {forward}, condition {condition}");
        }
    }

    public static void Rank_deficient_systems_get_the_pseudo_inverse_solution(Func<Precision, IDenseDevice> open, KernelCase c)
    {
        // Linear kernel with d < n: K = X Xᵀ has rank d.
        c = c with { N = Math.Max(c.N, 8), D = Math.Min(c.D, Math.Max(1, c.N / 2)) };
        var x = c.Points();
        var y = c.Y();
        using var device = open(Precision.Fp64);
        using var model = new MinimumNormSolver(device).Fit(x, y, c.Targets, new LinearKernel(), new SolveOptions(Precision.Fp64));
        Assert.Equal(SolveMethod.Eigen, model.Report.Method);
        Assert.Equal(c.D, model.Report.Rank);

        var k = ReferenceGram(new LinearKernel(), x);
        var svd = k.Svd();
        var tolerance = c.N * 2.2e-16 * svd.S[0];
        var pinv = svd.VT.Transpose() * Matrix<double>.Build.DiagonalOfDiagonalVector(svd.S.Map(s => s > tolerance ? 1 / s : 0)) * svd.U.Transpose();
        var expected = pinv * Dense(y, c.N, c.Targets);
        var alpha = Dense(model.Alpha, c.N, c.Targets);
        Assert.True((alpha - expected).FrobeniusNorm() <= 1e-6 * Math.Max(expected.FrobeniusNorm(), 1e-12),
            $"|alpha - K+ Y| = {(alpha - expected).FrobeniusNorm()}, |K+ Y| = {expected.FrobeniusNorm()}");
        // α has no component in K's null space.
        var nullSpace = svd.U.SubMatrix(0, c.N, c.D, c.N - c.D);
        Assert.True((nullSpace.Transpose() * alpha).FrobeniusNorm() <= 1e-8 * Math.Max(alpha.FrobeniusNorm(), 1e-12));
        // The reported residual is the residual of the projected (least-squares) system, recomputed.
        var residual = (k * alpha - Dense(y, c.N, c.Targets)).FrobeniusNorm() / Dense(y, c.N, c.Targets).FrobeniusNorm();
        Assert.True(Math.Abs(residual - model.Report.RelativeResidual) <= 1e-8, $"residual {model.Report.RelativeResidual} vs recomputed {residual}");
    }

    public static void Duplicate_points_fall_back_to_the_eigendecomposition(Func<Precision, IDenseDevice> open)
    {
        var c = new KernelCase(30, 5, 2, 11);
        var x = c.Points();
        x.Row(0).CopyTo(x.Values.AsSpan(5 * 5, 5)); // point 5 := point 0
        var y = c.Y();
        for (var t = 0; t < 2; t++) y[t * 30 + 5] = y[t * 30 + 0];
        using var device = open(Precision.Fp64);
        using var model = new MinimumNormSolver(device).Fit(x, y, 2, new GaussianKernel(0.2), new SolveOptions(Precision.Fp64));
        Assert.Equal(SolveMethod.Eigen, model.Report.Method);
        Assert.Equal(29, model.Report.Rank);
        Assert.NotNull(model.Report.Note);
        Assert.True(model.Report.RelativeResidual < 1e-8, $"residual {model.Report.RelativeResidual}");
        // Minimum norm: the two copies share their weight equally.
        Assert.Equal(model.Alpha[0], model.Alpha[5], 8);
        Assert.Equal(model.Alpha[30], model.Alpha[35], 8);
    }

    public static void Predictions_equal_the_direct_kernel_expansion(Func<Precision, IDenseDevice> open, KernelCase c)
    {
        c = c with { D = Math.Max(c.D, 4) };
        var x = c.Points();
        var test = c.Points(rows: 7, salt: 5);
        var kernel = new GaussianKernel(1.0 / c.D);
        using var device = open(Precision.Fp64);
        // Three test points per tile: the tiled loop, not one block.
        using var model = new MinimumNormSolver(device).Fit(x, c.Y(), c.Targets, kernel, new SolveOptions(Precision.Fp64, PredictionRows: 3));
        var scores = Dense(model.Predict(test), 7, c.Targets);
        var cross = Matrix<double>.Build.Dense(c.N, 7, kernel.Gram(test, x)).Transpose(); // 7 × n
        var expected = cross * Dense(model.Alpha, c.N, c.Targets);
        Assert.True((scores - expected).FrobeniusNorm() <= 1e-9 * Math.Max(1, expected.FrobeniusNorm()));
    }

    public static void Small_tiles_give_the_same_solve(Func<Precision, IDenseDevice> open, KernelCase c)
    {
        c = c with { D = Math.Max(c.D, 4), N = Math.Max(c.N, 20) };
        var x = c.Points();
        var y = c.Y();
        var test = c.Points(rows: 11, salt: 2);
        var kernel = new LaplacianKernel(Math.Sqrt(c.D));
        using var device = open(Precision.Fp64);
        var solver = new MinimumNormSolver(device);
        using var whole = solver.Fit(x, y, c.Targets, kernel, new SolveOptions(Precision.Fp64));
        using var tiled = solver.Fit(x, y, c.Targets, kernel, new SolveOptions(Precision.Fp64, TileColumns: 7, PredictionRows: 4));
        var a = Dense(whole.Alpha, c.N, c.Targets);
        var b = Dense(tiled.Alpha, c.N, c.Targets);
        Assert.True((a - b).FrobeniusNorm() <= 1e-10 * a.FrobeniusNorm(), $"|alpha(tiles) - alpha| = {(a - b).FrobeniusNorm()}");
        Assert.Equal(whole.Report.KernelNorm, tiled.Report.KernelNorm, 10);
        var p = whole.Predict(test);
        var q = tiled.Predict(test);
        for (var i = 0; i < p.Length; i++) Assert.Equal(p[i], q[i], 9);
    }

    /// <summary>
    /// Points known only by their inner products (a streamed feature map) give the solve their
    /// coordinates give: the same α and scores (FP64: relative 1e-12), through training and prediction.
    /// </summary>
    public static void Inner_products_solve_like_the_points(Func<Precision, IDenseDevice> open, KernelCase c)
    {
        c = c with { D = Math.Max(c.D, 4), N = Math.Max(c.N, 10) };
        var x = c.Points();
        var y = c.Y();
        var test = c.Points(rows: 9, salt: 4);
        var kernel = new GaussianKernel(1.0 / c.D);
        using var device = open(Precision.Fp64);
        var solver = new MinimumNormSolver(device);
        using var fromPoints = solver.Fit(x, y, c.Targets, kernel, new SolveOptions(Precision.Fp64));
        using var fromProducts = solver.Fit(Rethink.Kernels.InnerProducts.InnerProductMatrix.From(x), y, c.Targets, kernel, new SolveOptions(Precision.Fp64, TileColumns: 3, PredictionRows: 4));
        var a = Dense(fromPoints.Alpha, c.N, c.Targets);
        var b = Dense(fromProducts.Alpha, c.N, c.Targets);
        var condition = ReferenceGram(kernel, x).ConditionNumber();
        Assert.True((a - b).FrobeniusNorm() <= 1e-13 * condition * a.FrobeniusNorm() + 1e-300, $"|alpha(products) - alpha(points)| = {(a - b).FrobeniusNorm()}, |alpha| = {a.FrobeniusNorm()}, cond {condition:G3}");
        var p = fromPoints.Predict(test);
        var q = fromProducts.Predict(Rethink.Kernels.InnerProducts.InnerProductMatrix.From(x, test));
        for (var i = 0; i < p.Length; i++) Assert.True(Math.Abs(p[i] - q[i]) <= 1e-9 * Math.Max(1, Math.Abs(p[i])), $"score {i}: {q[i]} vs {p[i]}");
        Assert.Equal(fromPoints.Report.KernelNorm, fromProducts.Report.KernelNorm, 9);
    }

    public static void Ridge_solves_the_regularized_system(Func<Precision, IDenseDevice> open)
    {
        var c = new KernelCase(40, 6, 3, 4);
        var x = c.Points();
        var y = c.Y();
        var kernel = new GaussianKernel(0.1);
        using var device = open(Precision.Fp64);
        using var model = new MinimumNormSolver(device).Fit(x, y, 3, kernel, new SolveOptions(Precision.Fp64, Ridge: 0.5));
        var k = ReferenceGram(kernel, x);
        var regularized = ReferenceGram(kernel, x, 0.5);
        var expected = regularized.Solve(Dense(y, 40, 3));
        var alpha = Dense(model.Alpha, 40, 3);
        Assert.True((alpha - expected).FrobeniusNorm() <= 1e-10 * expected.FrobeniusNorm());
        // The RKHS norm uses K without the ridge; the K norm includes it.
        Assert.Equal(Math.Sqrt((alpha.Transpose() * k * alpha).Trace()), model.Report.RkhsNorm, 10);
        Assert.Equal(regularized.FrobeniusNorm(), model.Report.KernelNorm, 10);
    }

    public static void Bad_inputs_are_typed_errors(Func<Precision, IDenseDevice> open)
    {
        var c = new KernelCase(10, 3, 2, 1);
        var x = c.Points();
        var y = c.Y();
        using var device = open(Precision.Fp64);
        var solver = new MinimumNormSolver(device);
        Assert.Throws<ArgumentException>(() => solver.Fit(x, y[..5], 2, new LinearKernel(), new SolveOptions()));
        var bad = c.Points();
        bad.Values[4] = double.NaN;
        Assert.Contains("(1, 1)", Assert.Throws<ArgumentException>(() => solver.Fit(bad, y, 2, new LinearKernel(), new SolveOptions())).Message);
        var infY = (double[])y.Clone();
        infY[3] = double.PositiveInfinity;
        Assert.Throws<ArgumentException>(() => solver.Fit(x, infY, 2, new LinearKernel(), new SolveOptions()));
        Assert.Throws<ArgumentOutOfRangeException>(() => solver.Fit(x, y, 2, new LinearKernel(), new SolveOptions(Ridge: -1)));
        using var model = solver.Fit(x, y, 2, new GaussianKernel(0.1), new SolveOptions());
        Assert.Throws<ArgumentException>(() => model.Predict(new FeatureMatrix(new double[8], 2, 4)));
        Assert.Throws<ArithmeticException>(() =>
        {
            var dup = c.Points();
            dup.Row(0).CopyTo(dup.Values.AsSpan(3, 3));
            solver.Fit(dup, y, 2, new GaussianKernel(0.1), new SolveOptions(Method: SolveMethod.Cholesky)).Dispose();
        });
    }
}
