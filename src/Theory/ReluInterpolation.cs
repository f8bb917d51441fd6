using System.Diagnostics;
using Rethink.Core;

namespace Rethink.Theory;

/// <summary>
/// Theorem 1 of Zhang et al. (2017): a two-layer ReLU network with 2n + d weights represents any
/// function on a sample of n points in d dimensions. This class constructs it.
/// </summary>
/// <remarks>
/// <para>Construction: draw a random unit direction a (seeded), project zᵢ = ⟨a, xᵢ⟩, sort, place
/// thresholds interleaved with the sorted projections (b₁ &lt; z₁ &lt; b₂ &lt; … &lt; bₙ &lt; zₙ), and
/// solve A w = y with A = [max(zᵢ − bⱼ, 0)], Lemma 1's lower-triangular matrix.</para>
/// <para>The solve is O(n): on [bₖ, bₖ₊₁) the network is linear with slope Sₖ = w₁ + … + wₖ, so
/// Sₖ = (yₖ − c(bₖ)) / (zₖ − bₖ) with c(bₖ) = yₖ₋₁ + Sₖ₋₁(bₖ − zₖ₋₁), and wₖ = Sₖ − Sₖ₋₁.
/// Each step uses only neighbouring quantities, so no large running sums cancel.</para>
/// <para>Duplicates: identical points with equal labels are merged into one hidden unit (so n counts
/// distinct points); identical points with different labels are an error
/// (<see cref="InterpolationFailure.ConflictingLabels"/>). Distinct points whose projections
/// coincide make the fit draw another direction.</para>
/// </remarks>
public static class ReluInterpolation
{
    /// <summary>Fits the 2n + d network to <paramref name="labels"/> on <paramref name="points"/>; throws <see cref="InterpolationException"/> naming the rule that failed.</summary>
    /// <param name="points">n points in d dimensions.</param>
    /// <param name="labels">n labels, any finite reals.</param>
    /// <param name="options">Seed of the direction, tries, threshold placement (default <see cref="ReluFitOptions.Default"/>).</param>
    public static ReluFit Fit(FeatureMatrix points, ReadOnlySpan<double> labels, ReluFitOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(points);
        options ??= ReluFitOptions.Default;
        ArgumentOutOfRangeException.ThrowIfLessThan(options.MaxDirectionTries, 1, nameof(options));
        if (!(options.ThresholdOffset > 0 && options.ThresholdOffset < 1))
            throw new ArgumentOutOfRangeException(nameof(options), options.ThresholdOffset, "ThresholdOffset must lie in (0, 1).");
        Validate(points, labels);

        var y = labels.ToArray();
        var watch = Stopwatch.StartNew();
        var sampler = new GaussianSampler(new Random(options.Seed));
        for (var attempt = 1; attempt <= options.MaxDirectionTries; attempt++)
        {
            var a = new double[points.Columns];
            sampler.Fill(a);
            var norm = Math.Sqrt(a.Sum(v => v * v));
            for (var k = 0; k < a.Length; k++) a[k] /= norm;

            watch.Restart();
            var z = Projection.Project(points, a);
            var projection = watch.Elapsed.TotalSeconds;

            watch.Restart();
            var order = new int[z.Length];
            for (var i = 0; i < order.Length; i++) order[i] = i;
            var sortedZ = (double[])z.Clone();
            Array.Sort(sortedZ, order);
            var distinct = Distinct(points, y, sortedZ, order, out var separable);
            var sort = watch.Elapsed.TotalSeconds;
            if (!separable) continue;

            watch.Restart();
            var network = Solve(a, distinct.Z, distinct.Y, options.ThresholdOffset, out var lambdaMin, out var minGap);
            var solve = watch.Elapsed.TotalSeconds;
            return new ReluFit(network, distinct.Z.Length, points.Rows - distinct.Z.Length, attempt, lambdaMin, minGap, new ReluFitTimings(projection, sort, solve));
        }
        throw new InterpolationException(InterpolationFailure.DegenerateProjection,
            $"Distinct points had equal (or adjacent-double) projections for all {options.MaxDirectionTries} random directions tried; " +
            "the points are too close for double precision along a random direction. Rescale or deduplicate the data, or raise MaxDirectionTries.");
    }

