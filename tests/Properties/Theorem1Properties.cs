using Rethink.Core;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using MathNet.Numerics.LinearAlgebra;
using Rethink.Theory;
using Xunit;

namespace Rethink.Properties;

[Properties(Arbitrary = [typeof(TheoryArbitraries)], MaxTest = 40)]
public class Theorem1Properties
{
    /// <summary>
    /// Every training point, evaluated exactly from the network's stored parameters (exact rationals,
    /// no code shared with the fit or the library's evaluators), reproduces its label to 1e-8 of max|y|;
    /// and the library's floating-point literal sum stays within its stated rounding bound of that
    /// exact value, a bound that is itself small next to max|y|.
    /// </summary>
    [Property(MaxTest = 30)]
    public void Every_training_point_is_fitted_by_the_exact_network(InterpolationCase c) => ClaimLog.Check(Claims.Theorem1, "every training point, the stored network evaluated in exact rationals", c.N, () =>
    {
        var (x, y) = Samples.Draw(c);
        var net = ReluInterpolation.Fit(x, y, new ReluFitOptions(Seed: c.Seed)).Network;
        var scale = Math.Max(y.Max(Math.Abs), 1e-300);
        var sample = c.N <= 100 ? Enumerable.Range(0, c.N) : Enumerable.Range(0, c.N).Where(i => i % 5 == 0);
        for (var i = 0; i < c.N; i++)
        {
            var exact = ExactNetwork.Evaluate(net.Direction, net.Thresholds, net.Weights, x.Row(i));
            var error = Math.Abs((exact - Dyadic.From(y[i])).ToDouble());
            Assert.True(error <= 1e-8 * scale, $"point {i}: exact network {exact.ToDouble():R}, label {y[i]:R}, error {error:G3} (max|y| {scale})");
        }
        foreach (var i in sample)
        {
            var z = net.Project(x.Row(i));
            var literal = net.EvaluateLiteralProjection(z);
            var exact = ExactNetwork.Evaluate(net.Direction, net.Thresholds, net.Weights, x.Row(i)).ToDouble();
            // The literal sum in floating point also rounds z = <a, x>: the slope times that rounding joins its bound.
            double absDot = 0;
            for (var t = 0; t < c.D; t++) absDot += Math.Abs(net.Direction[t] * x.Row(i)[t]);
            var slope = Math.Abs(net.SegmentSlopes[Math.Max(net.SegmentOf(z), 0)]);
            var bound = net.LiteralErrorBound(z) + slope * (c.D + 2) * 2.3e-16 * absDot;
            Assert.True(Math.Abs(literal - exact) <= bound + 1e-300, $"point {i}: literal {literal:R}, exact {exact:R}, bound {bound:G3}");
            // The bound grows with n and with how close two projections fall (the slopes are 1/gap): over
            // 2,894 random cases it exceeded 1e-6·max|y| in 16 and 1e-5 in one (2.7e-5), while the literal
            // sum's actual error stayed below 3.3e-8·max|y|. 1e-4 still means four correct digits of every label.
            Assert.True(net.LiteralErrorBound(z) <= 1e-4 * scale, $"point {i}: the literal-sum bound {net.LiteralErrorBound(z):G3} is not small next to max|y| = {scale}");
        }
    });

    [Property]
    public void Has_exactly_2n_plus_d_parameters(InterpolationCase c) => ClaimLog.Check(Claims.Theorem1, "parameter count 2n + d", c.N, () =>
    {
        var (x, y) = Samples.Draw(c);
        var network = ReluInterpolation.Fit(x, y).Network;
        Assert.Equal(2L * c.N + c.D, network.ParameterCount);
        Assert.Equal(c.N, network.Width);
        Assert.Equal(c.D, network.Direction.Length);
        Assert.Equal(c.N, network.Thresholds.Length);
        Assert.Equal(c.N, network.Weights.Length);
    });

