using Rethink.Core;
using System.Collections.Concurrent;
using System.Globalization;

namespace Rethink.Theory;

/// <summary>
/// How well a fitted network reproduces its labels, measured with both evaluators. Errors are
/// absolute and, in the Relative* properties, divided by max|y|.
/// </summary>
/// <param name="Points">Points checked with the segment evaluator (all of them).</param>
/// <param name="MaxError">maxᵢ |c(xᵢ) − yᵢ| with the library's segment evaluator.</param>
/// <param name="LiteralSample">Points checked with the literal O(n) sum (a seeded sample when n is large).</param>
/// <param name="LiteralMaxError">max |Σⱼ wⱼ max(⟨a,xᵢ⟩ − bⱼ, 0) − yᵢ| over the sample.</param>
/// <param name="LiteralErrorBound">max over the sample of (n + 2)·ε·Σⱼ|wⱼ|hⱼ, the a-priori rounding bound of the literal sum.</param>
/// <param name="MaxAbsLabel">max|y|.</param>
public sealed record InterpolationCheck(
    int Points,
    double MaxError,
    int LiteralSample,
    double LiteralMaxError,
    double LiteralErrorBound,
    double MaxAbsLabel)
{
    /// <summary>Largest |c(xᵢ) − yᵢ| over the points, relative to max |yᵢ| (1 when every label is 0).</summary>
    public double RelativeError => MaxError / Scale;
    /// <summary>The same for the literal evaluation on the sampled points.</summary>
    public double LiteralRelativeError => LiteralMaxError / Scale;
    /// <summary>The rounding bound of the literal evaluation, relative to max |yᵢ|.</summary>
    public double LiteralRelativeErrorBound => LiteralErrorBound / Scale;
    private double Scale => MaxAbsLabel > 0 ? MaxAbsLabel : 1.0;

    /// <summary>
    /// Evaluates <paramref name="network"/> on every point with the segment evaluator and on
    /// <paramref name="literalSample"/> seeded random points with the literal sum.
    /// </summary>
    public static InterpolationCheck Run(ReluInterpolant network, FeatureMatrix points, ReadOnlySpan<double> labels, int literalSample = 1000, int seed = 0)
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentNullException.ThrowIfNull(points);
        if (labels.Length != points.Rows)
            throw new ArgumentException($"There are {points.Rows} points but {labels.Length} labels.", nameof(labels));
        var y = labels.ToArray();
        var predicted = network.Evaluate(points);
        var maxError = 0.0;
        var maxAbs = 0.0;
        for (var i = 0; i < y.Length; i++)
        {
            maxError = Math.Max(maxError, Math.Abs(predicted[i] - y[i]));
            maxAbs = Math.Max(maxAbs, Math.Abs(y[i]));
        }

        var sample = SampleIndices(points.Rows, literalSample, seed);
        var literalError = new double[sample.Length];
        var bound = new double[sample.Length];
        Parallel.ForEach(Partitioner.Create(0, sample.Length, 16), range =>
        {
            for (var s = range.Item1; s < range.Item2; s++)
            {
                var i = sample[s];
                var z = network.Project(points.Row(i));
                literalError[s] = Math.Abs(network.EvaluateLiteralProjection(z) - y[i]);
                bound[s] = network.LiteralErrorBound(z);
            }
        });
        return new InterpolationCheck(points.Rows, maxError, sample.Length,
            literalError.DefaultIfEmpty(0).Max(), bound.DefaultIfEmpty(0).Max(), maxAbs);
    }

    private static int[] SampleIndices(int n, int size, int seed)
    {
        if (size >= n) return Enumerable.Range(0, n).ToArray();
        var indices = Enumerable.Range(0, n).ToArray();
        new Random(seed).Shuffle(indices);
        return indices[..Math.Max(size, 0)];
    }

    /// <summary>The check as a few lines of text for the console.</summary>
    public string ToText()
    {
        var c = CultureInfo.InvariantCulture;
        return string.Create(c,
            $"  max interpolation error        {MaxError:G3} absolute, {RelativeError:G3} relative to max|y| = {MaxAbsLabel:G4} (segment evaluator, all {Points} points)\n" +
            $"  literal-sum error              {LiteralMaxError:G3} absolute, {LiteralRelativeError:G3} relative (sum_j w_j max(<a,x>-b_j,0), {LiteralSample} points)\n" +
            $"  literal-sum rounding bound     {LiteralErrorBound:G3} absolute, {LiteralRelativeErrorBound:G3} relative ((n+2) eps sum_j |w_j| h_j)");
    }
}
