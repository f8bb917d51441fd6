using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using MathNet.Numerics.LinearAlgebra;
using Rethink.Core;
using Rethink.Theory;
using Xunit;

namespace Rethink.Properties;

/// <summary>Implicit regularization: SGD and gradient descent from zero stay in the row space and converge to the minimum-norm solution.</summary>
[Properties(Arbitrary = [typeof(LeastSquaresArbitraries)], MaxTest = 30)]
public class ImplicitRegularizationProperties
{

    private static double SafeStep(Matrix<double> x) => 1.0 / Math.Pow(x.L2Norm(), 2);
    [Property]
    public void Sgd_from_zero_stays_in_the_row_space_at_every_step(LeastSquaresCase c) => ClaimLog.Check(Claims.SgdRowSpace, "distance to the row space at every step", c.N, () =>
    {
        var (x, y) = c.Draw();
        var w0 = Vector<double>.Build.Dense(c.D);
        var run = ImplicitRegularization.StochasticGradientDescent(x, y, w0, new StepSchedule(0.5 / x.RowNorms(2).Maximum() / x.RowNorms(2).Maximum()), 200, c.Seed);
        var scale = Math.Max(1, run.Trajectory.Max(p => new[] { p.Residual }.Max()));
        Assert.True(run.MaxDistanceToRowSpace <= 1e-10 * scale, $"max distance to the row space {run.MaxDistanceToRowSpace}");
    });
    [Property]
    public void Gradient_descent_converges_to_the_pseudo_inverse_solution(LeastSquaresCase c) => ClaimLog.Check(Claims.SgdRowSpace, "limit against the pseudo-inverse solution", c.N, () =>
    {
        var (x, y) = c.DrawConditioned(kappa: 4);
        var svd = x.Svd();
        var kappa = svd.S.Maximum() / svd.S.Minimum();
        Assert.InRange(kappa, 1, 4 + 1e-9);
        var steps = (int)(40 * kappa * kappa);
        var run = ImplicitRegularization.GradientDescent(x, y, Vector<double>.Build.Dense(c.D), new StepSchedule(SafeStep(x)), steps, recordEvery: steps);
        // Independent reference: MathNet's pseudo-inverse.
        var expected = x.PseudoInverse() * y;
        var w = Vector<double>.Build.DenseOfArray(run.Weights);
        Assert.True((w - expected).L2Norm() <= 1e-6 * Math.Max(1, expected.L2Norm()), $"|w - X+y| = {(w - expected).L2Norm()}");
    });
    [Property]
    public void From_a_nonzero_start_the_limit_is_pinv_y_plus_the_null_space_part_of_w0(LeastSquaresCase c) => ClaimLog.Check(Claims.SgdRowSpace, "limit from a nonzero start", c.N, () =>
    {
        var (x, y) = c.DrawConditioned(kappa: 4);
        var svd = x.Svd();
        var kappa = svd.S.Maximum() / svd.S.Minimum();
        var steps = (int)(40 * kappa * kappa);
        var w0 = c.W0();
        var run = ImplicitRegularization.GradientDescent(x, y, w0, new StepSchedule(SafeStep(x)), steps, recordEvery: steps);
        var pinv = x.PseudoInverse();
        var expected = pinv * y + (w0 - pinv * (x * w0));
        var w = Vector<double>.Build.DenseOfArray(run.Weights);
        Assert.True((w - expected).L2Norm() <= 1e-6 * Math.Max(1, expected.L2Norm()), $"|w - w_inf| = {(w - expected).L2Norm()}");
        // The null-space component of w0 never moves.
        Assert.True(run.MaxDistanceToRowSpace <= 1e-9 * Math.Max(1, w0.L2Norm()));
    });
    [Property]
    public void Kernel_gradient_descent_converges_to_the_interpolant(LeastSquaresCase c) => ClaimLog.Check(Claims.SgdRowSpace, "kernel gradient descent limit against the interpolant", c.N, () =>
    {
        var (x, y) = c.DrawConditioned(kappa: 4);
        var k = x * x.Transpose();
        var eig = k.Evd(MathNet.Numerics.LinearAlgebra.Symmetricity.Symmetric).EigenValues.Select(e => e.Real).ToArray();
        Assert.True(eig.Max() / eig.Min() <= 16 + 1e-6, $"condition {eig.Max() / eig.Min()}");
        var steps = (int)(40 * eig.Max() / eig.Min());
        var (alpha, gaps) = ImplicitRegularization.KernelGradientDescent(k, y, 1 / eig.Max(), steps, recordEvery: steps);
        Assert.True(gaps[^1].Gap <= 1e-6, $"gap {gaps[^1].Gap}");
        Assert.True((k * alpha - y).L2Norm() <= 1e-6 * Math.Max(1, y.L2Norm()));
    });
}
