using System.Numerics;

namespace Rethink.Properties;

/// <summary>
/// An exact dyadic rational m·2ᵉ (BigInteger m): every double is one, and sums and products of them
/// stay exact. The independent reference for floating-point constructions: no rounding at all.
/// </summary>
public readonly struct Dyadic : IComparable<Dyadic>
{
    public Dyadic(BigInteger mantissa, int exponent)
    {
        Mantissa = mantissa;
        Exponent = mantissa.IsZero ? 0 : exponent;
    }

    public BigInteger Mantissa { get; }
    public int Exponent { get; }
    public int Sign => Mantissa.Sign;

    public static readonly Dyadic Zero = new(BigInteger.Zero, 0);

    /// <summary>The exact value of a finite double.</summary>
    public static Dyadic From(double value)
    {
        if (!double.IsFinite(value)) throw new ArgumentException($"{value} is not finite.", nameof(value));
        if (value == 0) return Zero;
        var bits = BitConverter.DoubleToInt64Bits(value);
        var exponent = (int)((bits >> 52) & 0x7FF);
        var fraction = bits & 0xFFFFFFFFFFFFFL;
        long mantissa = exponent == 0 ? fraction : fraction | (1L << 52);
        var e = (exponent == 0 ? 1 : exponent) - 1075;
        return new Dyadic(bits < 0 ? -mantissa : mantissa, e);
    }

    public static Dyadic operator +(Dyadic a, Dyadic b)
    {
        if (a.Mantissa.IsZero) return b;
        if (b.Mantissa.IsZero) return a;
        var e = Math.Min(a.Exponent, b.Exponent);
        return new Dyadic((a.Mantissa << (a.Exponent - e)) + (b.Mantissa << (b.Exponent - e)), e);
    }

    public static Dyadic operator -(Dyadic a) => new(-a.Mantissa, a.Exponent);
    public static Dyadic operator -(Dyadic a, Dyadic b) => a + -b;
    public static Dyadic operator *(Dyadic a, Dyadic b) => new(a.Mantissa * b.Mantissa, a.Exponent + b.Exponent);

    public int CompareTo(Dyadic other) => (this - other).Sign;

    public static Dyadic Max(Dyadic a, Dyadic b) => a.CompareTo(b) >= 0 ? a : b;

    /// <summary>The nearest double (to within one rounding).</summary>
    public double ToDouble()
    {
        if (Mantissa.IsZero) return 0;
        var bits = (int)Mantissa.GetBitLength();
        var shift = Math.Max(0, bits - 62);
        return Math.ScaleB((double)(Mantissa >> shift), Exponent + shift);
    }

    /// <summary>Σ aᵢ·bᵢ exactly.</summary>
    public static Dyadic Dot(ReadOnlySpan<double> a, ReadOnlySpan<double> b)
    {
        var sum = Zero;
        for (var i = 0; i < a.Length; i++) sum += From(a[i]) * From(b[i]);
        return sum;
    }
}

/// <summary>
/// Theorem 1's network c(x) = Σⱼ wⱼ max(⟨a, x⟩ − bⱼ, 0) evaluated in exact arithmetic from its stored
/// parameters: the literal definition, sharing no code with the library's fit or evaluators.
/// </summary>
public static class ExactNetwork
{
    public static Dyadic Evaluate(ReadOnlySpan<double> a, ReadOnlySpan<double> b, ReadOnlySpan<double> w, ReadOnlySpan<double> x)
    {
        var z = Dyadic.Dot(a, x);
        var sum = Dyadic.Zero;
        for (var j = 0; j < b.Length; j++)
        {
            var h = z - Dyadic.From(b[j]);
            if (h.Sign > 0) sum += Dyadic.From(w[j]) * h;
        }
        return sum;
    }

    /// <summary>The largest |c(xᵢ) − yᵢ| over all points, relative to max |y|.</summary>
    public static double MaxRelativeError(Rethink.Theory.ReluInterpolant network, FeatureMatrix x, ReadOnlySpan<double> y)
    {
        double worst = 0, scale = 0;
        foreach (var v in y) scale = Math.Max(scale, Math.Abs(v));
        for (var i = 0; i < x.Rows; i++)
        {
            var value = Evaluate(network.Direction, network.Thresholds, network.Weights, x.Row(i));
            worst = Math.Max(worst, Math.Abs((value - Dyadic.From(y[i])).ToDouble()));
        }
        return scale == 0 ? worst : worst / scale;
    }

    /// <summary>
    /// A bound on |c(xᵢ) − yᵢ| for the stored network evaluated exactly, from the fit's rounding: the slopes'
    /// recurrence is anchored at the labels, so only the stored weights' rounding accumulates, into the exact
    /// slopes Σ_{j≤k} w_j, by at most u·Σ_{j≤k}|w_j| per segment; summed over the segments below zᵢ with the
    /// per-step roundings of value and slope, at most 6u·Σ_j|w_j|(zᵢ − b_j)₊ ≤ the literal sum's bound
    /// (n + 2)·ε·Σ_j|w_j|(zᵢ − b_j)₊ (<see cref="Rethink.Theory.ReluInterpolant.LiteralErrorBound"/>). The
    /// projection zᵢ = ⟨a, xᵢ⟩ the fit used is within γ_{d}·Σ_t|a_t x_t| of the exact one, moving c by the slope
    /// of its segment times that; the exact difference is rounded once to double (u).
    /// </summary>
    public static double FitErrorBound(Rethink.Theory.ReluInterpolant network, ReadOnlySpan<double> x)
    {
        var z = network.Project(x);
        double absDot = 0;
        for (var t = 0; t < x.Length; t++) absDot += Math.Abs(network.Direction[t] * x[t]);
        var slopes = network.SegmentSlopes;
        var segment = network.SegmentOf(z);
        var slope = Math.Max(Math.Abs(slopes[Math.Max(segment, 0)]), Math.Abs(slopes[Math.Min(Math.Max(segment + 1, 0), slopes.Length - 1)]));
        return (network.LiteralErrorBound(z) + slope * Rethink.Testing.ErrorBound.Gamma(x.Length + 2, Rethink.Testing.ErrorBound.U64) * absDot) * (1 + 2 * Rethink.Testing.ErrorBound.U64);
    }

    /// <summary>Asserts every point's exact network value within <see cref="FitErrorBound"/> of its label.</summary>
    public static void AssertFitted(Rethink.Theory.ReluInterpolant network, FeatureMatrix x, ReadOnlySpan<double> y, string what)
    {
        for (var i = 0; i < x.Rows; i++)
        {
            var value = Evaluate(network.Direction, network.Thresholds, network.Weights, x.Row(i));
            var error = (value - Dyadic.From(y[i])).ToDouble();
            Rethink.Testing.Within.Bound(error, FitErrorBound(network, x.Row(i)), $"{what}: point {i}, exact network {value.ToDouble():R} vs label {y[i]:R}",
                "the fit's bound: the literal-sum bound (n + 2) eps sum_j |w_j|(z - b_j)+ plus |slope| gamma_{d+2} sum_t |a_t x_t| (the projection's rounding)");
        }
    }
}
