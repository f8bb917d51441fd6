using System.Collections.Concurrent;
using Rethink.Core;

namespace Rethink.Theory;

/// <summary>
/// Seeded synthetic samples for the theory experiments. Generation is parallel over blocks of rows,
/// each block with its own generator derived from (seed, block), so the result depends only on the
/// seed — not on the number of threads.
/// </summary>
public static class SyntheticPoints
{
    private const int BlockRows = 1024;

    /// <summary>n points with independent N(0, 1) coordinates.</summary>
    public static FeatureMatrix Gaussian(int n, int d, int seed)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(n);
        ArgumentOutOfRangeException.ThrowIfLessThan(d, 1);
        if ((long)n * d > Array.MaxLength)
            throw new ArgumentOutOfRangeException(nameof(n), $"{n} x {d} = {(long)n * d} coordinates exceed the largest .NET array ({Array.MaxLength}).");
        var values = new double[(long)n * d];
        var blocks = (n + BlockRows - 1) / BlockRows;
        Parallel.ForEach(Partitioner.Create(0, blocks, 1), range =>
        {
            for (var block = range.Item1; block < range.Item2; block++)
            {
                var sampler = new GaussianSampler(SeedMixer.Random(seed, 0x2545F491L + block));
                var first = block * BlockRows;
                var rows = Math.Min(BlockRows, n - first);
                sampler.Fill(values.AsSpan(first * d, rows * d));
            }
        });
        return new FeatureMatrix(values, n, d);
    }

    /// <summary>Labels for a Theorem 1 experiment.</summary>
    public static double[] Labels(FeatureMatrix points, LabelFunction kind, int seed)
    {
        ArgumentNullException.ThrowIfNull(points);
        var random = SeedMixer.Random(seed, 0x68E31DA4);
        var y = new double[points.Rows];
        switch (kind)
        {
            case LabelFunction.Random:
                for (var i = 0; i < y.Length; i++) y[i] = 2 * random.NextDouble() - 1;
                break;
            case LabelFunction.RandomSign:
                for (var i = 0; i < y.Length; i++) y[i] = random.Next(2) == 0 ? -1.0 : 1.0;
                break;
            case LabelFunction.TrueFunction:
                var u = new double[points.Columns];
                new GaussianSampler(random).Fill(u);
                var scale = 1.0 / Math.Sqrt(points.Columns);
                for (var k = 0; k < u.Length; k++) u[k] *= scale;
                var z = Projection.Project(points, u);
                for (var i = 0; i < y.Length; i++) y[i] = Math.Sin(z[i]);
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(kind), kind, "Unknown label function.");
        }
        return y;
    }
}

/// <summary>How Theorem 1 experiment labels are drawn.</summary>
public enum LabelFunction
{
    /// <summary>yᵢ uniform in [−1, 1], independent of xᵢ.</summary>
    Random,
    /// <summary>yᵢ uniform in {−1, +1} (a Rademacher sign pattern).</summary>
    RandomSign,
    /// <summary>yᵢ = sin(⟨u, xᵢ⟩) for a fixed random u ~ N(0, I/d): labels that are a function of the input.</summary>
    TrueFunction,
}
