using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using MathNet.Numerics.LinearAlgebra;
using Rethink.Core;
using Rethink.Theory;
using Rethink.Testing;
using Xunit;

namespace Rethink.Properties;

/// <summary>Implicit regularization: SGD and gradient descent from zero stay in the row space and converge to the minimum-norm solution.</summary>
[Properties(Arbitrary = [typeof(LeastSquaresArbitraries)], MaxTest = 30)]
public class ImplicitRegularizationProperties
{

    private static double SafeStep(Matrix<double> x) => 1.0 / Math.Pow(x.L2Norm(), 2);

    /// <summary>
    /// How far from w₀ + row(X) the library's measurement can put an iterate that is exactly in it: its projection
    /// solves the normal equations XXᵀ by Cholesky, whose forward error is κ(XXᵀ)·γ_{3n+1} (Higham Thm 10.4 and
    /// (7.2)) plus the products' γ_{n+d}: (κ(X)²·γ_{3n+1} + 2γ_{n+d})·κ(X)·|Δ| on a vector Δ of that size.
    /// </summary>
    private static double ProjectionError(int n, int d, double kappa, double size) =>
        (kappa * kappa * ErrorBound.Gamma(3 * n + 1, ErrorBound.U64) + 2 * ErrorBound.Gamma(n + d, ErrorBound.U64)) * kappa * size * 4;

    /// <summary>The largest and smallest singular values of X, each within the SVD's backward error γ_{10(n+d)²}·|X|₂ (Weyl).</summary>
    private static (double Kappa, double Max, double Min) Condition(Matrix<double> x)
    {
        var s = x.Svd(false).S;
        var slack = ErrorBound.Gamma(10.0 * (x.RowCount + x.ColumnCount) * (x.RowCount + x.ColumnCount), ErrorBound.U64) * s.Maximum();
        var (max, min) = (s.Maximum() + slack, Math.Max(s.Minimum() - slack, 0));
        return (min > 0 ? max / min : double.PositiveInfinity, max, min);
    }
    [Property]
    [States("SGD started at zero stays in the span of the data points at every step")]
    public void Sgd_from_zero_stays_in_the_row_space_at_every_step(LeastSquaresCase c) => ClaimLog.Check(Claims.SgdRowSpace, "distance to the row space at every step", c.N, () =>
    {
        var (x, y) = c.Draw();
        var w0 = Vector<double>.Build.Dense(c.D);
        const int steps = 200;
        var run = ImplicitRegularization.StochasticGradientDescent(x, y, w0, new StepSchedule(0.5 / x.RowNorms(2).Maximum() / x.RowNorms(2).Maximum()), steps, c.Seed);
        // Each update adds a multiple of one row: exact arithmetic never leaves the row space. With η|xᵢ|² ≤ 1/2 an
        // update is non-expansive towards w* = X⁺y, so |w_t| ≤ 2|w*| and the step is at most |w*|/2; each update's
        // rounding is within u|w| + 2u|step| ≤ 3u|w*|, summed over the steps; then the measurement's own error.
        var target = x.PseudoInverse() * y;
        var (kappa, _, _) = Condition(x);
        var bound = steps * 3 * ErrorBound.U64 * 2 * target.L2Norm() * Math.Sqrt(c.D) + ProjectionError(c.N, c.D, kappa, 2 * target.L2Norm());
        Within.Bound(run.MaxDistanceToRowSpace, bound, "max distance to the row space", "T 3u 2|w*| sqrt(d) (updates' rounding) + the projection's error; " + ErrorBound.Inputs(("kappa", kappa), ("|w*|", target.L2Norm())));
    });
    [Property]
    [States("Gradient descent from zero converges to the minimum-norm solution")]
    public void Gradient_descent_converges_to_the_pseudo_inverse_solution(LeastSquaresCase c) => ClaimLog.Check(Claims.SgdRowSpace, "limit against the pseudo-inverse solution", c.N, () =>
    {
        var (x, y) = c.DrawConditioned(kappa: 4);
        var (kappa, _, _) = Condition(x);
        // X = U diag(1..4) Vᵀ rounded: singular values 1..4 within the product's rounding and the SVD's backward error
        // (each at most s = γ_{10(n+d)²}·4 by Weyl), and Condition widens both by s again.
        var s = ErrorBound.Gamma(10.0 * (c.N + c.D) * (c.N + c.D), ErrorBound.U64) * 4;
        Within.Bound(Math.Max(kappa - 4, 0), (4 + 2 * s) / (1 - 2 * s) - 4, "condition number of X above 4", "(4 + 2s)/(1 - 2s) - 4, s = gamma_{10(n+d)^2} |X|");
        var steps = (int)(40 * kappa * kappa);
        var run = ImplicitRegularization.GradientDescent(x, y, Vector<double>.Build.Dense(c.D), new StepSchedule(SafeStep(x)), steps, recordEvery: steps);
        // Independent reference: MathNet's pseudo-inverse.
        var expected = x.PseudoInverse() * y;
        var w = Vector<double>.Build.DenseOfArray(run.Weights);
        Within.Bound((w - expected).L2Norm(), GradientDescentError(c.N, c.D, kappa, steps, expected.L2Norm(), expected.L2Norm()), "|w - X+y|", GradientDescentDerivation);
    });
    [Property]
    [States("From a nonzero start the limit is the minimum-norm solution plus the start's component outside the data's span")]
    public void From_a_nonzero_start_the_limit_is_pinv_y_plus_the_null_space_part_of_w0(LeastSquaresCase c) => ClaimLog.Check(Claims.SgdRowSpace, "limit from a nonzero start", c.N, () =>
    {
        var (x, y) = c.DrawConditioned(kappa: 4);
        var (kappa, _, _) = Condition(x);
        var steps = (int)(40 * kappa * kappa);
        var w0 = c.W0();
        var run = ImplicitRegularization.GradientDescent(x, y, w0, new StepSchedule(SafeStep(x)), steps, recordEvery: steps);
        var pinv = x.PseudoInverse();
        var expected = pinv * y + (w0 - pinv * (x * w0));
        var w = Vector<double>.Build.DenseOfArray(run.Weights);
        var size = expected.L2Norm() + w0.L2Norm();
        Within.Bound((w - expected).L2Norm(), GradientDescentError(c.N, c.D, kappa, steps, (w0 - expected).L2Norm(), size), "|w - w_inf|", GradientDescentDerivation);
        // The null-space component of w0 never moves: every step adds Xᵀ(…), in the row space; each step's rounding
        // is within γ_{n+d+2}(|w| + |step|) ≤ 2γ_{n+d+2}·size, summed over the steps, plus the measurement's error.
        Within.Bound(run.MaxDistanceToRowSpace, steps * 2 * ErrorBound.Gamma(c.N + c.D + 2, ErrorBound.U64) * size * Math.Sqrt(c.D) + ProjectionError(c.N, c.D, kappa, size),
            "max distance to w0 + row space", "T 2 gamma_{n+d+2} (|w_inf| + |w0|) sqrt(d) + the projection's error");
    });
    private const string GradientDescentDerivation =
        "(1 - 1/kappa^2)^T |w0 - w_inf| (contraction on the row space with eta = 1/sigma_max^2) + kappa^2 4 gamma_{n+d+2} size (each step's rounding, amplified by at most kappa^2) + kappa gamma_{10(n+d)^2} size (the pseudo-inverse's)";

