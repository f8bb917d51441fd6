using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using MathNet.Numerics.LinearAlgebra;
using Rethink.Core;
using Rethink.Theory;
using Xunit;

namespace Rethink.Properties;

/// <summary>An over-parameterized least-squares problem: n ≤ d.</summary>
public sealed record LeastSquaresCase(int N, int D, int Seed)
{
    public (Matrix<double> X, Vector<double> Y) Draw()
    {
        var g = new GaussianSampler(SeedMixer.Random(Seed, 1));
        var x = Matrix<double>.Build.Dense(N, D, (_, _) => g.Next() / Math.Sqrt(D));
        var y = Vector<double>.Build.Dense(N, _ => g.Next());
        return (x, y);
    }

    /// <summary>
    /// X with the same singular vectors as <see cref="Draw"/> but singular values spread evenly over
    /// [1, κ]: gradient descent converges in about κ² log(1/tol) steps, so every case is tested and
    /// none is discarded for being ill-conditioned.
    /// </summary>
    public (Matrix<double> X, Vector<double> Y) DrawConditioned(double kappa)
    {
        var (x, y) = Draw();
        var svd = x.Svd();
        var s = Matrix<double>.Build.Dense(N, D);
        for (var i = 0; i < N; i++) s[i, i] = N == 1 ? kappa : 1 + (kappa - 1) * i / (N - 1);
        return (svd.U * s * svd.VT, y);
    }

    public Vector<double> W0()
    {
        var g = new GaussianSampler(SeedMixer.Random(Seed, 2));
        return Vector<double>.Build.Dense(D, _ => g.Next());
    }

    public override string ToString() => $"n={N} d={D} seed={Seed}";
}

/// <summary>A depth-k case: n points in d dimensions, depth k ≤ n.</summary>
public sealed record DepthCase(int N, int D, int K, int Seed)
{
    public override string ToString() => $"n={N} d={D} k={K} seed={Seed}";
}

public static class TheoryTwoArbitraries
{
    public static Arbitrary<LeastSquaresCase> LeastSquares() =>
        (from n in Gen.Choose(1, 12)
         from extra in Gen.Choose(0, 25)
         from seed in Gen.Choose(0, int.MaxValue)
         select new LeastSquaresCase(n, n + extra, seed)).ToArbitrary();

    public static Arbitrary<DepthCase> Depth() =>
        (from n in Gen.Choose(1, 120)
         from d in Gen.Choose(1, 10)
         from k in Gen.Choose(1, 12)
         from seed in Gen.Choose(0, int.MaxValue)
         select new DepthCase(n, d, Math.Min(k, n), seed)).ToArbitrary();
}

