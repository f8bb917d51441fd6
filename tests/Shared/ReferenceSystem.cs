using MathNet.Numerics.LinearAlgebra;
using Xunit;

namespace Rethink.Testing;

/// <summary>
/// An SPD system K α = Y held in double by the test, independent of the code under test, against which
/// computed solutions are judged by the quantities that are stable whatever the BLAS kernel: their
/// backward error, and how far two of them can differ (α₁ − α₂ = K⁻¹(r₁ − r₂) exactly, with r = Kα − Y),
/// then the predictions and their classes. Raw digits of an ill-conditioned α are never compared.
/// </summary>
public sealed class ReferenceSystem
{
    private readonly Matrix<double> _k;
    private readonly Matrix<double> _y;

    /// <param name="k">K, n×n, symmetric positive definite (the reference, in double).</param>
    /// <param name="y">Y, n×c.</param>
    /// <param name="certify">
    /// False: λ_min from a symmetric eigensolver, less its backward error (Weyl). True, for large n: a cheaper
    /// certificate — λ̂ from inverse iteration, then Cholesky of K − μI with μ = λ̂/2: when it completes, K − μI + ΔK
    /// is positive semi-definite with |ΔK| ≤ γ_{n+1}|Rᵀ||R| (Higham Thm 10.5), so λ_min(K) ≥ μ − γ_{n+1}·tr(K − μI).
    /// </param>
    public ReferenceSystem(Matrix<double> k, Matrix<double> y, bool certify = false)
    {
        (_k, _y) = (k, y);
        N = k.RowCount;
        Trace = k.Trace();
        KernelNorm = k.FrobeniusNorm();
        if (!certify)
        {
            var eigenvalues = k.Evd(Symmetricity.Symmetric).EigenValues.Select(e => e.Real).ToArray();
            var slack = ErrorBound.SymmetricEigenvalue(N, KernelNorm, ErrorBound.U64);
            SmallestEigenvalue = eigenvalues.Min();
            // Weyl: the true smallest eigenvalue is at least the computed one minus the eigensolver's backward error.
            SmallestEigenvalueLowerBound = SmallestEigenvalue - slack;
            LargestEigenvalue = eigenvalues.Max() + slack;
            return;
        }
        var cholesky = k.Cholesky();
        var v = Vector<double>.Build.Dense(N, i => 1.0 + (i % 7) * 0.1);
        var estimate = double.PositiveInfinity;
        for (var iteration = 0; iteration < 50; iteration++)
        {
            v = v / v.L2Norm();
            var w = cholesky.Solve(v);
            estimate = 1 / w.L2Norm();
            v = w;
        }
        SmallestEigenvalue = estimate;
        var mu = estimate / 2;
        var shifted = k - mu * Matrix<double>.Build.DenseIdentity(N);
        try
        {
            _ = shifted.Cholesky();
            SmallestEigenvalueLowerBound = mu - ErrorBound.Gamma(N + 1, ErrorBound.U64) * (Trace - N * mu);
        }
        catch (ArgumentException)
        {
            SmallestEigenvalueLowerBound = 0; // no certificate: no forward bound
        }
        LargestEigenvalue = KernelNorm;
    }

    public int N { get; }
    public double Trace { get; }
    public double KernelNorm { get; }
    public double SmallestEigenvalue { get; }
    public double SmallestEigenvalueLowerBound { get; }
    public double LargestEigenvalue { get; }
    public Matrix<double> K => _k;
    public Matrix<double> Y => _y;

    /// <summary>r = Kα − Y in double.</summary>
    public Matrix<double> Residual(Matrix<double> alpha) => _k * alpha - _y;

    /// <summary>
    /// Asserts that α solves the reference system backward stably: ‖Kα − Y‖_F ≤ (‖ΔK‖_F + γ_{3n+1}(u)·tr K)·‖α‖_F
    /// plus the residual's own evaluation error, where ΔK bounds the difference between the K the solver
    /// factored and this reference (rounding of its Gram), and u is the solve's unit roundoff.
    /// </summary>
    /// <returns>The bound on ‖r‖_F used.</returns>
    public double AssertBackwardStable(Matrix<double> alpha, double gramDifference, double u, string what)
    {
        var alphaNorm = alpha.FrobeniusNorm();
        var residual = Residual(alpha).FrobeniusNorm();
        var cholesky = ErrorBound.CholeskyResidual(N, Trace + gramDifference * Math.Sqrt(N), alphaNorm, u);
        var evaluation = ErrorBound.ResidualEvaluation(N, KernelNorm, alphaNorm, _y.FrobeniusNorm());
        var bound = gramDifference * alphaNorm + cholesky + evaluation;
        Within.Bound(residual, bound, $"{what}: |K alpha - Y|_F against the reference K",
            "Higham Thm 10.4: (|dK|_F + gamma_{3n+1} tr K)|alpha|_F + gamma_{n+1}(|K||alpha| + |Y|); " +
            ErrorBound.Inputs(("n", N), ("|dK|_F", gramDifference), ("u", u), ("tr K", Trace), ("|alpha|_F", alphaNorm), ("|K|_F", KernelNorm)));
        return bound;
    }

