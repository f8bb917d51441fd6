using Rethink.Core;
using Rethink.Kernels;
using Rethink.Kernels.Devices;
using Rethink.Theory;
using Xunit;

namespace Rethink.PackageConsumer.Tests;

/// <summary>What a paper's own code does with the Rethink packages: fit Theorem 1's network and solve a small kernel system, each checked by hand.</summary>
public class ConsumerTests
{
    [Fact]
    public void The_packages_are_the_ones_just_packed()
    {
        var expected = Environment.GetEnvironmentVariable("RETHINK_EXPECTED_VERSION");
        Assert.False(string.IsNullOrEmpty(expected), "RETHINK_EXPECTED_VERSION is set by the packaging test");
        Assert.Equal(expected, RethinkVersion.Package);
    }

    [Fact]
    public void Theorem_one_network_fits_random_labels_with_2n_plus_d_weights()
    {
        const int n = 50, d = 4;
        var random = new Random(1);
        var x = new FeatureMatrix(Enumerable.Range(0, n * d).Select(_ => random.NextDouble()).ToArray(), n, d);
        var y = Enumerable.Range(0, n).Select(_ => random.Next(2) * 2.0 - 1).ToArray();
        var network = ReluInterpolation.Fit(x, y).Network;
        Assert.Equal(2 * n + d, network.ParameterCount);
        const double u = 1.1102230246251565E-16; // unit roundoff of double
        for (var i = 0; i < n; i++)
        {
            // The network written out by hand: sum_j w_j max(<a, x> - b_j, 0).
            double z = 0, value = 0, absDot = 0;
            for (var t = 0; t < d; t++) { z += network.Direction[t] * x.Row(i)[t]; absDot += Math.Abs(network.Direction[t] * x.Row(i)[t]); }
            for (var j = 0; j < network.Width; j++) value += network.Weights[j] * Math.Max(z - network.Thresholds[j], 0);
            // Within the library's stated rounding bound of the exact network twice (the fit's and this sum's), plus
            // the slope times the rounding of z = <a, x> (Higham (3.5): (d + 2)u sum|a_t x_t|).
            var slope = Math.Abs(network.SegmentSlopes[Math.Max(network.SegmentOf(z), 0)]);
            var bound = 2 * network.LiteralErrorBound(z) + 2 * slope * (d + 2) * u * absDot;
            Assert.True(Math.Abs(y[i] - value) <= bound, $"point {i}: {value:R} vs {y[i]}, bound {bound:G3}");
        }
    }

    [Fact]
    public void Gaussian_kernel_interpolant_solves_its_system()
    {
        const int n = 60, d = 3, classes = 2;
        const double gamma = 0.5;
        var random = new Random(2);
        var x = new FeatureMatrix(Enumerable.Range(0, n * d).Select(_ => random.NextDouble() * 4).ToArray(), n, d);
        var targets = new double[n * classes];
        for (var i = 0; i < n; i++) targets[random.Next(classes) * n + i] = 1;
        var device = LapackDevice.Open(Precision.Fp64);
        using var model = new MinimumNormSolver(device).Fit(x, new Targets(targets, classes), new GaussianKernel(gamma), new SolveOptions(Precision.Fp64)).Owning(device);
        // K alpha = Y with K computed here, independently of the library, within the bound of a backward-stable
        // Cholesky solve (Higham Thm 10.4: gamma_{3n+1} tr K |alpha|, tr K = n) plus how far the library's K can be
        // from this one (squared distances from inner products, (d + 2)u(|x| + |y|)^2 each side, through exp) and
        // this sum's own rounding ((n + 1)u sum|K_ij alpha_j| + u).
        const double u = 1.1102230246251565E-16;
        double Gamma(double k) => k * u / (1 - k * u);
        var alphaNorm = Math.Sqrt(model.Alpha.Sum(a => a * a));
        for (var c = 0; c < classes; c++)
            for (var i = 0; i < n; i++)
            {
                double sum = 0, absolute = 0, gram = 0;
                for (var j = 0; j < n; j++)
                {
                    double distance = 0, ni = 0, nj = 0;
                    for (var t = 0; t < d; t++) { distance += Math.Pow(x.Row(i)[t] - x.Row(j)[t], 2); ni += x.Row(i)[t] * x.Row(i)[t]; nj += x.Row(j)[t] * x.Row(j)[t]; }
                    var k = Math.Exp(-gamma * distance);
                    sum += k * model.Alpha[c * n + j];
                    absolute += Math.Abs(k * model.Alpha[c * n + j]);
                    var delta = 3 * Gamma(d + 2) * Math.Pow(Math.Sqrt(ni) + Math.Sqrt(nj), 2);
                    var entry = k * (Math.Exp(gamma * delta) - 1) + 8 * u * k;
                    gram += entry * entry;
                }
                var bound = Gamma(3 * n + 1) * n * alphaNorm + Math.Sqrt(gram) * alphaNorm + Gamma(n + 1) * (absolute + 1);
                Assert.True(Math.Abs(targets[c * n + i] - sum) <= bound, $"row {i}, class {c}: {sum:R} vs {targets[c * n + i]}, bound {bound:G3}");
            }
    }
}