[Properties(Arbitrary = [typeof(TheoryTwoArbitraries)], MaxTest = 30)]
public class TheoryTwoProperties
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

    [Property]
    public void Depth_k_network_interpolates_with_the_stated_widths_and_parameters(DepthCase c) => ClaimLog.Check(Claims.DepthK, "every training point, widths and parameter count", c.N, () =>
    {
        var (x, y) = Samples.Draw(new InterpolationCase(c.N, c.D, LabelKind.Random, c.Seed));
        var fit = ReluInterpolation.Fit(x, y, new ReluFitOptions(Seed: c.Seed));
        var deep = DepthNetwork.FromInterpolant(fit.Network, c.K);
        var m = (c.N + c.K - 1) / c.K;
        Assert.Equal(c.K, deep.Hidden.Count);
        Assert.Equal(m, deep.BlockSize);
        Assert.All(deep.Widths, width => Assert.True(width <= m + 4, $"width {width} > m + 4 = {m + 4}"));
        Assert.True(deep.Widths[0] <= m + 2);
        // Dense parameters, layer by layer: d(w1) + w1, then w_{l-1} w_l + w_l, then the output w_k + 1.
        var widths = deep.Widths;
        var expected = (long)c.D * widths[0] + widths[0];
        for (var l = 1; l < widths.Count; l++) expected += (long)widths[l - 1] * widths[l] + widths[l];
        expected += widths[^1] + 1;
        Assert.Equal(expected, deep.DenseParameters);
        for (var i = 0; i < c.N; i++)
        {
            var value = deep.Evaluate(x.Row(i));
            // Same rounding scale as the literal Theorem 1 sum: the carried partial sums are that sum, split.
            var z = fit.Network.Project(x.Row(i));
            var bound = 4 * fit.Network.LiteralErrorBound(z) + 1e-9;
            Assert.True(Math.Abs(value - y[i]) <= bound, $"point {i}: {value} vs {y[i]} (bound {bound})");
        }
    });

    [Fact]
    public void Depth_one_is_theorem_one() => ClaimLog.Check(Claims.DepthK, "depth one equals the Theorem 1 network", 20, () =>
    {
        var (x, y) = Samples.Draw(new InterpolationCase(20, 3, LabelKind.Random, 5));
        var fit = ReluInterpolation.Fit(x, y);
        var deep = DepthNetwork.FromInterpolant(fit.Network, 1);
        Assert.Equal([22], deep.Widths);
        for (var i = 0; i < 20; i++) Assert.Equal(fit.Network.EvaluateLiteral(x.Row(i)), deep.Evaluate(x.Row(i)), 9);
    });

    /// <summary>
    /// The per-σ closed forms against an independent computation with plain loops: the maximizing
    /// function attains B‖Σσᵢxᵢ‖/n (linear) and B√(σᵀKσ)/n (RKHS ball), and 200 random functions in the
    /// ball never exceed it. Then the expectation: exact enumeration over all 2ⁿ σ inside the Monte
    /// Carlo interval.
    /// </summary>
    [Property(MaxTest = 15)]
    public void Rademacher_closed_forms_are_attained_and_never_exceeded(int seed) => ClaimLog.Check(Claims.Rademacher, "closed forms attained by the maximizer, never exceeded by random members", () =>
    {
        var random = new Random(seed);
        var n = random.Next(4, 13);
        var d = random.Next(1, 6);
        var g = new GaussianSampler(random);
        var points = new double[n][];
        for (var i = 0; i < n; i++) points[i] = Enumerable.Range(0, d).Select(_ => g.Next()).ToArray();
        var x = Matrix<double>.Build.Dense(n, d, (i, t) => points[i][t]);
        const double gamma = 0.5, linearBound = 2.0, kernelBound = 3.0;
        double Kernel(double[] u, double[] v) => Math.Exp(-gamma * u.Zip(v, (a, b) => (a - b) * (a - b)).Sum());
        var kernelMatrix = new double[n, n];
        for (var i = 0; i < n; i++)
            for (var j = 0; j < n; j++) kernelMatrix[i, j] = Kernel(points[i], points[j]);
        var k = Matrix<double>.Build.DenseOfArray(kernelMatrix);

        for (var trial = 0; trial < 5; trial++)
        {
            var sigma = RademacherComplexity.Signs(n, random);
            // Linear: w* = B v/‖v‖ with v = Σσᵢxᵢ; value (1/n)Σσᵢ⟨w*, xᵢ⟩, all with loops.
            var v = new double[d];
            for (var i = 0; i < n; i++)
                for (var t = 0; t < d; t++) v[t] += sigma[i] * points[i][t];
            var vNorm = Math.Sqrt(v.Sum(a => a * a));
            double Linear(double[] w) => Enumerable.Range(0, n).Sum(i => sigma[i] * w.Zip(points[i], (a, b) => a * b).Sum()) / n;
            var closedLinear = RademacherComplexity.LinearSupremum(x, sigma, linearBound);
            var best = vNorm == 0 ? 0 : Linear(v.Select(a => linearBound * a / vNorm).ToArray());
            Assert.Equal(best, closedLinear, 10);
            for (var r = 0; r < 200; r++)
            {
                var w = Enumerable.Range(0, d).Select(_ => g.Next()).ToArray();
                var scale = linearBound * random.NextDouble() / Math.Sqrt(w.Sum(a => a * a));
                Assert.True(Linear(w.Select(a => a * scale).ToArray()) <= closedLinear + 1e-12);
            }
            // RKHS ball: f* = B Σσⱼk(xⱼ,·)/√(σᵀKσ); random f = Σcⱼk(xⱼ,·) scaled to ‖f‖² = cᵀKc ≤ B².
            double Quadratic(double[] a, double[] b) => Enumerable.Range(0, n).Sum(i => Enumerable.Range(0, n).Sum(j => a[i] * kernelMatrix[i, j] * b[j]));
            double Value(double[] c) => Enumerable.Range(0, n).Sum(i => sigma[i] * Enumerable.Range(0, n).Sum(j => c[j] * kernelMatrix[j, i])) / n;
            var sigmaNorm = Math.Sqrt(Quadratic(sigma, sigma));
            var closedKernel = RademacherComplexity.KernelSupremum(k, sigma, kernelBound);
            Assert.Equal(Value(sigma.Select(s => kernelBound * s / sigmaNorm).ToArray()), closedKernel, 10);
            for (var r = 0; r < 200; r++)
            {
                var c = Enumerable.Range(0, n).Select(_ => g.Next()).ToArray();
                var scale = kernelBound * random.NextDouble() / Math.Sqrt(Quadratic(c, c));
                Assert.True(Value(c.Select(a => a * scale).ToArray()) <= closedKernel + 1e-12);
            }
        }

        foreach (Func<double[], double> sup in new Func<double[], double>[]
                 {
                     s => RademacherComplexity.LinearSupremum(x, s, linearBound),
                     s => RademacherComplexity.KernelSupremum(k, s, kernelBound),
                 })
        {
            var exact = RademacherComplexity.Exact(n, sup);
            // A 99.99% interval: a seeded property run of 15 cases × 2 classes should essentially never miss.
            var estimate = RademacherComplexity.Estimate(n, sup, 4000, new Random(seed + 1), confidence: 0.9999);
            Assert.True(estimate.Contains(exact), $"exact {exact} outside [{estimate.Low}, {estimate.High}]");
        }
        return n;
    });

    [Property(MaxTest = 20)]
    public void Relu_interpolation_class_has_rademacher_complexity_one_on_every_sigma(int seed) => ClaimLog.Check(Claims.Rademacher, "every sigma, the interpolating network evaluated exactly", () =>
    {
        var random = new Random(seed);
        var c = new InterpolationCase(random.Next(1, 200), random.Next(1, 20), LabelKind.Random, seed);
        var (x, _) = Samples.Draw(c);
        for (var t = 0; t < 5; t++)
        {
            var sigma = RademacherComplexity.Signs(c.N, random);
            // Independently: fit σ, evaluate the network exactly from its parameters, clip, average.
            var net = ReluInterpolation.Fit(x, sigma, new ReluFitOptions(Seed: seed + t)).Network;
            double sum = 0;
            for (var i = 0; i < c.N; i++)
                sum += sigma[i] * Math.Clamp(ExactNetwork.Evaluate(net.Direction, net.Thresholds, net.Weights, x.Row(i)).ToDouble(), -1, 1);
            var exact = sum / c.N;
            Assert.True(exact >= 1 - 1e-9, $"(1/n) sum sigma_i clip(c(x_i)) = {exact:R} with exact evaluation");
            Assert.Equal(exact, RademacherComplexity.ReluInterpolationSupremum(x, sigma, seed + t), 9);
        }
        return c.N;
    });
}
