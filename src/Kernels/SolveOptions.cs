namespace Rethink.Kernels;

/// <summary>How to solve K α = Y.</summary>
/// <param name="Precision">Precision of K and of the solve.</param>
/// <param name="Ridge">λ ≥ 0: solve (K + λI) α = Y instead (0: exact interpolation).</param>
/// <param name="RankTolerance">
/// Relative eigenvalue cutoff of the minimum-norm (eigendecomposition) path: eigenvalues below
/// tol·λ_max count as zero. Default n·ε.
/// </param>
/// <param name="Method">Cholesky with eigen fallback (auto), or one of them forced.</param>
/// <param name="TileColumns">Columns per block when a device builds K in tiles.</param>
/// <param name="PredictionRows">Test points per prediction tile (null: as many as the device's tile memory allows).</param>
public sealed record SolveOptions(
    Precision Precision = Precision.Fp64,
    double Ridge = 0,
    double? RankTolerance = null,
    SolveMethod Method = SolveMethod.Auto,
    int TileColumns = 1024,
    int? PredictionRows = null)
{
    /// <summary>Throws <see cref="ArgumentOutOfRangeException"/> for an option out of range.</summary>
    public void Validate()
    {
        if (!(Ridge >= 0) || double.IsInfinity(Ridge)) throw new ArgumentOutOfRangeException(nameof(Ridge), Ridge, "The ridge λ must be a finite number >= 0.");
        if (RankTolerance is { } t && !(t > 0 && t < 1)) throw new ArgumentOutOfRangeException(nameof(RankTolerance), t, "The rank tolerance is relative to the largest eigenvalue: choose it in (0, 1).");
        ArgumentOutOfRangeException.ThrowIfLessThan(TileColumns, 1, nameof(TileColumns));
        if (PredictionRows is < 1) throw new ArgumentOutOfRangeException(nameof(PredictionRows), PredictionRows, "At least one test point per prediction tile.");
    }
}

/// <summary>Which factorization computes the minimum-norm solution.</summary>
public enum SolveMethod
{
    /// <summary>Cholesky when K is numerically positive definite, else the eigendecomposition.</summary>
    Auto,
    /// <summary>Cholesky only (fails when K is not positive definite).</summary>
    Cholesky,
    /// <summary>Symmetric eigendecomposition with a rank cutoff: the minimum-norm solution of any PSD system.</summary>
    Eigen,
}

/// <summary>A phase of a long kernel computation and how far it is.</summary>
public readonly record struct KernelProgress(string Phase, double Fraction);