    private static void Validate(FeatureMatrix points, ReadOnlySpan<double> labels)
    {
        if (points.Rows == 0)
            throw new InterpolationException(InterpolationFailure.ShapeMismatch, "No points to fit: the point set is empty.");
        if (labels.Length != points.Rows)
            throw new InterpolationException(InterpolationFailure.ShapeMismatch,
                $"There are {points.Rows} points but {labels.Length} labels; give one label per point.");
        if (points.FirstNonFinite() is { } bad)
            throw new InterpolationException(InterpolationFailure.NonFiniteInput,
                $"Point {bad.Row}, coordinate {bad.Column} is {points.Values[bad.Row * points.Columns + bad.Column]}; every coordinate must be finite.");
        for (var i = 0; i < labels.Length; i++)
            if (!double.IsFinite(labels[i]))
                throw new InterpolationException(InterpolationFailure.NonFiniteInput, $"Label {i} is {labels[i]}; every label must be finite.");
    }

    private readonly record struct DistinctProjections(double[] Z, double[] Y);

    /// <summary>
    /// Walks the sorted projections, merging identical points (equal labels required) and
    /// reporting whether all distinct points can be separated by a threshold.
    /// </summary>
    private static DistinctProjections Distinct(FeatureMatrix points, double[] y, double[] sortedZ, int[] order, out bool separable)
    {
        var outZ = new List<double>(sortedZ.Length);
        var outY = new List<double>(sortedZ.Length);
        separable = true;
        var start = 0;
        while (start < sortedZ.Length)
        {
            var end = start + 1;
            while (end < sortedZ.Length && sortedZ[end] == sortedZ[start]) end++;
            // All points in [start, end) share a projection: they must be identical to be merged.
            var first = order[start];
            for (var k = start + 1; k < end; k++)
            {
                var other = order[k];
                if (!points.Row(first).SequenceEqual(points.Row(other)))
                {
                    separable = false;
                    return default;
                }
                if (y[other] != y[first])
                {
                    var (lo, hi) = first < other ? (first, other) : (other, first);
                    throw new InterpolationException(InterpolationFailure.ConflictingLabels,
                        $"Points {lo} and {hi} are identical but labelled {y[lo]:R} and {y[hi]:R}; no function fits both. Remove one or make the labels agree.");
                }
            }
            if (outZ.Count > 0 && !(Math.BitIncrement(outZ[^1]) < sortedZ[start]))
            {
                // No double strictly between the two projections: no threshold can separate them.
                separable = false;
                return default;
            }
            outZ.Add(sortedZ[start]);
            outY.Add(y[first]);
            start = end;
        }
        return new DistinctProjections([.. outZ], [.. outY]);
    }

    private static ReluInterpolant Solve(double[] a, double[] z, double[] y, double offset, out double lambdaMin, out double minGap)
    {
        var n = z.Length;
        var b = new double[n];
        var w = new double[n];
        var slope = new double[n];
        var value = y;

        minGap = double.PositiveInfinity;
        for (var i = 1; i < n; i++) minGap = Math.Min(minGap, z[i] - z[i - 1]);
        var meanGap = n > 1 ? (z[^1] - z[0]) / (n - 1) : 1.0;
        b[0] = Math.Min(z[0] - meanGap, Math.BitDecrement(z[0]));
        for (var i = 1; i < n; i++)
        {
            var candidate = z[i - 1] + offset * (z[i] - z[i - 1]);
            b[i] = Math.Max(candidate, Math.BitIncrement(z[i - 1]));
        }

        lambdaMin = double.PositiveInfinity;
        for (var i = 0; i < n; i++)
        {
            var diagonal = z[i] - b[i];
            lambdaMin = Math.Min(lambdaMin, diagonal);
            var atThreshold = i == 0 ? 0.0 : y[i - 1] + slope[i - 1] * (b[i] - z[i - 1]);
            slope[i] = (y[i] - atThreshold) / diagonal;
            w[i] = i == 0 ? slope[0] : slope[i] - slope[i - 1];
            if (!double.IsFinite(w[i]))
                throw new InterpolationException(InterpolationFailure.WeightOverflow,
                    $"Weight {i} overflowed (projection gap {z[i] - z[Math.Max(i - 1, 0)]:G3} against label scale {Math.Abs(y[i]):G3}); rescale the labels or the points.");
        }
        return new ReluInterpolant(a, b, w, (double[])z.Clone(), (double[])value.Clone(), slope);
    }
}
