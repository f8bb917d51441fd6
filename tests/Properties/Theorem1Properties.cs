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
    [Property]
    public void Fits_any_labels_to_1e_8_relative(InterpolationCase c)
    {
        var (x, y) = Samples.Draw(c);
        var fit = ReluInterpolation.Fit(x, y, new ReluFitOptions(Seed: c.Seed));
        var check = InterpolationCheck.Run(fit.Network, x, y, literalSample: 50, seed: c.Seed);
        Assert.True(check.RelativeError <= 1e-8, $"segment evaluator relative error {check.RelativeError}");
        // The literal network sum obeys its a-priori rounding bound.
        Assert.True(check.LiteralMaxError <= check.LiteralErrorBound + 1e-12 * check.MaxAbsLabel,
            $"literal error {check.LiteralMaxError} above bound {check.LiteralErrorBound}");
    }

    [Property]
    public void Has_exactly_2n_plus_d_parameters(InterpolationCase c)
    {
        var (x, y) = Samples.Draw(c);
        var network = ReluInterpolation.Fit(x, y).Network;
        Assert.Equal(2L * c.N + c.D, network.ParameterCount);
        Assert.Equal(c.N, network.Width);
        Assert.Equal(c.D, network.Direction.Length);
        Assert.Equal(c.N, network.Thresholds.Length);
        Assert.Equal(c.N, network.Weights.Length);
    }

    [Property]
    public void Direct_evaluation_of_the_network_reproduces_the_labels(InterpolationCase c)
    {
        var (x, y) = Samples.Draw(c);
        var net = ReluInterpolation.Fit(x, y, new ReluFitOptions(Seed: c.Seed + 1)).Network;
        var a = net.Direction.ToArray();
        var b = net.Thresholds.ToArray();
        var w = net.Weights.ToArray();
        for (var i = 0; i < Math.Min(c.N, 60); i++)
        {
            // Independent evaluation of sum_j w_j max(<a,x> - b_j, 0) with plain loops, and its bound.
            var z = Samples.Dot(a, x.Row(i));
            double absDot = 0;
            for (var t = 0; t < a.Length; t++) absDot += Math.Abs(a[t] * x.Row(i)[t]);
            double sum = 0, magnitude = 0;
            for (var j = 0; j < b.Length; j++)
            {
                var h = Math.Max(z - b[j], 0);
                sum += w[j] * h;
                magnitude += Math.Abs(w[j] * h);
            }
            // Rounding of the sum itself, plus the local slope times the rounding of z = <a, x> (this
            // loop and the library's SIMD dot product round differently).
            var slope = Math.Abs(net.SegmentSlopes[Math.Max(net.SegmentOf(z), 0)]);
            var bound = (c.N + 4) * 2.3e-16 * magnitude + slope * (c.D + 2) * 2.3e-16 * absDot;
            Assert.True(Math.Abs(sum - y[i]) <= bound + 1e-12, $"point {i}: sum {sum} label {y[i]} bound {bound}");
        }
    }

    [Property]
    public void Sorted_thresholds_interleave_the_projections(InterpolationCase c)
    {
        var (x, y) = Samples.Draw(c);
        var fit = ReluInterpolation.Fit(x, y);
        var z = fit.Network.SegmentAnchors.ToArray();
        var matrix = InterleavingMatrix.Create(z, fit.Network.Thresholds.ToArray()); // throws if not interleaving
        Assert.Equal(fit.SmallestEigenvalue, matrix.SmallestEigenvalue);
        Assert.True(fit.SmallestEigenvalue <= fit.SmallestProjectionGap);
        Assert.True(fit.SmallestEigenvalue >= fit.SmallestProjectionGap * (1 - 1e-5) || c.N == 1);
    }

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
