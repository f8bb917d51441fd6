using System.Globalization;
using System.Text;

namespace Rethink.Theory;

/// <summary>
/// What Lemma 1 says about one interleaving matrix A, measured. <see cref="Rank"/> is the rank the
/// lemma proves (n); <see cref="NumericalRank"/> counts singular values above
/// <see cref="RankTolerance"/> = n·ε·σ_max, so the two differ only when A is numerically singular.
/// The eigenvalues are A's diagonal (A is lower triangular); the smallest singular value is a
/// different number, at most the smallest eigenvalue in magnitude and usually much smaller.
/// </summary>
public sealed record Lemma1Report(
    int N,
    int Rank,
    int NumericalRank,
    double RankTolerance,
    double[] Eigenvalues,
    double SmallestEigenvalue,
    int SmallestEigenvalueIndex,
    double[] SingularValues,
    double SmallestSingularValue,
    double LargestSingularValue)
{
    /// <summary>σ_max / σ_min, the 2-norm condition number of A.</summary>
    public double ConditionNumber => LargestSingularValue / SmallestSingularValue;

    /// <summary>The report as lines of text for the console.</summary>
    public string ToText()
    {
        var c = CultureInfo.InvariantCulture;
        var sb = new StringBuilder();
        sb.AppendLine(c, $"Lemma 1: A = [max(x_i - b_j, 0)], n = {N}");
        sb.AppendLine(c, $"  rank (Lemma 1)                 {Rank}");
        sb.AppendLine(c, $"  numerical rank                 {NumericalRank}  (singular values above n*eps*sigma_max = {RankTolerance:G3})");
        sb.AppendLine(c, $"  smallest eigenvalue            {SmallestEigenvalue:G6}  (= x_{SmallestEigenvalueIndex + 1} - b_{SmallestEigenvalueIndex + 1}; A is lower triangular, eigenvalues = diagonal)");
        sb.AppendLine(c, $"  smallest singular value        {SmallestSingularValue:G6}  (a different number: A is not symmetric)");
        sb.AppendLine(c, $"  largest singular value         {LargestSingularValue:G6}");
        sb.Append(c, $"  condition number sigma_max/sigma_min  {ConditionNumber:G6}");
        if (NumericalRank < Rank)
            sb.Append(c, $"\n  note: A has full rank in exact arithmetic, but its condition number exceeds 1/(n*eps): in double precision it is numerically rank {NumericalRank}, and the smallest singular value printed is at the SVD's resolution, not accurate.");
        return sb.ToString();
    }
}
