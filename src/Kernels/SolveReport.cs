namespace Rethink.Kernels;

/// <summary>
/// What a solve did and how well: written into every result.
/// </summary>
/// <param name="Backend">"lapack", "managed" or "cuda".</param>
/// <param name="Library">The library files used.</param>
/// <param name="Precision">"fp32" or "fp64".</param>
/// <param name="Method">"cholesky" or "eigen".</param>
/// <param name="N">Training points.</param>
/// <param name="Targets">Right-hand sides (classes).</param>
/// <param name="Ridge">λ.</param>
/// <param name="RelativeResidual">‖Kα − Y‖_F / ‖Y‖_F (K including λI).</param>
/// <param name="BackwardErrorRatio">‖Kα − Y‖_F / (n·ε·‖K‖_F·‖α‖_F), ε the machine epsilon of the precision: O(1)–O(100) for a backward-stable solve.</param>
/// <param name="RkhsNorm">√(Σ_c α_cᵀ K α_c), K without the ridge: the norm of the interpolant in the kernel's RKHS.</param>
/// <param name="Rank">Numerical rank (eigen path), else null.</param>
/// <param name="RankTolerance">Absolute eigenvalue cutoff used (eigen path), else null.</param>
/// <param name="KernelNorm">‖K‖_F.</param>
/// <param name="AlphaNorm">‖α‖_F.</param>
/// <param name="Timings">Seconds per phase (gram, factor, solve, residual, …).</param>
/// <param name="Note">Why the eigen path was taken, and similar remarks.</param>
public sealed record SolveReport(
    string Backend,
    string Library,
    string Precision,
    string Method,
    int N,
    int Targets,
    double Ridge,
    double RelativeResidual,
    double BackwardErrorRatio,
    double RkhsNorm,
    int? Rank,
    double? RankTolerance,
    double KernelNorm,
    double AlphaNorm,
    IReadOnlyDictionary<string, double> Timings,
    string? Note);
