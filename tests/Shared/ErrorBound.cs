namespace Rethink.Testing;

/// <summary>
/// Rounding-error bounds from which the tests' tolerances are derived (N. J. Higham, <i>Accuracy and
/// Stability of Numerical Algorithms</i>, 2nd ed., SIAM 2002). Each holds for any order of summation,
/// any blocking and with or without fused multiply-add, so a tolerance built from them holds for every
/// BLAS kernel (OPENBLAS_CORETYPE) and thread count. u is the unit roundoff: 2⁻⁵³ in double, 2⁻²⁴ in float.
/// </summary>
public static class ErrorBound
{
    /// <summary>Unit roundoff of double, 2⁻⁵³.</summary>
    public const double U64 = 1.1102230246251565E-16;

    /// <summary>Unit roundoff of float, 2⁻²⁴.</summary>
    public const double U32 = 5.9604644775390625E-08;

    /// <summary>Unit roundoff of the precision a computation ran in.</summary>
    public static double UnitRoundoff(bool single) => single ? U32 : U64;

    /// <summary>γ_k = k·u / (1 − k·u) (Higham, Lemma 3.1); infinite once k·u reaches 1/2 (no bound).</summary>
    public static double Gamma(double k, double u)
    {
        var ku = k * u;
        return ku >= 0.5 ? double.PositiveInfinity : ku / (1 - ku);
    }

    /// <summary>A computed inner product of length d: |fl(xᵀy) − xᵀy| ≤ γ_d·|x|ᵀ|y| (Higham (3.5)).</summary>
    public static double Dot(int d, double absoluteDot, double u) => Gamma(d, u) * absoluteDot;

    /// <summary>
    /// ‖x‖² + ‖y‖² − 2⟨x, y⟩ from three computed inner products (each within γ_d) and two additions:
    /// |Δ| ≤ γ_{d+2}·(‖x‖² + ‖y‖² + 2|x|ᵀ|y|) ≤ γ_{d+2}·(‖x‖ + ‖y‖)².
    /// </summary>
    public static double SquaredDistanceFromProducts(int d, double normX, double normY, double u) => Gamma(d + 2, u) * (normX + normY) * (normX + normY);

    /// <summary>Σ_t (x_t − y_t)² summed directly: each difference within u, its square within 3u, the sum within γ_{d+2}·D.</summary>
    public static double SquaredDistanceDirect(int d, double squaredDistance, double u) => Gamma(d + 2, u) * squaredDistance;

    /// <summary>
    /// exp(−γD) evaluated with D within ±<paramref name="deltaD"/>, γ within ±<paramref name="deltaGamma"/> and an
    /// exponential within two ulps (4u): |e^(−a′) − e^(−a)| ≤ e^(−a)(e^|a′−a| − 1), |a′ − a| ≤ γ·δD + δγ·(D + δD).
    /// </summary>
    public static double Gaussian(double gamma, double squaredDistance, double deltaD, double deltaGamma, double u)
    {
        var k = Math.Exp(-gamma * Math.Max(squaredDistance, 0));
        var spread = gamma * deltaD + deltaGamma * (Math.Max(squaredDistance, 0) + deltaD);
        return k * double.ExpM1(spread) + 4 * u * k * Math.Exp(spread);
    }

    /// <summary>
    /// Backward error of a Cholesky solve: (K + ΔK)α̂ = Y with |ΔK| ≤ γ_{3n+1}·|Rᵀ||R| (Higham, Theorem 10.4).
    /// For SPD K, (|Rᵀ||R|)_ij ≤ ‖r_i‖‖r_j‖ = √(k_ii·k_jj), so ‖|Rᵀ||R|‖_F ≤ tr K and
    /// ‖Kα̂ − Y‖_F ≤ γ_{3n+1}·tr(K)·‖α̂‖_F.
    /// </summary>
    public static double CholeskyResidual(int n, double trace, double alphaNorm, double u) => Gamma(3 * n + 1, u) * trace * alphaNorm;

    /// <summary>
    /// The residual Kα − Y evaluated in double: each entry within γ_{n+1}·(|K||α| + |Y|), so the Frobenius
    /// norm of the evaluation error is at most γ_{n+1}·(‖K‖_F‖α‖_F + ‖Y‖_F).
    /// </summary>
    public static double ResidualEvaluation(int n, double kernelNorm, double alphaNorm, double yNorm) => Gamma(n + 1, U64) * (kernelNorm * alphaNorm + yNorm);

    /// <summary>
    /// A symmetric eigensolver (Householder tridiagonalization, then QL/QR or divide and conquer) returns the
    /// exact eigenvalues of K + E with ‖E‖_F ≤ γ_{c·n²}‖K‖_F, c a small constant (Higham §19.3; Golub and Van Loan
    /// §8.3); with c = 10 this bounds |λ̂ − λ| by Weyl's theorem.
    /// </summary>
    public static double SymmetricEigenvalue(int n, double frobeniusNorm, double u) => Gamma(10.0 * n * n, u) * frobeniusNorm;

