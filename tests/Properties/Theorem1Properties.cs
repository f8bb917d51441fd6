using Rethink.Core;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using MathNet.Numerics.LinearAlgebra;
using Rethink.Theory;
using Rethink.Testing;
using Xunit;

namespace Rethink.Properties;

[Properties(Arbitrary = [typeof(TheoryArbitraries)], MaxTest = 40)]
public class Theorem1Properties
{
    /// <summary>
    /// Every training point, evaluated exactly from the network's stored parameters (exact rationals,
    /// no code shared with the fit or the library's evaluators), reproduces its label within the fit's
    /// rounding bound (<see cref="ExactNetwork.FitErrorBound"/>);
    /// and the library's floating-point literal sum stays within its stated rounding bound of that
    /// exact value, a bound that is itself small next to max|y|.
    /// </summary>
    [Property(MaxTest = 30)]
    [States("The constructed network fits every training point exactly")]
    public void Every_training_point_is_fitted_by_the_exact_network(InterpolationCase c) => ClaimLog.Check(Claims.Theorem1, "every training point, the stored network evaluated in exact rationals", c.N, () =>
    {
        var (x, y) = Samples.Draw(c);
        var net = ReluInterpolation.Fit(x, y, new ReluFitOptions(Seed: c.Seed)).Network;
        var scale = Math.Max(y.Max(Math.Abs), 1e-300);
        var sample = c.N <= 100 ? Enumerable.Range(0, c.N) : Enumerable.Range(0, c.N).Where(i => i % 5 == 0);
        ExactNetwork.AssertFitted(net, x, y, "training point");
        foreach (var i in sample)
        {
            var z = net.Project(x.Row(i));
            var literal = net.EvaluateLiteralProjection(z);
            var exact = ExactNetwork.Evaluate(net.Direction, net.Thresholds, net.Weights, x.Row(i)).ToDouble();
            // The literal sum in floating point also rounds z = <a, x>: the slope times that rounding joins its bound.
            double absDot = 0;
            for (var t = 0; t < c.D; t++) absDot += Math.Abs(net.Direction[t] * x.Row(i)[t]);
            var slope = Math.Abs(net.SegmentSlopes[Math.Max(net.SegmentOf(z), 0)]);
            var bound = net.LiteralErrorBound(z) + slope * ErrorBound.Gamma(c.D + 2, ErrorBound.U64) * absDot + ErrorBound.U64 * Math.Abs(exact);
            Within.Bound(literal - exact, bound, $"point {i}: literal {literal:R}, exact {exact:R}",
                "LiteralErrorBound(z) + |slope| gamma_{d+2} sum|a_t x_t| (z's rounding) + u|c| (the exact value rounded)");
            // Not a tolerance but a claim about the construction: the bound grows with n and with how close two
            // projections fall (the slopes are 1/gap): over 2,894 random cases it exceeded 1e-6·max|y| in 16 and
            // 1e-5 in one (2.7e-5), while the literal sum's actual error stayed below 3.3e-8·max|y|. Required:
            // four correct digits of every label.
            Assert.True(net.LiteralErrorBound(z) <= 1e-4 * scale, $"point {i}: the literal-sum bound {net.LiteralErrorBound(z):G3} is not small next to max|y| = {scale}");
        }
    });

    [Property]
    [States("The network has exactly 2n + d weights")]
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
    [States("A single point is fitted by one unit")]
    public void One_point_is_fitted_by_one_unit() => ClaimLog.Check(Claims.Theorem1, "one point in 3 dimensions, exact evaluation", 1, () =>
    {
        var x = FeatureMatrix.FromRows([[3.0, -1.0, 2.0]]);
        var fit = ReluInterpolation.Fit(x, [-7.5]);
        Assert.Equal(1 * 2 + 3, fit.Network.ParameterCount);
        ExactNetwork.AssertFitted(fit.Network, x, [-7.5], "one point");
    });

    [Fact]
    [States("Points on a line are fitted in their own order")]
    public void One_dimensional_points_are_fitted_in_their_own_order() => ClaimLog.Check(Claims.Theorem1, "d = 1, 200 points, exact evaluation", 200, () =>
    {
        var values = Enumerable.Range(0, 200).Select(i => Math.Sin(i) * 1000).ToArray();
        var x = new FeatureMatrix(values, 200, 1);
        var y = Enumerable.Range(0, 200).Select(i => (i % 3) - 1.0).ToArray();
        var fit = ReluInterpolation.Fit(x, y);
        Assert.Equal(1.0, Math.Abs(fit.Network.Direction[0]));
        ExactNetwork.AssertFitted(fit.Network, x, y, "one dimension");
    });

