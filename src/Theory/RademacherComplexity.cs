using Rethink.Core;
using MathNet.Numerics.LinearAlgebra;

namespace Rethink.Theory;

/// <summary>A Monte Carlo estimate with its normal-approximation confidence interval.</summary>
/// <param name="Mean">Sample mean.</param>
/// <param name="StandardError">Sample standard deviation / √draws.</param>
/// <param name="Low">Mean − z·SE.</param>
/// <param name="High">Mean + z·SE.</param>
/// <param name="Draws">Sign vectors drawn.</param>
/// <param name="Confidence">Nominal coverage of [Low, High].</param>
public sealed record MonteCarloEstimate(double Mean, double StandardError, double Low, double High, int Draws, double Confidence)
{
    /// <summary>Whether <paramref name="value"/> lies in [Low, High].</summary>
    public bool Contains(double value) => value >= Low && value <= High;

    /// <summary>Mean, standard error and the normal interval of <paramref name="confidence"/> coverage of <paramref name="samples"/>.</summary>
    public static MonteCarloEstimate From(IReadOnlyList<double> samples, double confidence = 0.99)
    {
        var n = samples.Count;
        var mean = samples.Average();
        var variance = n > 1 ? samples.Sum(s => (s - mean) * (s - mean)) / (n - 1) : 0;
        var se = Math.Sqrt(variance / n);
        var z = MathNet.Numerics.Distributions.Normal.InvCDF(0, 1, 0.5 + confidence / 2);
        return new MonteCarloEstimate(mean, se, mean - z * se, mean + z * se, n, confidence);
    }
}

/// <summary>
/// Empirical Rademacher complexity R̂ₙ(H) = E_σ[sup_{h∈H} (1/n) Σᵢ σᵢ h(xᵢ)], σ uniform on {±1}ⁿ.
/// For each σ the supremum has a closed form for the bounded linear and kernel classes; the
/// expectation over σ is estimated by Monte Carlo (or computed exactly by enumerating all 2ⁿ sign
/// vectors when n is small).
/// </summary>
public static class RademacherComplexity
{
    /// <summary>
    /// Linear class {x ↦ ⟨w, x⟩ : ‖w‖ ≤ B}: sup = B‖Σσᵢxᵢ‖/n (Cauchy–Schwarz, attained at w ∝ Σσᵢxᵢ).
    /// </summary>
    public static double LinearSupremum(Matrix<double> x, IReadOnlyList<double> sigma, double bound)
    {
        var sum = x.TransposeThisAndMultiply(Vector<double>.Build.DenseOfEnumerable(sigma));
        return bound * sum.L2Norm() / x.RowCount;
    }

    /// <summary>
    /// RKHS ball {f : ‖f‖_H ≤ B}: sup = B√(σᵀKσ)/n (reproducing property and Cauchy–Schwarz, attained
    /// at f ∝ Σσᵢk(xᵢ, ·)).
    /// </summary>
    public static double KernelSupremum(Matrix<double> k, IReadOnlyList<double> sigma)
    {
        var s = Vector<double>.Build.DenseOfEnumerable(sigma);
        return Math.Sqrt(Math.Max(s.DotProduct(k * s), 0)) / k.RowCount;
    }

    /// <summary>The RKHS-ball supremum of <see cref="KernelSupremum(Matrix{double}, IReadOnlyList{double})"/> scaled to the ball of radius <paramref name="bound"/>.</summary>
    public static double KernelSupremum(Matrix<double> k, IReadOnlyList<double> sigma, double bound) => bound * KernelSupremum(k, sigma);

    /// <summary>n uniform random signs, deterministic under <paramref name="seed"/>.</summary>
    public static double[] Signs(int n, int seed)
    {
        var random = new Random(seed);
        return Enumerable.Range(0, n).Select(_ => random.Next(2) == 0 ? -1.0 : 1.0).ToArray();
    }

    /// <summary>Monte Carlo over σ of a per-σ supremum: draw t uses the signs of seed (<paramref name="seed"/>, t).</summary>
    public static MonteCarloEstimate Estimate(int n, Func<double[], double> supremum, int draws, int seed, double confidence = 0.99)
    {
        var samples = new double[draws];
        for (var t = 0; t < draws; t++) samples[t] = supremum(Signs(n, SeedMixer.Mix(seed, t)));
        return MonteCarloEstimate.From(samples, confidence);
    }

    /// <summary>E_σ exactly, over all 2ⁿ sign vectors (n ≤ 20).</summary>
    public static double Exact(int n, Func<double[], double> supremum)
    {
        if (n > 20) throw new ArgumentOutOfRangeException(nameof(n), n, "Exact enumeration visits 2^n sign vectors; use n <= 20.");
        double total = 0;
        var sigma = new double[n];
        for (long mask = 0; mask < 1L << n; mask++)
        {
            for (var i = 0; i < n; i++) sigma[i] = (mask >> i & 1) == 1 ? 1 : -1;
            total += supremum(sigma);
        }
        return total / (1L << n);
    }

    /// <summary>
    /// The class of Theorem 1's networks with outputs clipped to [−1, 1]: for any σ, fitting the labels σ
    /// gives (1/n)Σσᵢ clip(c(xᵢ)) = 1, the largest value possible, so R̂ₙ = 1 on any sample of distinct
    /// points. Returns that value for one σ (by actually fitting and evaluating the network).
    /// </summary>
    public static double ReluInterpolationSupremum(FeatureMatrix points, IReadOnlyList<double> sigma, int seed = 0)
    {
        var fit = ReluInterpolation.Fit(points, sigma.ToArray(), new ReluFitOptions(Seed: seed));
        var values = fit.Network.Evaluate(points);
        double sum = 0;
        for (var i = 0; i < values.Length; i++) sum += sigma[i] * Math.Clamp(values[i], -1, 1);
        return sum / points.Rows;
    }
}
