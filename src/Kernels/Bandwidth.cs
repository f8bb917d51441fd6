using Rethink.Core;

namespace Rethink.Kernels;

/// <summary>How a kernel's bandwidth was chosen.</summary>
public enum BandwidthRule
{
    /// <summary>A value given by the user.</summary>
    Given,
    /// <summary>Scale s = median squared distance between points (on a seeded sample); γ = m / s, σ = √s / m.</summary>
    Median,
    /// <summary>Scale s = d · Var(X) over all entries (scikit-learn's "scale"); γ = m / s, σ = √s / m.</summary>
    Variance,
}

/// <summary>
/// A resolved bandwidth, recorded with every result: the rule, the data scale it measured, the
/// multiplier m, and the resulting Gaussian γ (or Laplacian σ).
/// </summary>
public sealed record Bandwidth(BandwidthRule Rule, double Scale, double Multiplier, double Gamma, double Sigma)
{
    /// <summary>A bandwidth given directly (no data rule).</summary>
    public static Bandwidth Given(double gamma) => new(BandwidthRule.Given, double.NaN, 1, gamma, 1 / Math.Sqrt(gamma));

    /// <summary>
    /// Resolves <paramref name="rule"/> with multiplier <paramref name="multiplier"/> on the training points: from their
    /// coordinates, or from their stored Gram matrix (squared distances ‖xᵢ‖² + ‖xⱼ‖² − 2⟨xᵢ, xⱼ⟩ on the same seeded sample;
    /// the variance rule needs the coordinates' mean, which inner products do not give).
    /// </summary>
    public static Bandwidth Resolve(BandwidthRule rule, double multiplier, KernelOperand train, int seed = 0, int sample = 2000) => train switch
    {
        KernelOperand.Points { Values: var x } => FromPoints(rule, multiplier, x, seed, sample),
        KernelOperand.Products { Values: var gram } => FromProducts(rule, multiplier, gram, seed, sample),
        _ => throw new ArgumentOutOfRangeException(nameof(train)),
    };

    private static Bandwidth FromPoints(BandwidthRule rule, double multiplier, FeatureMatrix x, int seed, int sample)
    {
        ArgumentNullException.ThrowIfNull(x);
        if (!(multiplier > 0)) throw new Core.UserInputException("Multiplier", multiplier, "the bandwidth multiplier must be positive.");
        var scale = rule switch
        {
            BandwidthRule.Median => MedianSquaredDistance(x, seed, sample),
            BandwidthRule.Variance => x.Columns * Variance(x),
            _ => throw new ArgumentException("A given bandwidth has no data rule; use Bandwidth.Given.", nameof(rule)),
        };
        if (!(scale > 0)) throw new ArgumentException($"The data's {rule} scale is {scale}: all points coincide, no bandwidth rule applies.", nameof(x));
        return new Bandwidth(rule, scale, multiplier, multiplier / scale, Math.Sqrt(scale) / multiplier);
    }

    private static Bandwidth FromProducts(BandwidthRule rule, double multiplier, InnerProducts.IInnerProducts gram, int seed, int sample)
    {
        ArgumentNullException.ThrowIfNull(gram);
        if (!(multiplier > 0)) throw new Core.UserInputException("Multiplier", multiplier, "the bandwidth multiplier must be positive.");
        if (rule != BandwidthRule.Median)
            throw new Core.UserInputException("BandwidthRule", rule.ToString().ToLowerInvariant(), "streamed features keep only inner products, which give no coordinate variance: use the median rule.");
        var indices = Enumerable.Range(0, gram.Rows).ToArray();
        SeedMixer.Random(seed, 0xBA4D).Shuffle(indices);
        var rows = indices.Take(Math.Min(sample, gram.Rows)).ToArray();
        var column = new double[gram.Rows];
        var distances = new List<double>(rows.Length * (rows.Length - 1) / 2);
        for (var b = 0; b < rows.Length; b++)
        {
            gram.CopyColumns(rows[b], 1, column);
            for (var a = 0; a < b; a++)
                distances.Add(Kernel.SquaredDistance(column[rows[a]], gram.RowNorms[rows[a]], gram.RowNorms[rows[b]]));
        }
        if (distances.Count == 0) throw new ArgumentException("One point has no distances: no bandwidth rule applies.", nameof(gram));
        distances.Sort();
        var mid = distances.Count / 2;
        var scale = distances.Count % 2 == 1 ? distances[mid] : 0.5 * (distances[mid - 1] + distances[mid]);
        if (!(scale > 0)) throw new ArgumentException($"The median squared distance is {scale}: all points coincide, no bandwidth rule applies.", nameof(gram));
        return new Bandwidth(rule, scale, multiplier, multiplier / scale, Math.Sqrt(scale) / multiplier);
    }

    /// <summary>Median of ‖xᵢ − xⱼ‖² over all pairs i &lt; j of a seeded sample of points.</summary>
    public static double MedianSquaredDistance(FeatureMatrix x, int seed, int sample)
    {
        var indices = Enumerable.Range(0, x.Rows).ToArray();
        SeedMixer.Random(seed, 0xBA4D).Shuffle(indices);
        var rows = indices.Take(Math.Min(sample, x.Rows)).ToArray();
        var distances = new List<double>(rows.Length * (rows.Length - 1) / 2);
        for (var a = 0; a < rows.Length; a++)
            for (var b = a + 1; b < rows.Length; b++)
            {
                var u = x.Row(rows[a]);
                var v = x.Row(rows[b]);
                double s = 0;
                for (var t = 0; t < u.Length; t++) { var diff = u[t] - v[t]; s += diff * diff; }
                distances.Add(s);
            }
        if (distances.Count == 0) return double.NaN;
        distances.Sort();
        var mid = distances.Count / 2;
        return distances.Count % 2 == 1 ? distances[mid] : 0.5 * (distances[mid - 1] + distances[mid]);
    }

    private static double Variance(FeatureMatrix x)
    {
        double sum = 0, sumSq = 0;
        foreach (var v in x.Values) { sum += v; sumSq += v * v; }
        var n = (double)x.Values.LongLength;
        var mean = sum / n;
        return Math.Max(sumSq / n - mean * mean, 0);
    }
}
