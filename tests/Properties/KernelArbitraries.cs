using FsCheck;
using FsCheck.Fluent;
using Rethink.Core;
using Rethink.Kernels;

namespace Rethink.Properties;

/// <summary>n random points in d dimensions (standard normal), c targets, drawn from a seed.</summary>
public sealed record KernelCase(int N, int D, int Targets, int Seed)
{
    public FeatureMatrix Points(int? rows = null, int salt = 0)
    {
        var gaussian = new GaussianSampler(SeedMixer.Random(Seed, salt));
        var values = new double[(rows ?? N) * D];
        gaussian.Fill(values);
        return new FeatureMatrix(values, rows ?? N, D);
    }

    public double[] Y()
    {
        var random = SeedMixer.Random(Seed, 99);
        return Enumerable.Range(0, N * Targets).Select(_ => random.NextDouble() * 2 - 1).ToArray();
    }

    public override string ToString() => $"n={N} d={D} c={Targets} seed={Seed}";
}

public static class KernelArbitraries
{
    public static Arbitrary<KernelCase> Cases() =>
        (from n in Gen.Sized(s => Gen.Choose(2, Math.Clamp(15 * (int)Math.Sqrt(s + 1), 2, 150)))
         from d in Gen.Choose(1, 24)
         from c in Gen.Choose(1, 4)
         from seed in Gen.Choose(0, int.MaxValue)
         select new KernelCase(n, d, c, seed)).ToArbitrary();

    public static readonly Kernel[] AllKernels =
    [
        new GaussianKernel(0.3), new LaplacianKernel(2.0), new PolynomialKernel(3, 0.2, 1.0), new LinearKernel(), new ArcCosineKernel(),
    ];
}
