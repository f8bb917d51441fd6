using System.Numerics;

namespace Rethink.Properties;

/// <summary>An exact rational p/q (q &gt; 0, in lowest terms): exact inverses of small integer matrices.</summary>
public readonly struct BigRational
{
    public BigRational(BigInteger numerator, BigInteger denominator)
    {
        if (denominator.IsZero) throw new DivideByZeroException();
        if (denominator.Sign < 0) (numerator, denominator) = (-numerator, -denominator);
        var g = BigInteger.GreatestCommonDivisor(numerator, denominator);
        if (!g.IsOne && !g.IsZero) (numerator, denominator) = (numerator / g, denominator / g);
        Numerator = numerator;
        Denominator = numerator.IsZero ? BigInteger.One : denominator;
    }

    public BigInteger Numerator { get; }
    public BigInteger Denominator { get; }

    public static readonly BigRational Zero = new(0, 1);
    public static implicit operator BigRational(long v) => new(v, 1);

    public static BigRational operator +(BigRational a, BigRational b) => new(a.Numerator * b.Denominator + b.Numerator * a.Denominator, a.Denominator * b.Denominator);
    public static BigRational operator -(BigRational a, BigRational b) => new(a.Numerator * b.Denominator - b.Numerator * a.Denominator, a.Denominator * b.Denominator);
    public static BigRational operator *(BigRational a, BigRational b) => new(a.Numerator * b.Numerator, a.Denominator * b.Denominator);
    public static BigRational operator /(BigRational a, BigRational b) => new(a.Numerator * b.Denominator, a.Denominator * b.Numerator);

    /// <summary>The nearest double (to within a few roundings, for any magnitude).</summary>
    public double ToDouble()
    {
        if (Numerator.IsZero) return 0;
        var shift = (int)Numerator.GetBitLength() - (int)Denominator.GetBitLength() - 60;
        var scaled = shift >= 0 ? Numerator / (Denominator << shift) : (Numerator << -shift) / Denominator;
        return Math.ScaleB((double)scaled, shift);
    }

    /// <summary>The exact inverse of a lower-triangular integer matrix with nonzero diagonal, by forward substitution.</summary>
    public static BigRational[,] InverseLowerTriangular(long[,] a)
    {
        var n = a.GetLength(0);
        var inverse = new BigRational[n, n];
        for (var j = 0; j < n; j++)
            for (var i = 0; i < n; i++)
            {
                if (i < j) { inverse[i, j] = Zero; continue; }
                var sum = i == j ? (BigRational)1 : Zero;
                for (var k = j; k < i; k++)
                    if (a[i, k] != 0) sum -= (BigRational)a[i, k] * inverse[k, j];
                inverse[i, j] = sum / a[i, i];
            }
        return inverse;
    }
}
