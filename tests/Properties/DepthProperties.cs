using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using MathNet.Numerics.LinearAlgebra;
using Rethink.Core;
using Rethink.Theory;
using Rethink.Testing;
using Xunit;

namespace Rethink.Properties;

/// <summary>The depth-k network built from Theorem 1's units interpolates with the stated widths and parameters.</summary>
[Properties(Arbitrary = [typeof(LeastSquaresArbitraries)], MaxTest = 30)]
public class DepthProperties
{
    [Property]
    [States("A depth-k network of the stated widths and weight count fits every training point")]
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
            // The carried partial sums are the literal Theorem 1 sum, split into k blocks: n + 2k + 2 ≤ 4(n + 2) roundings
            // of the same terms (4·LiteralErrorBound), the projection carried exactly as max(z,0) − max(−z,0); plus the
            // exact network's own distance from the label (the fit's bound).
            var z = fit.Network.Project(x.Row(i));
            var bound = 4 * fit.Network.LiteralErrorBound(z) + ExactNetwork.FitErrorBound(fit.Network, x.Row(i));
            Within.Bound(value - y[i], bound, $"point {i}: {value:R} vs {y[i]:R}", "4 LiteralErrorBound(z) + the fit's bound");
        }
    });
    [Fact]
    [States("At depth one the construction is Theorem 1's network")]
    public void Depth_one_is_theorem_one() => ClaimLog.Check(Claims.DepthK, "depth one equals the Theorem 1 network", 20, () =>
    {
        var (x, y) = Samples.Draw(new InterpolationCase(20, 3, LabelKind.Random, 5));
        var fit = ReluInterpolation.Fit(x, y);
        var deep = DepthNetwork.FromInterpolant(fit.Network, 1);
        Assert.Equal([22], deep.Widths);
        for (var i = 0; i < 20; i++)
        {
            // Both evaluate the same terms in floating point: the literal sum within LiteralErrorBound, the dense
            // depth-one network within 4 of them (its carried parts), of the same exact value.
            var z = fit.Network.Project(x.Row(i));
            Within.Bound(fit.Network.EvaluateLiteral(x.Row(i)) - deep.Evaluate(x.Row(i)), 5 * fit.Network.LiteralErrorBound(z), $"point {i}", "5 LiteralErrorBound(z)");
        }
    });
}
