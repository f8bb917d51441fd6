namespace Rethink.Theory;

/// <summary>A fitted Theorem 1 network and what the fit did.</summary>
/// <param name="Network">The 2n + d parameter network.</param>
/// <param name="DistinctPoints">n after merging duplicate points (equal coordinates and equal labels).</param>
/// <param name="MergedDuplicates">How many input points were merged into an identical earlier one.</param>
/// <param name="DirectionTries">Directions drawn until all distinct points had separable projections.</param>
/// <param name="SmallestEigenvalue">Lemma 1's minᵢ (zᵢ − bᵢ) for the fitted thresholds.</param>
/// <param name="SmallestProjectionGap">minᵢ (zᵢ − zᵢ₋₁) over the sorted distinct projections (∞ when n = 1).</param>
/// <param name="Timings">Seconds per phase of the direction that succeeded.</param>
public sealed record ReluFit(
    ReluInterpolant Network,
    int DistinctPoints,
    int MergedDuplicates,
    int DirectionTries,
    double SmallestEigenvalue,
    double SmallestProjectionGap,
    ReluFitTimings Timings);

/// <summary>Seconds per phase of a Theorem 1 fit (for the direction that succeeded).</summary>
/// <param name="Projection">Projecting the points on the direction.</param>
/// <param name="Sort">Sorting the projections and merging duplicates.</param>
/// <param name="Solve">Placing the thresholds and solving for the weights.</param>
public sealed record ReluFitTimings(double Projection, double Sort, double Solve)
{
    /// <summary>The phases in order, named as the console prints them.</summary>
    public IEnumerable<(string Phase, double Seconds)> Phases() => [("projection", Projection), ("sort", Sort), ("solve", Solve)];
}
