using FsCheck.Xunit;
using MathNet.Numerics.LinearAlgebra;
using Rethink.Kernels;
using Xunit;

namespace Rethink.Properties;

/// <summary>
/// The checks every kernel backend must pass, against independent references: MathNet's SVD
/// pseudo-inverse and dense solves, and the pure kernel definition for predictions.
/// </summary>
public static class KernelBackendChecks
{

    internal static Matrix<double> Dense(double[] columnMajor, int rows, int columns) => Matrix<double>.Build.Dense(rows, columns, columnMajor);

    public static void Solves_positive_definite_systems_backward_stably(IKernelBackend Backend, KernelCase c, Precision[] Precisions)
    {
        c = c with { D = Math.Max(c.D, 4) };
        var x = c.Points();
        var y = c.Y();
        foreach (var precision in Precisions)
        {
            using var model = Backend.Fit(x, y, c.Targets, new GaussianKernel(1.0 / c.D), new SolveOptions(precision));
            var r = model.Report;
            // FP64 and FP32 alike: the backward-error ratio of a stable Cholesky solve is O(1); the
            // documented bound for both precisions is 100.
            Assert.True(r.BackwardErrorRatio < 100, $"{precision}: backward-error ratio {r.BackwardErrorRatio} (residual {r.RelativeResidual}, method {r.Method})");
            Assert.Equal(precision == Precision.Fp64 || Backend.Name == "managed" ? "fp64" : "fp32", r.Precision);
            Assert.Equal(Backend.Name, r.Backend);
        }
    }

    public static void Rank_deficient_systems_get_the_pseudo_inverse_solution(IKernelBackend Backend, KernelCase c)
    {
        // Linear kernel with d < n: K = X Xᵀ has rank d.
        c = c with { N = Math.Max(c.N, 8), D = Math.Min(c.D, Math.Max(1, c.N / 2)) };
        var x = c.Points();
        var y = c.Y();
        using var model = Backend.Fit(x, y, c.Targets, new LinearKernel(), new SolveOptions(Precision.Fp64));
        Assert.Equal("eigen", model.Report.Method);
        Assert.Equal(c.D, model.Report.Rank);

        var k = Matrix<double>.Build.Dense(c.N, c.N, new LinearKernel().Gram(x));
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
    }

    public static void Duplicate_points_fall_back_to_the_eigendecomposition(IKernelBackend Backend)
    {
        var c = new KernelCase(30, 5, 2, 11);
        var x = c.Points();
        x.Row(0).CopyTo(x.Values.AsSpan(5 * 5, 5)); // point 5 := point 0
        var y = c.Y();
        for (var t = 0; t < 2; t++) y[t * 30 + 5] = y[t * 30 + 0];
        using var model = Backend.Fit(x, y, 2, new GaussianKernel(0.2), new SolveOptions(Precision.Fp64));
        Assert.Equal("eigen", model.Report.Method);
        Assert.Equal(29, model.Report.Rank);
        Assert.NotNull(model.Report.Note);
        Assert.True(model.Report.RelativeResidual < 1e-8, $"residual {model.Report.RelativeResidual}");
        // Minimum norm: the two copies share their weight equally.
        Assert.Equal(model.Alpha[0], model.Alpha[5], 8);
    }

    public static void Predictions_equal_the_direct_kernel_expansion(IKernelBackend Backend, KernelCase c)
    {
        c = c with { D = Math.Max(c.D, 4) };
        var x = c.Points();
        var test = c.Points(rows: 7, salt: 5);
        var kernel = new GaussianKernel(1.0 / c.D);
        using var model = Backend.Fit(x, c.Y(), c.Targets, kernel, new SolveOptions(Precision.Fp64));
        var scores = Dense(model.Predict(test), 7, c.Targets);
        var cross = Matrix<double>.Build.Dense(c.N, 7, kernel.Gram(test, x)).Transpose(); // 7 × n
        var expected = cross * Dense(model.Alpha, c.N, c.Targets);
        Assert.True((scores - expected).FrobeniusNorm() <= 1e-9 * Math.Max(1, expected.FrobeniusNorm()));
    }

    public static void Ridge_solves_the_regularized_system(IKernelBackend Backend)
    {
        var c = new KernelCase(40, 6, 3, 4);
        var x = c.Points();
        var y = c.Y();
        using var model = Backend.Fit(x, y, 3, new GaussianKernel(0.1), new SolveOptions(Precision.Fp64, Ridge: 0.5));
        var k = Matrix<double>.Build.Dense(40, 40, new GaussianKernel(0.1).Gram(x)) + 0.5 * Matrix<double>.Build.DenseIdentity(40);
        var expected = k.Solve(Dense(y, 40, 3));
        Assert.True((Dense(model.Alpha, 40, 3) - expected).FrobeniusNorm() <= 1e-10 * expected.FrobeniusNorm());
        Assert.True(model.Report.RkhsNorm < Math.Sqrt((Dense(model.Alpha, 40, 3).Transpose() * k * Dense(model.Alpha, 40, 3)).Trace()));
    }

    public static void Bad_inputs_are_typed_errors(IKernelBackend Backend)
    {
        var c = new KernelCase(10, 3, 2, 1);
        var x = c.Points();
        var y = c.Y();
        Assert.Throws<ArgumentException>(() => Backend.Fit(x, y[..5], 2, new LinearKernel(), new SolveOptions()));
        var bad = c.Points();
        bad.Values[4] = double.NaN;
        Assert.Contains("(1, 1)", Assert.Throws<ArgumentException>(() => Backend.Fit(bad, y, 2, new LinearKernel(), new SolveOptions())).Message);
        var infY = (double[])y.Clone();
        infY[3] = double.PositiveInfinity;
        Assert.Throws<ArgumentException>(() => Backend.Fit(x, infY, 2, new LinearKernel(), new SolveOptions()));
        Assert.Throws<ArgumentOutOfRangeException>(() => Backend.Fit(x, y, 2, new LinearKernel(), new SolveOptions(Ridge: -1)));
        using var model = Backend.Fit(x, y, 2, new GaussianKernel(0.1), new SolveOptions());
        Assert.Throws<ArgumentException>(() => model.Predict(new FeatureMatrix(new double[8], 2, 4)));
    }
}