    /// <summary>
    /// A bound on ‖α₁ − α₂‖_F from the two residuals: α₁ − α₂ = K⁻¹(r₁ − r₂), so ‖α₁ − α₂‖_F ≤ ‖r₁ − r₂‖_F / λ_min(K)
    /// (infinite when λ_min cannot be bounded away from 0).
    /// </summary>
    public double SolutionDifferenceBound(Matrix<double> alpha1, Matrix<double> alpha2)
    {
        var r = (Residual(alpha1) - Residual(alpha2)).FrobeniusNorm()
                + ErrorBound.ResidualEvaluation(N, KernelNorm, alpha1.FrobeniusNorm(), _y.FrobeniusNorm())
                + ErrorBound.ResidualEvaluation(N, KernelNorm, alpha2.FrobeniusNorm(), _y.FrobeniusNorm());
        return SmallestEigenvalueLowerBound > 0 ? r / SmallestEigenvalueLowerBound : double.PositiveInfinity;
    }

    /// <summary>
    /// Asserts that two solutions' predictions agree to their bound, test point by test point, and that their
    /// classes agree wherever the winning margin exceeds it. Scores s_p = C_p α_p with C_p within
    /// <paramref name="crossDifference"/> (row i: a bound on ‖C_p,i − C_i‖₂) of the reference cross kernel C (m×n):
    /// |s₁,ic − s₂,ic| ≤ ‖C_i‖₂‖α₁ − α₂‖_F + (‖ΔC₁,i‖₂‖α₁‖_F + ‖ΔC₂,i‖₂‖α₂‖_F) + 2γ_n‖C_i‖₂‖α‖_F (products' rounding).
    /// </summary>
    /// <param name="u">Unit roundoff of the precision the predictions were computed in.</param>
    /// <returns>How many test points have a margin inside the bound (their class may legitimately differ).</returns>
    public int AssertPredictionsAgree(Matrix<double> cross, Matrix<double> alpha1, Matrix<double> scores1, Matrix<double> alpha2, Matrix<double> scores2,
        Func<int, double> crossDifference, double u, string what)
    {
        var delta = SolutionDifferenceBound(alpha1, alpha2);
        var (a1, a2) = (alpha1.FrobeniusNorm(), alpha2.FrobeniusNorm());
        var rounding = 2 * ErrorBound.Gamma(N, u);
        var ambiguous = 0;
        for (var i = 0; i < cross.RowCount; i++)
        {
            var row = cross.Row(i).L2Norm();
            var bound = row * delta + crossDifference(i) * (a1 + a2) + rounding * row * Math.Max(a1, a2);
            for (var c = 0; c < scores1.ColumnCount; c++)
                Within.Bound(scores1[i, c] - scores2[i, c], bound, $"{what}: score ({i}, {c}) {scores1[i, c]:R} vs {scores2[i, c]:R}",
                    "|C_i| |alpha1 - alpha2| + |dC_i|(|alpha1| + |alpha2|) + 2 gamma_n |C_i||alpha|, |alpha1 - alpha2| <= |r1 - r2| / lambda_min(K); " +
                    ErrorBound.Inputs(("|C_i|", row), ("|alpha1 - alpha2| bound", delta), ("lambda_min lower bound", SmallestEigenvalueLowerBound), ("|dC_i|", crossDifference(i))));
            var (best1, margin1) = Winner(scores1.Row(i));
            var best2 = Winner(scores2.Row(i)).Best;
            if (margin1 <= 2 * bound) ambiguous++;
            else Assert.True(best1 == best2, $"{what}: test point {i} predicted {best1} and {best2} although the margin {margin1:G4} exceeds twice the score bound {bound:G4}");
        }
        return ambiguous;
    }

    /// <summary>The winning class and its margin over the runner-up.</summary>
    public static (int Best, double Margin) Winner(Vector<double> scores)
    {
        var best = 0;
        for (var c = 1; c < scores.Count; c++) if (scores[c] > scores[best]) best = c;
        var second = double.NegativeInfinity;
        for (var c = 0; c < scores.Count; c++) if (c != best) second = Math.Max(second, scores[c]);
        return (best, scores[best] - second);
    }
}