    [Fact]
    [States("Points a billionth apart are told apart")]
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
        Assert.True(maxSlope > 1e8, $"slope {maxSlope}");
        ExactNetwork.AssertFitted(net, x, y, "near-duplicate pairs");
    });

    [Fact]
    [States("Points that collide in projection make the construction draw another direction")]
    public void Points_that_collide_in_projection_make_the_fit_draw_another_direction() => ClaimLog.Check(Claims.Theorem1, "colliding projections force a redraw, exact evaluation", 4, () =>
    {
        // The first direction drawn with seed 7, reproduced here; two distinct points with the same projection on it.
        var a = new double[2];
        new GaussianSampler(new Random(7)).Fill(a);
        var norm = Math.Sqrt(a[0] * a[0] + a[1] * a[1]);
        var (a0, a1) = (a[0] / norm, a[1] / norm);
        var x = FeatureMatrix.FromRows([[0.0, 0.0], [a1 * 4, -a0 * 4], [1.0, 2.0], [-3.0, 0.5]]);
        // a0·(4a1) + a1·(−4a0) is 0 exactly; computed, within γ₂·(|a0·4a1| + |a1·4a0|) plus the rounding of 4a1 and −4a0 (exact: powers of two).
        Within.Bound(a0 * x.Row(1)[0] + a1 * x.Row(1)[1], ErrorBound.Gamma(2, ErrorBound.U64) * 8 * Math.Abs(a0 * a1), "the constructed points' projections differ",
            "gamma_2 (|a0 4a1| + |a1 4a0|)");
        double[] y = [1.0, -1.0, 0.5, 2.0];
        var fit = ReluInterpolation.Fit(x, y, new ReluFitOptions(Seed: 7));
        Assert.True(fit.DirectionTries >= 2, $"direction tries {fit.DirectionTries}");
        ExactNetwork.AssertFitted(fit.Network, x, y, "after a redraw");
    });

    [Fact]
    [States("Labels from a millionth to a million are all fitted")]
    public void Labels_of_mixed_scale_are_fitted_relative_to_the_largest() => ClaimLog.Check(Claims.Theorem1, "labels from 1e-6 to 1e6, exact evaluation", 120, () =>
    {
        var (x, _) = Samples.Draw(new InterpolationCase(120, 6, LabelKind.Random, 11));
        var y = Enumerable.Range(0, 120).Select(i => Math.Pow(10, -6 + 12.0 * i / 119) * (i % 2 == 0 ? 1 : -1)).ToArray();
        var fit = ReluInterpolation.Fit(x, y, new ReluFitOptions(Seed: 2));
        // Every label within the fit's bound, which scales with the weights |w| — set by the largest labels.
        ExactNetwork.AssertFitted(fit.Network, x, y, "mixed scales");
    });

    [Property]
    [States("The thresholds interleave the projected points")]
    public void Sorted_thresholds_interleave_the_projections(InterpolationCase c) => ClaimLog.Check(Claims.Theorem1, "thresholds interleave the projections", c.N, () =>
    {
        var (x, y) = Samples.Draw(c);
        var fit = ReluInterpolation.Fit(x, y);
        var z = fit.Network.SegmentAnchors.ToArray();
        var matrix = InterleavingMatrix.Create(z, fit.Network.Thresholds.ToArray()); // throws if not interleaving
        Assert.Equal(fit.SmallestEigenvalue, matrix.SmallestEigenvalue);
        Assert.True(fit.SmallestEigenvalue <= fit.SmallestProjectionGap);
        // z_i − b_i with b_i = fl(z_{i−1} + t·(z_i − z_{i−1})), t the threshold offset: (1 − t)(z_i − z_{i−1}) less the
        // rounding of b_i (u|b_i| for the sum, t·u·gap for the product) and of the difference (u·(z_i − b_i)).
        var options = new ReluFitOptions();
        var lower = double.PositiveInfinity;
        for (var i = 1; i < z.Length; i++)
        {
            var gap = z[i] - z[i - 1];
            lower = Math.Min(lower, ((1 - options.ThresholdOffset) * gap - ErrorBound.U64 * (Math.Abs(z[i]) + options.ThresholdOffset * gap)) * (1 - ErrorBound.U64));
        }
        Assert.True(c.N == 1 || fit.SmallestEigenvalue >= lower,
            $"smallest eigenvalue {fit.SmallestEigenvalue:R} below its bound {lower:R} ((1 - t) gap - u(|z| + t gap), t = {options.ThresholdOffset})");
    });

    [Property(MaxTest = 60)]
    public Property Linear_time_solve_equals_dense_triangular_solve() =>
        Prop.ForAll(Gen.Choose(1, 40).ToArbitrary(), Gen.Choose(0, int.MaxValue).ToArbitrary(), (n, seed) =>
        {
            var (x, y) = Samples.Draw(new InterpolationCase(n, 3, LabelKind.Random, seed));
            var net = ReluInterpolation.Fit(x, y).Network;
            var a = InterleavingMatrix.Create(net.SegmentAnchors.ToArray(), net.Thresholds.ToArray()).ToDense();
            var sorted = net.SegmentValues.ToArray();
            // The reference: forward substitution on the dense lower-triangular A, componentwise backward stable,
            // (A + ΔA)w_ref = y with |ΔA| ≤ γ_n|A| (Higham Thm 8.5). The O(n) recurrence is too, with |ΔA| ≤ (n + 2)ε|A|
            // (the literal-sum bound). So |w − w_ref|_∞ ≤ |A⁻¹|_∞ (|ΔA||w| + |ΔA_ref||w_ref|)_∞, with |A⁻¹|_∞ ≤ 2|X̂|_∞
            // for the computed inverse X̂ while n·κ·u ≤ 1/4.
            var reference = new double[n];
            for (var i = 0; i < n; i++)
            {
                var sum = sorted[i];
                for (var j = 0; j < i; j++) sum -= a[i, j] * reference[j];
                reference[i] = sum / a[i, i];
            }
            var w = Vector<double>.Build.DenseOfArray(net.Weights.ToArray());
            var wRef = Vector<double>.Build.DenseOfArray(reference);
            var inverse = a.Inverse().InfinityNorm();
            var condition = inverse * a.InfinityNorm();
            if (n * condition * ErrorBound.U64 > 0.25) return; // not comparable digit by digit: too ill-conditioned
            var absA = a.PointwiseAbs();
            var backward = (n + 2) * 2 * ErrorBound.U64 * (absA * w.PointwiseAbs()) + ErrorBound.Gamma(n, ErrorBound.U64) * (absA * wRef.PointwiseAbs());
            Within.Bound((w - wRef).InfinityNorm(), 2 * inverse * backward.InfinityNorm(), $"n={n}: |w - w_forward substitution|",
                "2|X^-1| ((n+2) eps |A||w| + gamma_n |A||w_ref|), both componentwise backward stable; " + ErrorBound.Inputs(("|A^-1|", inverse), ("cond", condition)));
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
            // The literal sum within LiteralErrorBound(t) of the exact c(t); the segment form y_k + S_k(t − z_k) within
            // the exact network's error at its anchor (LiteralErrorBound(z_k)), the slope's accumulated rounding
            // u·Σ_{j≤k}|w_j| times |t − z_k|, and its own evaluation 4u|S_k|(|t| + |z_k|) + u|value|.
            var segmentIndex = Math.Max(net.SegmentOf(t), 0);
            var anchor = z[segmentIndex];
            var weights = net.Weights.ToArray();
            var accumulated = ErrorBound.U64 * weights.Take(segmentIndex + 1).Sum(Math.Abs) * Math.Abs(t - anchor);
            var slack = net.LiteralErrorBound(t) + net.LiteralErrorBound(anchor) + accumulated
                        + 4 * ErrorBound.U64 * Math.Abs(net.SegmentSlopes[segmentIndex]) * (Math.Abs(t) + Math.Abs(anchor)) + ErrorBound.U64 * Math.Abs(segment);
            Within.Bound(segment - literal, slack, $"z={t}: segment {segment:R}, literal {literal:R}",
                "LEB(t) + LEB(z_k) + u sum_{j<=k}|w_j| |t - z_k| + 4u|S_k|(|t| + |z_k|) + u|c|");
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
        // The broken line through (2, 1) and (4, 5) gives 3; each kink sits t·gap beyond its point (t the threshold
        // offset), moving the line by at most 2·t·gap on each of the two segments involved times their slopes.
        var t = new ReluFitOptions().ThresholdOffset;
        var maxSlope = net.SegmentSlopes.ToArray().Max(Math.Abs);
        Within.Bound(mid - 3.0, 4 * t * 2 * maxSlope + net.LiteralErrorBound(sign * 3.0), "c(3) against the broken line",
            "4 t gap max|slope| (the thresholds' offset) + LiteralErrorBound");
    }
}
