using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using MathNet.Numerics.LinearAlgebra;
using Rethink.Theory;
using Rethink.Testing;
using Xunit;

namespace Rethink.Properties;

[Properties(Arbitrary = [typeof(TheoryArbitraries)], MaxTest = 60)]
public class Lemma1Properties
{
    /// <summary>An interleaving with integer values (gaps 1..1000), exact in double precision.</summary>
    private static InterleavingMatrix IntegerInterleaving(InterleavingCase c)
    {
        var random = new Random(c.Seed);
        var x = new double[c.N];
        var b = new double[c.N];
        long t = random.Next(-1000, 1000);
        for (var i = 0; i < c.N; i++)
        {
            t += random.Next(1, 1001);
            b[i] = t;
            t += random.Next(1, 1001);
            x[i] = t;
        }
        return InterleavingMatrix.Create(x, b);
    }

    private static ulong[,] Modular(InterleavingMatrix a, long shift = 0)
    {
        var m = new ulong[a.N, a.N];
        for (var i = 0; i < a.N; i++)
            for (var j = 0; j < a.N; j++)
                m[i, j] = ModularMatrix.Reduce((long)a[i, j] - (i == j ? shift : 0));
        return m;
    }

    [Property]
    [States("The matrix of an interleaved sequence has full rank")]
    public void Interleaving_matrix_has_full_rank(InterleavingCase c) => ClaimLog.Check(Claims.Lemma1, "rank modulo a prime, exact", c.N, () =>
    {
        var a = IntegerInterleaving(c);
        var report = a.Analyze();
        // Independent, exact: rank over GF(p) is a lower bound on the rank over the rationals, and at most n.
        var modular = ModularMatrix.Eliminate(Modular(a)).Rank;
        Assert.Equal(c.N, modular);
        Assert.Equal(modular, report.Rank);
        // Floating point can only lose rank, and does not while A is well conditioned.
        Assert.True(report.NumericalRank <= c.N);
        // The numerical rank counts σ > n·ε·σ_max, each σ computed within s = γ_{10n²}·σ_max (Weyl): full whenever
        // σ_min − s exceeds the cutoff, i.e. 1/κ > n·ε + 2s/σ_max.
        var s = ErrorBound.Gamma(10.0 * c.N * c.N, ErrorBound.U64);
        if (1 / report.ConditionNumber > c.N * 2 * ErrorBound.U64 + 2 * s) Assert.Equal(c.N, report.NumericalRank);
    });

    [Property]
    [States("Its eigenvalues are the gaps between each point and its threshold; the smallest is the least gap")]
    public void Eigenvalues_are_the_diagonal_and_the_smallest_is_min_x_minus_b(InterleavingCase c) => ClaimLog.Check(Claims.Lemma1, "characteristic polynomial modulo a prime at random points, exact", c.N, () =>
    {
        var a = IntegerInterleaving(c);
        // The reported multiset of eigenvalues is the true one: det(A − λI) equals ∏(μᵢ − λ) exactly
        // (mod p) at random λ, so the characteristic polynomials agree. (MathNet's non-symmetric
        // eigensolver is not a usable reference: A is far from normal and its computed eigenvalues
        // scatter into the complex plane.)
        var eigenvalues = a.Eigenvalues();
        var random = new Random(c.Seed ^ 0x5bd1e995);
        for (var trial = 0; trial < 3; trial++)
        {
            long lambda = random.Next(-1_000_000, 1_000_000);
            var (_, det) = ModularMatrix.Eliminate(Modular(a, lambda));
            ulong product = 1;
            foreach (var e in eigenvalues) product = ModularMatrix.Mul(product, ModularMatrix.Reduce((long)e - lambda));
            Assert.Equal(product, det);
        }
        // Against that verified multiset: the smallest is an eigenvalue (A − λI singular, exactly) and
        // nothing smaller is (every verified value is at least it).
        var smallest = a.Analyze().SmallestEigenvalue;
        Assert.Equal(smallest, a.SmallestEigenvalue);
        Assert.Equal(0UL, ModularMatrix.Eliminate(Modular(a, (long)smallest)).Determinant);
        Assert.All(eigenvalues, e => Assert.True(e >= smallest));
        Assert.Contains(smallest, eigenvalues);
    });

