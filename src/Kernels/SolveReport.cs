using Rethink.Kernels.Devices;

namespace Rethink.Kernels;

/// <summary>
/// What a solve did and how well: written into every result.
/// </summary>
/// <param name="Backend">The device implementation that computed it.</param>
/// <param name="Library">The library files used.</param>
/// <param name="Hardware">The CPU, the GPU, or the process grid.</param>
/// <param name="Precision">Precision of K and of the factorization.</param>
/// <param name="Method">Cholesky or Eigen.</param>
/// <param name="N">Training points.</param>
/// <param name="Targets">Right-hand sides (classes).</param>
/// <param name="Ridge">λ.</param>
/// <param name="RelativeResidual">‖Kα − Y‖_F / ‖Y‖_F (K including λI).</param>
/// <param name="BackwardErrorRatio">‖Kα − Y‖_F / (n·ε·‖K‖_F·‖α‖_F), ε the machine epsilon of the precision: O(1)–O(100) for a backward-stable solve.</param>
/// <param name="RkhsNorm">√(Σ_c α_cᵀ K α_c), K without the ridge: the norm of the interpolant in the kernel's RKHS.</param>
/// <param name="Rank">Numerical rank (eigen path), else null.</param>
/// <param name="RankTolerance">Absolute eigenvalue cutoff used (eigen path), else null.</param>
/// <param name="KernelNorm">‖K + λI‖_F, taken before any factorization.</param>
/// <param name="AlphaNorm">‖α‖_F.</param>
/// <param name="Timings">Seconds per phase on process 0.</param>
/// <param name="Note">Why the eigen path was taken, and similar remarks.</param>
/// <param name="Processes">Cooperating processes (ScaLAPACK), else 1.</param>
/// <param name="ProcessTimings">Seconds per phase on every process (index = rank), when there is more than one.</param>
public sealed record SolveReport(
    Backend Backend,
    string Library,
    string Hardware,
    Precision Precision,
    SolveMethod Method,
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
    SolveTimings Timings,
    string? Note,
    int Processes = 1,
    IReadOnlyList<SolveTimings>? ProcessTimings = null);
