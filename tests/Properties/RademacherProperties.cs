using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using MathNet.Numerics.LinearAlgebra;
using Rethink.Core;
using Rethink.Theory;
using Rethink.Testing;
using Xunit;

namespace Rethink.Properties;

/// <summary>Rademacher complexity: the closed forms of bounded linear and kernel classes, and the ReLU interpolating class at 1.</summary>
[Properties(MaxTest = 30)]
public class RademacherProperties
{
    /// <summary>
    /// The per-σ closed forms against an independent computation with plain loops: the maximizing
    /// function attains B‖Σσᵢxᵢ‖/n (linear) and B√(σᵀKσ)/n (RKHS ball), and 200 random functions in the
    /// ball never exceed it. Then the expectation: exact enumeration over all 2ⁿ σ inside the Monte
    /// Carlo interval.
    /// </summary>
    [Property(MaxTest = 15)]
    [States("The closed-form complexities of norm-bounded linear classes are attained and never exceeded")]
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
            var sigma = RademacherComplexity.Signs(n, random.Next());
            // Linear: w* = B v/‖v‖ with v = Σσᵢxᵢ; value (1/n)Σσᵢ⟨w*, xᵢ⟩, all with loops.
            var v = new double[d];
            for (var i = 0; i < n; i++)
                for (var t = 0; t < d; t++) v[t] += sigma[i] * points[i][t];
            var vNorm = Math.Sqrt(v.Sum(a => a * a));
            double Linear(double[] w) => Enumerable.Range(0, n).Sum(i => sigma[i] * w.Zip(points[i], (a, b) => a * b).Sum()) / n;
            var closedLinear = RademacherComplexity.LinearSupremum(x, sigma, linearBound);
            var best = vNorm == 0 ? 0 : Linear(v.Select(a => linearBound * a / vNorm).ToArray());
            // Every value here is a sum of n·d products of size at most B·|x_i|: each computation within
            // γ_{nd+2d+4}·(B/n)·Σ|x_i|₁ (Higham (3.5), the norms and scalings included), so two within twice that.
            var linearSlack = 2 * ErrorBound.Gamma(n * d + 2 * d + 4, ErrorBound.U64) * linearBound * points.Sum(p => p.Sum(Math.Abs)) / n;
            Within.Bound(best - closedLinear, linearSlack, "linear closed form vs its maximizer", "2 gamma_{nd+2d+4} (B/n) sum|x_i|_1");
            for (var r = 0; r < 200; r++)
            {
                var w = Enumerable.Range(0, d).Select(_ => g.Next()).ToArray();
                var scale = linearBound * random.NextDouble() / Math.Sqrt(w.Sum(a => a * a));
                Within.Bound(Math.Max(Linear(w.Select(a => a * scale).ToArray()) - closedLinear, 0), linearSlack, "a member of the ball above the supremum", "2 gamma_{nd+2d+4} (B/n) sum|x_i|_1");
            }
            // RKHS ball: f* = B Σσⱼk(xⱼ,·)/√(σᵀKσ); random f = Σcⱼk(xⱼ,·) scaled to ‖f‖² = cᵀKc ≤ B².
            double Quadratic(double[] a, double[] b) => Enumerable.Range(0, n).Sum(i => Enumerable.Range(0, n).Sum(j => a[i] * kernelMatrix[i, j] * b[j]));
            double Value(double[] c) => Enumerable.Range(0, n).Sum(i => sigma[i] * Enumerable.Range(0, n).Sum(j => c[j] * kernelMatrix[j, i])) / n;
            var sigmaNorm = Math.Sqrt(Quadratic(sigma, sigma));
            var closedKernel = RademacherComplexity.KernelSupremum(k, sigma, kernelBound);
            // Value(c) sums n² products |c_j||K_ji| (γ_{n²+n}); the closed form B√(σᵀKσ)/n rounds σᵀKσ by γ_{n²+n}·Σ|K|
            // (through the root, half of that relative to it) and the scalings by a few u.
            double Spread(double[] c) => Enumerable.Range(0, n).Sum(i => Enumerable.Range(0, n).Sum(j => Math.Abs(c[j] * kernelMatrix[j, i]))) / n;
            var absoluteK = Enumerable.Range(0, n).Sum(i => Enumerable.Range(0, n).Sum(j => Math.Abs(kernelMatrix[i, j])));
            var closedSlack = ErrorBound.Gamma(n * n + n + 8, ErrorBound.U64) * (closedKernel + kernelBound * absoluteK / (n * Math.Max(sigmaNorm, 1e-300)));
            var maximizer = sigma.Select(s => kernelBound * s / sigmaNorm).ToArray();
            Within.Bound(Value(maximizer) - closedKernel, ErrorBound.Gamma(n * n + n + 8, ErrorBound.U64) * Spread(maximizer) * 2 + closedSlack, "kernel closed form vs its maximizer",
                "gamma_{n^2+n+8}(2 sum|c||K|/n + the closed form's) ");
            for (var r = 0; r < 200; r++)
            {
                var c = Enumerable.Range(0, n).Select(_ => g.Next()).ToArray();
                var scale = kernelBound * random.NextDouble() / Math.Sqrt(Quadratic(c, c));
                var member = c.Select(a => a * scale).ToArray();
                Within.Bound(Math.Max(Value(member) - closedKernel, 0), 2 * ErrorBound.Gamma(n * n + n + 8, ErrorBound.U64) * Spread(member) + closedSlack,
                    "a member of the RKHS ball above the supremum", "2 gamma_{n^2+n+8} sum|c||K|/n + the closed form's");
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
            var estimate = RademacherComplexity.Estimate(n, sup, 4000, seed + 1, confidence: 0.9999);
            Assert.True(estimate.Contains(exact), $"exact {exact} outside [{estimate.Low}, {estimate.High}]");
        }
        return n;
    });
    [Property(MaxTest = 20)]
    [States("Networks that interpolate any labels have empirical Rademacher complexity 1 on every sign vector")]
    public void Relu_interpolation_class_has_rademacher_complexity_one_on_every_sigma(int seed) => ClaimLog.Check(Claims.Rademacher, "every sigma, the interpolating network evaluated exactly", () =>
    {
        var random = new Random(seed);
        var c = new InterpolationCase(random.Next(1, 200), random.Next(1, 20), LabelKind.Random, seed);
        var (x, _) = Samples.Draw(c);
        for (var t = 0; t < 5; t++)
        {
            var sigma = RademacherComplexity.Signs(c.N, random.Next());
            // Independently: fit σ, evaluate the network exactly from its parameters, clip, average.
            var net = ReluInterpolation.Fit(x, sigma, new ReluFitOptions(Seed: seed + t)).Network;
            double sum = 0;
            for (var i = 0; i < c.N; i++)
                sum += sigma[i] * Math.Clamp(ExactNetwork.Evaluate(net.Direction, net.Thresholds, net.Weights, x.Row(i)).ToDouble(), -1, 1);
            var exact = sum / c.N;
            // σᵢ·clip(c(xᵢ)) ≥ 1 − δᵢ with δᵢ the fit's bound at xᵢ; the mean of n terms rounds by γ_n.
            var deltas = Enumerable.Range(0, c.N).Select(i => ExactNetwork.FitErrorBound(net, x.Row(i))).ToArray();
            var slack = deltas.Average() + ErrorBound.Gamma(c.N + 1, ErrorBound.U64);
            Within.Bound(Math.Min(exact - 1, 0), slack, "(1/n) sum sigma_i clip(c(x_i)) - 1 with exact evaluation", "mean of the fit's bounds + gamma_{n+1}");
            // The library evaluates the literal sum: each term within LiteralErrorBound of the exact network's.
            var literal = Enumerable.Range(0, c.N).Select(i => net.LiteralErrorBound(net.Project(x.Row(i))) + deltas[i]).Average();
            Within.Bound(RademacherComplexity.ReluInterpolationSupremum(x, sigma, seed + t) - exact, literal + 2 * ErrorBound.Gamma(c.N + 1, ErrorBound.U64),
                "the library's supremum vs exact evaluation", "mean(LiteralErrorBound + the fit's bound) + 2 gamma_{n+1}");
        }
        return c.N;
    });
}
