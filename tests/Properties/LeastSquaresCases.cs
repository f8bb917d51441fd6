using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using MathNet.Numerics.LinearAlgebra;
using Rethink.Core;
using Rethink.Theory;
using Xunit;

namespace Rethink.Properties;

/// <summary>An over-parameterized least-squares problem: n ≤ d.</summary>
public sealed record LeastSquaresCase(int N, int D, int Seed)
{
    public (Matrix<double> X, Vector<double> Y) Draw()
    {
        var g = new GaussianSampler(SeedMixer.Random(Seed, 1));
        var x = Matrix<double>.Build.Dense(N, D, (_, _) => g.Next() / Math.Sqrt(D));
        var y = Vector<double>.Build.Dense(N, _ => g.Next());
        return (x, y);
    }

    /// <summary>
    /// X with the same singular vectors as <see cref="Draw"/> but singular values spread evenly over
    /// [1, κ]: gradient descent converges in about κ² log(1/tol) steps, so every case is tested and
    /// none is discarded for being ill-conditioned.
    /// </summary>
    public (Matrix<double> X, Vector<double> Y) DrawConditioned(double kappa)
    {
        var (x, y) = Draw();
        var svd = x.Svd();
        var s = Matrix<double>.Build.Dense(N, D);
        for (var i = 0; i < N; i++) s[i, i] = N == 1 ? kappa : 1 + (kappa - 1) * i / (N - 1);
        return (svd.U * s * svd.VT, y);
    }

    public Vector<double> W0()
    {
        var g = new GaussianSampler(SeedMixer.Random(Seed, 2));
        return Vector<double>.Build.Dense(D, _ => g.Next());
    }

    public override string ToString() => $"n={N} d={D} seed={Seed}";
}

/// <summary>A depth-k case: n points in d dimensions, depth k ≤ n.</summary>
public sealed record DepthCase(int N, int D, int K, int Seed)
{
    public override string ToString() => $"n={N} d={D} k={K} seed={Seed}";
}

/// <summary>Generators for the least-squares and depth-k cases (sizes stay small: the checks are O(n³)).</summary>
public static class LeastSquaresArbitraries
{
    public static Arbitrary<LeastSquaresCase> LeastSquares() =>
        (from n in Gen.Choose(1, 12)
         from extra in Gen.Choose(0, 25)
         from seed in Gen.Choose(0, int.MaxValue)
         select new LeastSquaresCase(n, n + extra, seed)).ToArbitrary();

    public static Arbitrary<DepthCase> Depth() =>
        (from n in Gen.Choose(1, 120)
         from d in Gen.Choose(1, 10)
         from k in Gen.Choose(1, 12)
         from seed in Gen.Choose(0, int.MaxValue)
         select new DepthCase(n, d, Math.Min(k, n), seed)).ToArbitrary();
}
