using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using MathNet.Numerics.LinearAlgebra;
using Rethink.Theory;
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
    public void Interleaving_matrix_has_full_rank(InterleavingCase c)
    {
        var a = IntegerInterleaving(c);
        var report = a.Analyze();
        Assert.Equal(c.N, report.Rank);
        // Independent, exact: rank over GF(p) is a lower bound on the rank over the rationals.
        Assert.Equal(c.N, ModularMatrix.Eliminate(Modular(a)).Rank);
        // Floating point can only lose rank, and does not while A is well conditioned.
        Assert.True(report.NumericalRank <= c.N);
        if (report.ConditionNumber * c.N * 2.3e-16 < 0.25) Assert.Equal(c.N, report.NumericalRank);
    }

    [Property]
    public void Eigenvalues_are_the_diagonal_and_the_smallest_is_min_x_minus_b(InterleavingCase c)
    {
        var a = IntegerInterleaving(c);
        var expected = Enumerable.Range(0, c.N).Min(i => a.X[i] - a.B[i]);
        Assert.Equal(expected, a.SmallestEigenvalue);
        Assert.Equal(expected, a.Analyze().SmallestEigenvalue);
        // Characteristic polynomial det(A - lambda I) equals prod(d_i - lambda) at random lambda, exactly mod p:
        // the eigenvalues (with multiplicity) are the reported ones. (MathNet's non-symmetric eigensolver is
        // not a usable reference here: A is far from normal and its computed eigenvalues scatter into the plane.)
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
    }

    [Property]
    public void Singular_value_is_a_different_smaller_number(InterleavingCase c)
    {
        var report = InterleavingMatrix.Random(c.N, new Random(c.Seed)).Analyze();
        // For any matrix, sigma_min <= |lambda|_min; for n >= 2 interleavings it is strictly smaller.
        Assert.True(report.SmallestSingularValue <= report.SmallestEigenvalue * (1 + 1e-12));
        if (c.N >= 2) Assert.True(report.SmallestSingularValue < report.SmallestEigenvalue);
        // Independent reference for sigma: MathNet's SVD of the dense matrix.
        var dense = InterleavingMatrix.Random(c.N, new Random(c.Seed)).ToDense();
        Assert.Equal(dense.Svd(false).S.Minimum(), report.SmallestSingularValue, 12);
    }

    [Property]
    public void Matrix_is_lower_triangular_with_positive_diagonal(InterleavingCase c)
    {
        var a = InterleavingMatrix.Random(c.N, new Random(c.Seed));
        for (var i = 0; i < c.N; i++)
        {
            Assert.True(a[i, i] > 0);
            for (var j = i + 1; j < c.N; j++) Assert.Equal(0.0, a[i, j]);
        }
    }

    [Property]
    public Property Non_interleaving_input_names_the_first_bad_index() =>
        Prop.ForAll(TheoryArbitraries.Interleaving(), Gen.Choose(0, 10_000).ToArbitrary(), Gen.Elements(true, false).ToArbitrary(), (c, pick, breakX) =>
        {
            var a = InterleavingMatrix.Random(c.N, new Random(c.Seed));
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
        var sigma = Matrix<double>.Build.DenseOfArray(new double[,] { { 1, 0, 0 }, { 4, 2, 0 }, { 6, 4, 1 } }).Svd().S.Minimum();
        Assert.Equal(sigma, report.SmallestSingularValue, 12);
    }
}
