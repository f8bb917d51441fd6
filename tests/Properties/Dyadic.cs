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
}
