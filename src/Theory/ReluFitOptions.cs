namespace Rethink.Theory;

/// <summary>Options for <see cref="ReluInterpolation.Fit"/>.</summary>
/// <param name="Seed">Seed of the random direction a (a standard Gaussian vector, normalized).</param>
/// <param name="MaxDirectionTries">
/// Directions drawn before giving up when distinct points collide in projection (or lie so close
/// that no double fits between them); each retry draws the next direction from the same generator.
/// </param>
/// <param name="ThresholdOffset">
/// bᵢ = zᵢ₋₁ + t·(zᵢ − zᵢ₋₁) for i ≥ 2, with t this fraction (at least one ulp above zᵢ₋₁).
/// Lemma 1's smallest eigenvalue minᵢ(zᵢ − bᵢ) tends to the smallest gap between consecutive
/// projections as t → 0, the largest the projections allow; the default 2⁻²⁰ keeps
/// (1 − 2⁻²⁰) of every gap. b₁ = z₁ − (mean gap), so the first unit never sets the minimum.
/// </param>
public sealed record ReluFitOptions(int Seed = 0, int MaxDirectionTries = 8, double ThresholdOffset = 1.0 / (1 << 20))
{
    /// <summary>Seed 0, 8 directions, offset 2⁻²⁰.</summary>
    public static ReluFitOptions Default { get; } = new();
}