    private static double GradientDescentError(int n, int d, double kappa, int steps, double start, double size) =>
        Math.Pow(1 - 1 / (kappa * kappa), steps) * start + kappa * kappa * 4 * ErrorBound.Gamma(n + d + 2, ErrorBound.U64) * size * Math.Sqrt(d)
        + kappa * ErrorBound.Gamma(10.0 * (n + d) * (n + d), ErrorBound.U64) * size;

    [Property]
    [States("Gradient descent on kernel weights converges to the minimum-norm kernel interpolant")]
    public void Kernel_gradient_descent_converges_to_the_interpolant(LeastSquaresCase c) => ClaimLog.Check(Claims.SgdRowSpace, "kernel gradient descent limit against the interpolant", c.N, () =>
    {
        var (x, y) = c.DrawConditioned(kappa: 4);
        var k = x * x.Transpose();
        var eig = k.Evd(MathNet.Numerics.LinearAlgebra.Symmetricity.Symmetric).EigenValues.Select(e => e.Real).ToArray();
        var slack = ErrorBound.SymmetricEigenvalue(c.N, k.FrobeniusNorm(), ErrorBound.U64) + ErrorBound.Gamma(c.D, ErrorBound.U64) * 16 * c.N;
        var kappaK = (eig.Max() + slack) / (eig.Min() - slack);
        Assert.True(kappaK <= 16 * (1 + 64 * ErrorBound.Gamma(10.0 * (c.N + c.D) * (c.N + c.D), ErrorBound.U64)) + 4 * slack, $"condition {kappaK} (X's is 4, K = XXᵀ's 16, within the rounding of X, K and the eigensolver)");
        var steps = (int)(40 * eig.Max() / eig.Min());
        var (alpha, gaps) = ImplicitRegularization.KernelGradientDescent(k, y, 1 / eig.Max(), steps, recordEvery: steps);
        // α ← α − η(Kα − y) with η = 1/λ_max contracts by (1 − 1/κ) per step; rounding adds γ_{n+2}(|K||α| + |y|)η per
        // step, amplified by at most κ; the target's own Cholesky solve κ·γ_{3n+1}.
        var target = k.Cholesky().Solve(y);
        var contraction = Math.Pow(1 - 1 / kappaK, steps);
        var gapBound = contraction + kappaK * 4 * ErrorBound.Gamma(c.N + 2, ErrorBound.U64) * (1 + y.L2Norm() / (eig.Max() * target.L2Norm())) + kappaK * ErrorBound.Gamma(3 * c.N + 1, ErrorBound.U64) * 2;
        Within.Bound(gaps[^1].Gap, gapBound, "|alpha - K^-1 y| / |K^-1 y|", "(1 - 1/kappa)^T + kappa 4 gamma_{n+2}(1 + |y|/(lambda_max |alpha*|)) + 2 kappa gamma_{3n+1}");
        Within.Bound((k * alpha - y).L2Norm(), eig.Max() * gapBound * target.L2Norm() + ErrorBound.Gamma(c.N + 1, ErrorBound.U64) * (eig.Max() * alpha.L2Norm() * Math.Sqrt(c.N) + y.L2Norm()),
            "|K alpha - y|", "lambda_max |alpha - alpha*| + the residual's evaluation");
    });
}
