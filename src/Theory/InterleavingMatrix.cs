using MathNet.Numerics.LinearAlgebra;

namespace Rethink.Theory;

/// <summary>
/// Lemma 1 of Zhang et al. (2017): for interleaving sequences b₁ &lt; x₁ &lt; b₂ &lt; x₂ &lt; … &lt; bₙ &lt; xₙ the
/// n×n matrix A = [max(xᵢ − bⱼ, 0)] has full rank.
/// </summary>
/// <remarks>
/// bⱼ &gt; xᵢ whenever j &gt; i, so A is lower triangular with diagonal xᵢ − bᵢ &gt; 0. Its eigenvalues
/// are therefore exactly the diagonal entries and the smallest eigenvalue is minᵢ (xᵢ − bᵢ) — the
/// number the paper calls the smallest eigenvalue. A is far from symmetric, so its smallest
/// <em>singular</em> value is a different (usually much smaller) number; it is what governs the
/// conditioning of A w = y. <see cref="Analyze"/> reports both.
/// </remarks>
public sealed class InterleavingMatrix
{
    /// <summary>Unit roundoff of IEEE double (2⁻⁵²); .NET's double.Epsilon is the smallest subnormal instead.</summary>
    internal const double MachineEpsilon = 2.220446049250313e-16;

    private readonly double[] _x;
    private readonly double[] _b;

    private InterleavingMatrix(double[] x, double[] b)
    {
        _x = x;
        _b = b;
    }

    /// <summary>n, the number of points.</summary>
    public int N => _x.Length;
    /// <summary>The points x₁ &lt; … &lt; xₙ.</summary>
    public IReadOnlyList<double> X => _x;
    /// <summary>The thresholds b₁ &lt; x₁, interleaved with the points.</summary>
    public IReadOnlyList<double> B => _b;

    /// <summary>Entry A[i, j] = max(xᵢ − bⱼ, 0).</summary>
    public double this[int i, int j] => Math.Max(_x[i] - _b[j], 0.0);

    /// <summary>
    /// Builds A after checking that b₁ &lt; x₁ &lt; b₂ &lt; … &lt; bₙ &lt; xₙ; throws
    /// <see cref="NotInterleavingException"/> naming the first index where it fails.
    /// </summary>
    public static InterleavingMatrix Create(IReadOnlyList<double> x, IReadOnlyList<double> b)
    {
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(b);
        if (x.Count != b.Count)
            throw new ArgumentException($"x has {x.Count} entries but b has {b.Count}; Lemma 1 needs two sequences of the same length n.", nameof(b));
        if (x.Count == 0)
            throw new ArgumentException("Lemma 1 needs n >= 1 points; x and b are empty.", nameof(x));
        for (var i = 0; i < x.Count; i++)
        {
            if (!double.IsFinite(b[i]))
                throw new NotInterleavingException(nameof(b), i, $"b[{i}] = {b[i]} is not a finite number.");
            if (!double.IsFinite(x[i]))
                throw new NotInterleavingException(nameof(x), i, $"x[{i}] = {x[i]} is not a finite number.");
            if (!(b[i] < x[i]))
                throw new NotInterleavingException(nameof(x), i,
                    $"Not interleaving at index {i}: need b[{i}] < x[{i}], got b[{i}] = {b[i]:R} and x[{i}] = {x[i]:R}.");
            if (i + 1 < x.Count && !(x[i] < b[i + 1]))
                throw new NotInterleavingException(nameof(b), i + 1,
                    $"Not interleaving at index {i + 1}: need x[{i}] < b[{i + 1}], got x[{i}] = {x[i]:R} and b[{i + 1}] = {b[i + 1]:R}.");
        }
        return new InterleavingMatrix([.. x], [.. b]);
    }

    /// <summary>
    /// A random interleaving: the 2n gaps between consecutive values of b₁, x₁, …, bₙ, xₙ are drawn
    /// independently from Exp(1) times <paramref name="scale"/>, starting at <paramref name="start"/>.
    /// </summary>
    public static InterleavingMatrix Random(int n, int seed, double start = 0.0, double scale = 1.0)
    {
        var random = new System.Random(seed);
        ArgumentOutOfRangeException.ThrowIfLessThan(n, 1);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(scale);
        var x = new double[n];
        var b = new double[n];
        var t = start;
        for (var i = 0; i < n; i++)
        {
            t += scale * -Math.Log(1.0 - random.NextDouble()) + scale * 1e-9;
            b[i] = t;
            t += scale * -Math.Log(1.0 - random.NextDouble()) + scale * 1e-9;
            x[i] = t;
        }
        return new InterleavingMatrix(x, b);
    }

    /// <summary>The eigenvalues of A: its diagonal xᵢ − bᵢ, in index order.</summary>
    public double[] Eigenvalues()
    {
        var values = new double[N];
        for (var i = 0; i < N; i++) values[i] = _x[i] - _b[i];
        return values;
    }

    /// <summary>minᵢ (xᵢ − bᵢ), Lemma 1's smallest eigenvalue.</summary>
    public double SmallestEigenvalue => Eigenvalues().Min();

    /// <summary>
    /// The rank Lemma 1 asserts, read off A's entries: A is lower triangular (every entry above the
    /// diagonal is exactly 0 — checked, not assumed), so its rank is its number of nonzero diagonal
    /// entries. Exact: it uses no floating-point elimination.
    /// </summary>
    public int ExactRank()
    {
        for (var i = 0; i < N; i++)
            for (var j = i + 1; j < N; j++)
                if (this[i, j] != 0)
                    throw new InvalidOperationException($"A[{i}, {j}] = {this[i, j]} above the diagonal: the input is not an interleaving, and Lemma 1 does not apply.");
        var rank = 0;
        for (var i = 0; i < N; i++)
            if (this[i, i] != 0) rank++;
        return rank;
    }

    /// <summary>A as a dense MathNet matrix (O(n²) memory).</summary>
    public Matrix<double> ToDense() => Matrix<double>.Build.Dense(N, N, (i, j) => this[i, j]);

    /// <summary>
    /// Eigenvalues, rank and singular values of A. The singular values need a dense SVD: O(n³) time,
    /// meant for n up to a few thousand.
    /// </summary>
    public Lemma1Report Analyze()
    {
        var eigenvalues = Eigenvalues();
        var argMin = 0;
        for (var i = 1; i < N; i++)
            if (eigenvalues[i] < eigenvalues[argMin]) argMin = i;

        var singular = ToDense().Svd(computeVectors: false).S.ToArray();
        Array.Sort(singular);
        Array.Reverse(singular);
        var tolerance = N * singular[0] * MachineEpsilon;
        var numericalRank = singular.Count(s => s > tolerance);
        return new Lemma1Report(
            N,
            Rank: ExactRank(),
            NumericalRank: numericalRank,
            RankTolerance: tolerance,
            Eigenvalues: eigenvalues,
            SmallestEigenvalue: eigenvalues[argMin],
            SmallestEigenvalueIndex: argMin,
            SingularValues: singular,
            SmallestSingularValue: singular[^1],
            LargestSingularValue: singular[0]);
    }
}