    /// <summary>
    /// One entry k(x, y) of a Gram matrix computed from points in double (<paramref name="single"/> false) or
    /// float, as the devices compute it: the points rounded to the precision (|Δ(x − y)| ≤ u(|x| + |y|), so
    /// |ΔD| ≤ 2u(‖x‖ + ‖y‖)² once D is formed), the squared distance from inner products
    /// (<see cref="SquaredDistanceFromProducts"/>), γ rounded (u·γ), the exponential within 4u and the entry
    /// stored (u·k). Gaussian: exp(−γD); Laplacian: exp(−√D/σ) with |Δ√D| ≤ min(√δD, δD/(2√D)); linear: the dot product.
    /// Polynomial and arc-cosine as commented below.
    /// </summary>
    public static double KernelEntry(Rethink.Kernels.Kernel kernel, double normX, double normY, double dot, int d, bool single)
    {
        var u = UnitRoundoff(single);
        var input = single ? 2 * u * (normX + normY) * (normX + normY) * (1 + u) : 0;
        var deltaD = SquaredDistanceFromProducts(d, normX, normY, u) + input;
        var distance = Math.Max(normX * normX + normY * normY - 2 * dot, 0);
        switch (kernel)
        {
            case Rethink.Kernels.GaussianKernel g:
                return Gaussian(g.Gamma, distance, deltaD, single ? u * g.Gamma : 0, u) + u * Math.Exp(-g.Gamma * distance) * (1 + 4 * u);
            case Rethink.Kernels.LaplacianKernel l:
            {
                var root = Math.Sqrt(distance);
                var deltaRoot = Math.Min(Math.Sqrt(deltaD), root > 0 ? deltaD / (2 * root) : double.PositiveInfinity) + 2 * u * root;
                var k = Math.Exp(-root / l.Sigma);
                var spread = deltaRoot / l.Sigma + (single ? u * root / l.Sigma : 0);
                return k * double.ExpM1(spread) + 4 * u * k * Math.Exp(spread) + u * k * Math.Exp(spread);
            }
            case Rethink.Kernels.LinearKernel:
                // |x|ᵀ|y| ≤ ‖x‖‖y‖: the product within γ_d, the inputs within 2u, storage within u.
                return DotError(d, normX, normY, single, u) + u * Math.Abs(dot);
            case Rethink.Kernels.PolynomialKernel p:
            {
                // b = γ·dot + c₀ within |γ|·Δdot + 3u(|γ dot| + |c₀|) (γ and c₀ rounded in float); b^p by repeated
                // multiplication within γ_p|b|^p; |(b + Δb)^p − b^p| ≤ p(|b| + |Δb|)^(p−1)|Δb|.
                var b = p.Gamma * dot + p.Coef0;
                var deltaB = Math.Abs(p.Gamma) * DotError(d, normX, normY, single, u) + 3 * u * (Math.Abs(p.Gamma * dot) + Math.Abs(p.Coef0));
                var value = Math.Pow(Math.Abs(b) + deltaB, p.Degree);
                return p.Degree * Math.Pow(Math.Abs(b) + deltaB, p.Degree - 1) * deltaB + Gamma(p.Degree + 1, u) * value + u * value;
            }
            case Rethink.Kernels.ArcCosineKernel:
            {
                // k = (ab/π)·f(c), c = dot/(ab), f(c) = √(1 − c²) + (π − arccos c)·c, df/dc = π − θ ≤ π. c within
                // (Δdot + |dot|·Δ(ab)/(ab))/(ab); f evaluated at the computed c within √(2u) (the square root of
                // 1 − c², whose absolute error is u, near |c| = 1) and 6u(1 + π) elsewhere; ab and the product within 4u.
                var ab = normX * normY;
                if (ab == 0) return 0;
                var deltaC = (DotError(d, normX, normY, single, u) + Math.Abs(dot) * (2 * Gamma(d + 2, u) + (single ? 4 * u : 0))) / ab;
                var c = Math.Clamp(dot / ab, -1, 1);
                var f = Math.Sqrt(1 - c * c) + (Math.PI - Math.Acos(c)) * c;
                return ab / Math.PI * (Math.PI * deltaC + Math.Sqrt(2 * u) * (1 + u) + 6 * u * (1 + Math.PI)) + 4 * u * ab / Math.PI * Math.Abs(f);
            }
            default:
                throw new NotSupportedException($"No entry bound for {kernel.Describe()}.");
        }
    }

    /// <summary>|Δ⟨x, y⟩| of a product computed in the precision from points rounded to it: γ_d(u)·|x|ᵀ|y| + 2u|x|ᵀ|y|, |x|ᵀ|y| ≤ ‖x‖‖y‖.</summary>
    private static double DotError(int d, double normX, double normY, bool single, double u) => (Gamma(d, u) + (single ? 2 * u + u * u : 0)) * normX * normY;

    /// <summary>"name = value" pairs for an assertion message.</summary>
    public static string Inputs(params (string Name, double Value)[] inputs) => string.Join(", ", inputs.Select(i => $"{i.Name} = {i.Value:G4}"));
}

/// <summary>A tolerance with its derivation, so that every failing assertion says which bound it broke and from what.</summary>
public static class Within
{
    /// <summary>Asserts |<paramref name="error"/>| ≤ <paramref name="bound"/>; the message names the quantity, the bound's formula and its inputs.</summary>
    public static void Bound(double error, double bound, string what, string derivation)
    {
        if (!(Math.Abs(error) <= bound))
            throw new Xunit.Sdk.XunitException($"{what}: {error:G6} exceeds its bound {bound:G6} ({derivation})");
    }
}