    /// <summary>
    /// The smallest singular value against an independent reference: 1/‖A⁻¹‖₂ with A⁻¹ exact (rational
    /// forward substitution on the integer matrix), rounded, then its largest singular value — accurate
    /// to rounding however ill-conditioned A is. The library's value (an SVD of A) is accurate to
    /// n·ε·σ_max absolutely, and relatively where σ_min stands well above that.
    /// </summary>
    [Property(MaxTest = 40)]
    [States("Its smallest singular value, at most the least eigenvalue and reported apart from it, is computed correctly")]
    public Property Singular_value_is_a_different_smaller_number() =>
        Prop.ForAll(Gen.Choose(1, 24).ToArbitrary(), Gen.Choose(0, int.MaxValue).ToArbitrary(), (n, seed) => ClaimLog.Check(Claims.Lemma1, "smallest singular value against one over the norm of the inverse, computed in exact rationals", n, () =>
        {
            var a = IntegerInterleaving(new InterleavingCase(n, seed));
            var report = a.Analyze();
            var integer = new long[n, n];
            for (var i = 0; i < n; i++)
                for (var j = 0; j < n; j++) integer[i, j] = (long)a[i, j];
            var exactInverse = BigRational.InverseLowerTriangular(integer);
            var inverse = Matrix<double>.Build.Dense(n, n, (i, j) => exactInverse[i, j].ToDouble());
            var reference = 1 / inverse.Svd(false).S.Maximum();
            var sigmaMax = report.LargestSingularValue;
            // The library's σ_min: an SVD of the rounded A, within γ_{10n²}·σ_max of the exact (backward stable, Weyl).
            // The reference: A⁻¹ exact, rounded entry by entry (relative u), then its largest singular value within
            // γ_{10n²} of that matrix's — relative accuracy (u + γ_{10n²})·√n on σ_max(A⁻¹), and so on its reciprocal.
            var absolute = ErrorBound.Gamma(10.0 * n * n, ErrorBound.U64) * sigmaMax;
            var relative = (ErrorBound.U64 + ErrorBound.Gamma(10.0 * n * n, ErrorBound.U64)) * Math.Sqrt(n) * 2;
            Within.Bound(report.SmallestSingularValue - reference, absolute + relative * reference,
                $"n={n}: sigma_min {report.SmallestSingularValue:G6} vs the exact-inverse reference {reference:G6}",
                "gamma_{10n^2} sigma_max (the SVD) + 2 sqrt(n)(u + gamma_{10n^2}) sigma_min (the rounded inverse); " + ErrorBound.Inputs(("sigma_max", sigmaMax)));
            // For any matrix, σ_min ≤ |λ|_min; for n ≥ 2 interleavings it is strictly smaller. (The reference's
            // relative error above, since λ_min is exact: a difference of integers.)
            Assert.True(reference <= report.SmallestEigenvalue * (1 + relative), $"sigma_min {reference:R} above lambda_min {report.SmallestEigenvalue:R}");
            if (n >= 2) Assert.True(reference < report.SmallestEigenvalue);
        }));

    [Property]
    [States("The matrix is lower triangular with a positive diagonal")]
    public void Matrix_is_lower_triangular_with_positive_diagonal(InterleavingCase c) => ClaimLog.Check(Claims.Lemma1, "lower triangular with positive diagonal, entries read off", c.N, () =>
    {
        var a = InterleavingMatrix.Random(c.N, c.Seed);
        for (var i = 0; i < c.N; i++)
        {
            Assert.True(a[i, i] > 0);
            for (var j = i + 1; j < c.N; j++) Assert.Equal(0.0, a[i, j]);
        }
    });

    [Property]
    public Property Non_interleaving_input_names_the_first_bad_index() =>
        Prop.ForAll(TheoryArbitraries.Interleaving(), Gen.Choose(0, 10_000).ToArbitrary(), Gen.Elements(true, false).ToArbitrary(), (c, pick, breakX) =>
        {
            var a = InterleavingMatrix.Random(c.N, c.Seed);
            var x = a.X.ToArray();
            var b = a.B.ToArray();
            var index = pick % c.N;
            string expectedParameter;
            int expectedIndex;
            if (breakX || index == 0)
            {
                x[index] = b[index]; // violates b[i] < x[i]
                expectedParameter = "x";
                expectedIndex = index;
            }
            else
            {
                b[index] = x[index - 1]; // violates x[i-1] < b[i]
                expectedParameter = "b";
                expectedIndex = index;
            }
            var e = Assert.Throws<NotInterleavingException>(() => InterleavingMatrix.Create(x, b));
            Assert.Equal(expectedIndex, e.Index);
            Assert.Equal(expectedParameter, e.ParamName);
            Assert.Contains($"index {expectedIndex}", e.Message);
        });

    [Fact]
    public void Non_finite_and_mismatched_inputs_are_rejected()
    {
        Assert.Throws<NotInterleavingException>(() => InterleavingMatrix.Create([1.0, double.NaN], [0.0, 2.0]));
        Assert.Throws<ArgumentException>(() => InterleavingMatrix.Create([1.0, 3.0], [0.0]));
        Assert.Throws<ArgumentException>(() => InterleavingMatrix.Create([], []));
    }

    [Fact]
    public void Worked_example()
    {
        // b = (0, 2, 5), x = (1, 4, 6): A = [[1,0,0],[4,2,0],[6,4,1]], eigenvalues 1, 2, 1.
        var a = InterleavingMatrix.Create([1.0, 4.0, 6.0], [0.0, 2.0, 5.0]);
        Assert.Equal([1.0, 2.0, 1.0], a.Eigenvalues());
        Assert.Equal(6.0, a[2, 0]);
        Assert.Equal(4.0, a[2, 1]);
        var report = a.Analyze();
        Assert.Equal(1.0, report.SmallestEigenvalue);
        Assert.Equal(0, report.SmallestEigenvalueIndex);
        // A⁻¹ = [[1,0,0],[−2,1/2,0],[2,−2,1]] by hand; σ_min(A) = 1/σ_max(A⁻¹).
        var inverse = Matrix<double>.Build.DenseOfArray(new double[,] { { 1, 0, 0 }, { -2, 0.5, 0 }, { 2, -2, 1 } });
        // Both SVDs within γ_{10n²} of their matrix's largest singular value (Weyl): absolute on σ_min(A), relative on 1/σ_max(A⁻¹).
        var reference = 1 / inverse.Svd().S.Maximum();
        var gamma = ErrorBound.Gamma(90, ErrorBound.U64);
        Within.Bound(report.SmallestSingularValue - reference, gamma * (report.LargestSingularValue + 2 * reference), "sigma_min of the worked example",
            "gamma_{10n^2}(sigma_max(A) + 2 sigma_min)");
        Assert.Equal(3, report.Rank);
    }
}