    /// <summary>Inputs that break naive constructions, each with its fact checked by exact evaluation.</summary>
    [Fact]
    public void One_point_is_fitted_by_one_unit() => ClaimLog.Check(Claims.Theorem1, "one point in 3 dimensions, exact evaluation", 1, () =>
    {
        var x = FeatureMatrix.FromRows([[3.0, -1.0, 2.0]]);
        var fit = ReluInterpolation.Fit(x, [-7.5]);
        Assert.Equal(1 * 2 + 3, fit.Network.ParameterCount);
        Assert.Equal(0.0, ExactNetwork.MaxRelativeError(fit.Network, x, [-7.5]), 12);
    });

    [Fact]
    public void One_dimensional_points_are_fitted_in_their_own_order() => ClaimLog.Check(Claims.Theorem1, "d = 1, 200 points, exact evaluation", 200, () =>
    {
        var values = Enumerable.Range(0, 200).Select(i => Math.Sin(i) * 1000).ToArray();
        var x = new FeatureMatrix(values, 200, 1);
        var y = Enumerable.Range(0, 200).Select(i => (i % 3) - 1.0).ToArray();
        var fit = ReluInterpolation.Fit(x, y);
        Assert.Equal(1.0, Math.Abs(fit.Network.Direction[0]));
        Assert.True(ExactNetwork.MaxRelativeError(fit.Network, x, y) <= 1e-9);
    });

    [Fact]
    public void Near_duplicate_points_are_separated() => ClaimLog.Check(Claims.Theorem1, "30 pairs 1e-9 apart, exact evaluation", 60, () =>
    {
        // Pairs 1e-9 apart in one coordinate, labelled +1 and −1: slopes of about 1e9 between them. The
        // exact network fits every point to the accuracy the rounding of z = <a, x> allows: slope × ε × Σ|aₜxₜ|.
        var rows = new List<double[]>();
        var random = new Random(4);
        for (var k = 0; k < 30; k++)
        {
            var p = new[] { random.NextDouble(), random.NextDouble(), random.NextDouble() };
            rows.Add(p);
            rows.Add([p[0] + 1e-9, p[1], p[2]]);
        }
        var x = FeatureMatrix.FromRows(rows);
        var y = Enumerable.Range(0, rows.Count).Select(i => i % 2 == 0 ? 1.0 : -1.0).ToArray();
        var fit = ReluInterpolation.Fit(x, y, new ReluFitOptions(Seed: 3));
        var net = fit.Network;
        Assert.Equal(rows.Count, fit.DistinctPoints);
        var maxSlope = net.SegmentSlopes.ToArray().Max(Math.Abs);
        var maxAbsDot = Enumerable.Range(0, x.Rows).Max(i => Enumerable.Range(0, 3).Sum(t => Math.Abs(net.Direction[t] * x.Row(i)[t])));
        Assert.True(maxSlope > 1e8, $"slope {maxSlope}");
        var tolerance = 4 * 5 * 2.3e-16 * maxAbsDot * maxSlope + 1e-8;
        Assert.True(ExactNetwork.MaxRelativeError(net, x, y) <= tolerance, $"error {ExactNetwork.MaxRelativeError(net, x, y)}, tolerance {tolerance}");
    });

    [Fact]
    public void Points_that_collide_in_projection_make_the_fit_draw_another_direction() => ClaimLog.Check(Claims.Theorem1, "colliding projections force a redraw, exact evaluation", 4, () =>
    {
        // The first direction drawn with seed 7, reproduced here; two distinct points with the same projection on it.
        var a = new double[2];
        new GaussianSampler(new Random(7)).Fill(a);
        var norm = Math.Sqrt(a[0] * a[0] + a[1] * a[1]);
        var (a0, a1) = (a[0] / norm, a[1] / norm);
        var x = FeatureMatrix.FromRows([[0.0, 0.0], [a1 * 4, -a0 * 4], [1.0, 2.0], [-3.0, 0.5]]);
        Assert.True(Math.Abs(a0 * x.Row(1)[0] + a1 * x.Row(1)[1]) < 1e-15, "the constructed points collide along the first direction");
        double[] y = [1.0, -1.0, 0.5, 2.0];
        var fit = ReluInterpolation.Fit(x, y, new ReluFitOptions(Seed: 7));
        Assert.True(fit.DirectionTries >= 2, $"direction tries {fit.DirectionTries}");
        Assert.True(ExactNetwork.MaxRelativeError(fit.Network, x, y) <= 1e-12);
    });

