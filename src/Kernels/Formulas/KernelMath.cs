using ILGPU;

namespace Rethink.Kernels.Formulas;

/// <summary>
/// The exponential used by every kernel formula, on the CPU and in ILGPU device code alike: Cody–Waite
/// range reduction x = k·ln 2 + r with |r| ≤ ln 2 / 2, a Taylor polynomial for eʳ, and 2ᵏ assembled
/// from its exponent bits. Only basic arithmetic, integer conversion and bit reinterpretation: ILGPU
/// compiles it to plain PTX (its own FP64 <c>Math.Exp</c> is a CORDIC loop whose iteration count grows
/// with the argument), and .NET runs the same code on the CPU.
/// </summary>
/// <remarks>
/// Accuracy: ln 2 is split into a high part with 32 significant bits (so k·ln2Hi is exact for |k| &lt; 2²¹)
/// and the rounded remainder, leaving r with an absolute error near 2⁻¹⁰⁶·|k|. The polynomial is the
/// Taylor series to degree 13 (double; remainder |r|¹⁴/14! &lt; 5·10⁻¹⁸ for |r| ≤ 0.3466) or 7 (float;
/// &lt; 6·10⁻⁹), evaluated as 1 + (r + r²·q(r)) so that the rounding of the small terms is scaled by |r|:
/// measured within 1 ulp of <see cref="Math.Exp(double)"/> over the kernels' range (tests). Results
/// below the smallest normal number are formed by one final multiplication, so they round once.
/// </remarks>
public static class KernelMath
{
    private const double Log2E = 1.4426950408889634;
    // ln 2 = Ln2Hi + Ln2Lo; Ln2Hi has its low 21 mantissa bits zero (k·Ln2Hi exact for |k| < 2^21).
    private const double Ln2Hi = 0.693147180369123816490;
    private const double Ln2Lo = 1.90821492927058770002e-10;
    private const float Log2EF = 1.44269504f;
    private const float Ln2HiF = 0.693145752f; // 0x3f317200: low 12 bits zero
    private const float Ln2LoF = 1.42860677e-6f;

    /// <summary>eˣ in double; 0 below −745.14, +∞ above 709.79, NaN for NaN.</summary>
    public static double Exp(double x)
    {
        if (double.IsNaN(x)) return x;
        if (x < -745.1332191019412) return 0.0;
        if (x > 709.782712893384) return double.PositiveInfinity;
        var t = x * Log2E;
        var k = (int)(t >= 0 ? t + 0.5 : t - 0.5);
        var r = x - k * Ln2Hi - k * Ln2Lo;
        // q(r) = 1/2! + r/3! + … + r¹¹/13!
        var q = 1.6059043836821613e-10;            // 1/13!
        q = q * r + 2.08767569878680990e-9;        // 1/12!
        q = q * r + 2.50521083854417188e-8;        // 1/11!
        q = q * r + 2.75573192239858907e-7;        // 1/10!
        q = q * r + 2.75573192239858907e-6;        // 1/9!
        q = q * r + 2.48015873015873016e-5;        // 1/8!
        q = q * r + 1.98412698412698413e-4;        // 1/7!
        q = q * r + 1.38888888888888889e-3;        // 1/6!
        q = q * r + 8.33333333333333333e-3;        // 1/5!
        q = q * r + 4.16666666666666667e-2;        // 1/4!
        q = q * r + 1.66666666666666667e-1;        // 1/3!
        q = q * r + 0.5;                           // 1/2!
        var p = 1.0 + (r + r * r * q);
        return ScaleByPowerOfTwo(p, k);
    }

    /// <summary>eˣ in float arithmetic throughout; 0 below −103.98, +∞ above 88.73, NaN for NaN.</summary>
    public static float Exp(float x)
    {
        if (float.IsNaN(x)) return x;
        if (x < -103.972084f) return 0f;
        if (x > 88.7228394f) return float.PositiveInfinity;
        var t = x * Log2EF;
        var k = (int)(t >= 0 ? t + 0.5f : t - 0.5f);
        var r = x - k * Ln2HiF - k * Ln2LoF;
        var q = 1.98412698e-4f;                    // 1/7!
        q = q * r + 1.38888889e-3f;                // 1/6!
        q = q * r + 8.33333333e-3f;                // 1/5!
        q = q * r + 4.16666667e-2f;                // 1/4!
        q = q * r + 1.66666667e-1f;                // 1/3!
        q = q * r + 0.5f;                          // 1/2!
        var p = 1f + (r + r * r * q);
        return ScaleByPowerOfTwo(p, k);
    }

    /// <summary>p·2ᵏ for p in [0.7, 1.5] and k in [−1075, 1024], with a single rounding for subnormal results.</summary>
    private static double ScaleByPowerOfTwo(double p, int k)
    {
        if (k > 1023) return p * 2.0 * PowerOfTwo(k - 1);
        if (k < -1021) return p * PowerOfTwo(k + 54) * 5.5511151231257827e-17; // 2^-54
        return p * PowerOfTwo(k);
    }

    private static float ScaleByPowerOfTwo(float p, int k)
    {
        if (k > 127) return p * 2f * PowerOfTwoF(k - 1);
        if (k < -125) return p * PowerOfTwoF(k + 25) * 2.98023224e-8f; // 2^-25
        return p * PowerOfTwoF(k);
    }

    /// <summary>2ᵏ for k in [−1022, 1023] from its exponent bits.</summary>
    private static double PowerOfTwo(int k) => Interop.IntAsFloat((ulong)(long)(k + 1023) << 52);

    /// <summary>2ᵏ for k in [−126, 127] from its exponent bits.</summary>
    private static float PowerOfTwoF(int k) => Interop.IntAsFloat((uint)(k + 127) << 23);
}
