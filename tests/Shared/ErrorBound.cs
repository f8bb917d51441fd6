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