    [Fact]
    public void Labels_of_mixed_scale_are_fitted_relative_to_the_largest() => ClaimLog.Check(Claims.Theorem1, "labels from 1e-6 to 1e6, exact evaluation", 120, () =>
    {
        var (x, _) = Samples.Draw(new InterpolationCase(120, 6, LabelKind.Random, 11));
        var y = Enumerable.Range(0, 120).Select(i => Math.Pow(10, -6 + 12.0 * i / 119) * (i % 2 == 0 ? 1 : -1)).ToArray();
        var fit = ReluInterpolation.Fit(x, y, new ReluFitOptions(Seed: 2));
        Assert.True(ExactNetwork.MaxRelativeError(fit.Network, x, y) <= 1e-8);
        // The small labels come out right at their own scale too (not only next to 1e6).
        for (var i = 0; i < 10; i++)
        {
            var exact = ExactNetwork.Evaluate(fit.Network.Direction, fit.Network.Thresholds, fit.Network.Weights, x.Row(i)).ToDouble();
            Assert.True(Math.Abs(exact - y[i]) <= 1e-3 * Math.Abs(y[i]) + 1e-8 * 1e6, $"point {i}: {exact} vs {y[i]}");
        }
    });

    [Property]
    public void Sorted_thresholds_interleave_the_projections(InterpolationCase c) => ClaimLog.Check(Claims.Theorem1, "thresholds interleave the projections", c.N, () =>
    {
        var (x, y) = Samples.Draw(c);
        var fit = ReluInterpolation.Fit(x, y);
        var z = fit.Network.SegmentAnchors.ToArray();
        var matrix = InterleavingMatrix.Create(z, fit.Network.Thresholds.ToArray()); // throws if not interleaving
        Assert.Equal(fit.SmallestEigenvalue, matrix.SmallestEigenvalue);
        Assert.True(fit.SmallestEigenvalue <= fit.SmallestProjectionGap);
        Assert.True(fit.SmallestEigenvalue >= fit.SmallestProjectionGap * (1 - 1e-5) || c.N == 1);
    });

    [Property(MaxTest = 60)]
    public Property Linear_time_solve_equals_dense_triangular_solve() =>
        Prop.ForAll(Gen.Choose(1, 40).ToArbitrary(), Gen.Choose(0, int.MaxValue).ToArbitrary(), (n, seed) =>
        {
            var (x, y) = Samples.Draw(new InterpolationCase(n, 3, LabelKind.Random, seed));
            var net = ReluInterpolation.Fit(x, y).Network;
            var a = InterleavingMatrix.Create(net.SegmentAnchors.ToArray(), net.Thresholds.ToArray()).ToDense();
            var sorted = net.SegmentValues.ToArray();
            var reference = a.Solve(Vector<double>.Build.DenseOfArray(sorted));
            var w = Vector<double>.Build.DenseOfArray(net.Weights.ToArray());
            var scale = reference.InfinityNorm();
            var condition = a.ConditionNumber();
            Assert.True((w - reference).InfinityNorm() <= 1e-13 * condition * scale + 1e-300,
                $"n={n}: |w - w_dense| = {(w - reference).InfinityNorm()}, |w| = {scale}, cond = {condition}");
        });

    [Property]
    public void Json_export_round_trips(InterpolationCase c)
    {
        var (x, y) = Samples.Draw(c);
        var net = ReluInterpolation.Fit(x, y).Network;
        var back = ReluInterpolantJson.Deserialize(ReluInterpolantJson.Serialize(net));
        Assert.Equal(net.Direction.ToArray(), back.Direction.ToArray());
        Assert.Equal(net.Thresholds.ToArray(), back.Thresholds.ToArray());
        Assert.Equal(net.Weights.ToArray(), back.Weights.ToArray());
        Assert.Equal(net.SegmentSlopes.ToArray(), back.SegmentSlopes.ToArray());
        Assert.Equal(net.Evaluate(x), back.Evaluate(x));
    }

