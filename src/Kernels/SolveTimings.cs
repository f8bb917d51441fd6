namespace Rethink.Kernels;

/// <summary>Seconds per phase of a solve (0 for a phase it did not go through).</summary>
/// <param name="Upload">Training points and targets to the device.</param>
/// <param name="Gram">Building K (products and transform together).</param>
/// <param name="GramProducts">Of which the inner products (or copying stored products).</param>
/// <param name="GramTransform">Of which the kernel's element-wise transform.</param>
/// <param name="Potrf">The Cholesky factorization.</param>
/// <param name="Potrs">The triangular solves.</param>
/// <param name="Syevd">The eigendecomposition (minimum-norm path).</param>
/// <param name="EigenSolve">α from the eigenvectors.</param>
/// <param name="GramRebuild">Rebuilding K after a factorization overwrote it.</param>
/// <param name="Residual">The residual, backward error and RKHS norm.</param>
public sealed record SolveTimings(
    double Upload = 0, double Gram = 0, double GramProducts = 0, double GramTransform = 0, double Potrf = 0, double Potrs = 0,
    double Syevd = 0, double EigenSolve = 0, double GramRebuild = 0, double Residual = 0)
{
    /// <summary>The phases that took time, in order, named as the console prints them ("gram-products", …).</summary>
    public IEnumerable<(string Phase, double Seconds)> Phases()
    {
        (string, double)[] all = [("upload", Upload), ("gram", Gram), ("gram-products", GramProducts), ("gram-transform", GramTransform), ("potrf", Potrf),
            ("potrs", Potrs), ("syevd", Syevd), ("eigen-solve", EigenSolve), ("gram-rebuild", GramRebuild), ("residual", Residual)];
        return all.Where(p => p.Item2 > 0);
    }

    /// <summary>The seconds in declaration order (to gather them from every process).</summary>
    public double[] ToArray() => [Upload, Gram, GramProducts, GramTransform, Potrf, Potrs, Syevd, EigenSolve, GramRebuild, Residual];

    /// <summary>Timings from <see cref="ToArray"/>'s order.</summary>
    public static SolveTimings FromArray(double[] v) => new(v[0], v[1], v[2], v[3], v[4], v[5], v[6], v[7], v[8], v[9]);

    /// <summary>Accumulates a solve's phases as it goes.</summary>
    internal sealed class Builder
    {
        public double Upload, Gram, GramProducts, GramTransform, Potrf, Potrs, Syevd, EigenSolve, GramRebuild, Residual;

        public SolveTimings Build() => new(Upload, Gram, GramProducts, GramTransform, Potrf, Potrs, Syevd, EigenSolve, GramRebuild, Residual);
    }
}
