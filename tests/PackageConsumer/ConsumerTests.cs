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
        Assert.Equal(expected, RethinkVersion.Version);
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
        for (var i = 0; i < n; i++)
        {
            // The network written out by hand: sum_j w_j max(<a, x> - b_j, 0).
            double z = 0, value = 0;
            for (var t = 0; t < d; t++) z += network.Direction[t] * x.Row(i)[t];
            for (var j = 0; j < network.Width; j++) value += network.Weights[j] * Math.Max(z - network.Thresholds[j], 0);
            Assert.Equal(y[i], value, 6);
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
        using var model = new MinimumNormSolver(device).Fit(x, targets, classes, new GaussianKernel(gamma), new SolveOptions(Precision.Fp64)).Owning(device);
        // K alpha = Y with K computed here, independently of the library.
        for (var c = 0; c < classes; c++)
            for (var i = 0; i < n; i++)
            {
                double sum = 0;
                for (var j = 0; j < n; j++)
                {
                    double distance = 0;
                    for (var t = 0; t < d; t++) distance += Math.Pow(x.Row(i)[t] - x.Row(j)[t], 2);
                    sum += Math.Exp(-gamma * distance) * model.Alpha[c * n + j];
                }
                Assert.Equal(targets[c * n + i], sum, 7);
            }
    }
}