    [Property]
    public void Segment_and_literal_evaluators_agree_between_the_points(InterpolationCase c)
    {
        var (x, y) = Samples.Draw(c);
        var net = ReluInterpolation.Fit(x, y).Network;
        var random = new Random(c.Seed);
        var z = net.SegmentAnchors.ToArray();
        for (var k = 0; k < 20; k++)
        {
            // Points anywhere on the line, including outside [z_1, z_n].
            var t = z[0] + (z[^1] - z[0] + 2) * (random.NextDouble() * 1.2 - 0.1) - 1;
            var segment = net.EvaluateProjection(t);
            var literal = net.EvaluateLiteralProjection(t);
            var slack = net.LiteralErrorBound(t) + 4 * 2.3e-16 * Math.Abs(net.SegmentSlopes[Math.Max(net.SegmentOf(t), 0)]) * (Math.Abs(t) + Math.Abs(z[^1]));
            Assert.True(Math.Abs(segment - literal) <= 2 * slack + 1e-12, $"z={t}: segment {segment}, literal {literal}, slack {slack}");
        }
    }

    [Fact]
    public void Identical_points_with_equal_labels_are_merged()
    {
        var x = FeatureMatrix.FromRows([[0.0, 1.0], [2.0, 3.0], [0.0, 1.0], [5.0, -1.0]]);
        var fit = ReluInterpolation.Fit(x, [1.0, 2.0, 1.0, 3.0]);
        Assert.Equal(3, fit.DistinctPoints);
        Assert.Equal(1, fit.MergedDuplicates);
        Assert.Equal(2L * 3 + 2, fit.Network.ParameterCount);
        Assert.Equal([1.0, 2.0, 1.0, 3.0], fit.Network.Evaluate(x));
    }

    [Fact]
    public void Identical_points_with_different_labels_are_an_error()
    {
        var x = FeatureMatrix.FromRows([[0.0, 1.0], [2.0, 3.0], [0.0, 1.0]]);
        var e = Assert.Throws<InterpolationException>(() => ReluInterpolation.Fit(x, [1.0, 2.0, 7.0]));
        Assert.Equal(InterpolationFailure.ConflictingLabels, e.Reason);
        Assert.Contains("Points 0 and 2", e.Message);
    }

    [Fact]
    public void Non_finite_and_mismatched_inputs_are_errors()
    {
        var x = FeatureMatrix.FromRows([[0.0, 1.0], [2.0, double.NaN]]);
        var e = Assert.Throws<InterpolationException>(() => ReluInterpolation.Fit(x, [1.0, 2.0]));
        Assert.Equal(InterpolationFailure.NonFiniteInput, e.Reason);
        Assert.Contains("Point 1, coordinate 1", e.Message);

        var ok = FeatureMatrix.FromRows([[0.0], [1.0]]);
        Assert.Equal(InterpolationFailure.NonFiniteInput,
            Assert.Throws<InterpolationException>(() => ReluInterpolation.Fit(ok, [1.0, double.PositiveInfinity])).Reason);
        Assert.Equal(InterpolationFailure.ShapeMismatch,
            Assert.Throws<InterpolationException>(() => ReluInterpolation.Fit(ok, [1.0])).Reason);
    }

    [Fact]
    public void Malformed_json_names_the_field()
    {
        var net = ReluInterpolation.Fit(FeatureMatrix.FromRows([[0.0], [1.0], [3.0]]), [1.0, -1.0, 2.0]).Network;
        var json = ReluInterpolantJson.Serialize(net).Replace("\"parameterCount\":7", "\"parameterCount\":8");
        var e = Assert.Throws<ModelFormatException>(() => ReluInterpolantJson.Deserialize(json, "net.json"));
        Assert.Equal("parameterCount", e.Field);
        Assert.StartsWith("net.json", e.Message);
        Assert.Throws<ModelFormatException>(() => ReluInterpolantJson.Deserialize("{not json", "net.json"));
    }

    [Fact]
    public void One_dimensional_fit_is_the_linear_interpolant()
    {
        // With thresholds just above each point, c is (up to the offset) the broken line through the data.
        var x = FeatureMatrix.FromRows([[0.0], [1.0], [2.0], [4.0]]);
        var net = ReluInterpolation.Fit(x, [0.0, 2.0, 1.0, 5.0]).Network;
        var sign = net.Direction[0];
        var mid = net.EvaluateProjection(sign * 3.0);
        Assert.Equal(3.0, mid, 4);
    }
}
