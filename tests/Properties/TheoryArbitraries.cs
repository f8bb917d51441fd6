using FsCheck;
using FsCheck.Fluent;

namespace Rethink.Properties;

/// <summary>Kinds of labels Theorem 1 must fit.</summary>
public enum LabelKind
{
    /// <summary>Uniform in [-1, 1].</summary>
    Random,
    /// <summary>A smooth function of the point (sin of a linear form plus a quadratic).</summary>
    Structured,
    /// <summary>Uniform in {-1, +1}: a Rademacher sign pattern.</summary>
    RandomSign,
}

/// <summary>n points in d dimensions, labels of one kind, all drawn from <see cref="Seed"/>.</summary>
public sealed record InterpolationCase(int N, int D, LabelKind Labels, int Seed)
{
    public override string ToString() => $"n={N} d={D} labels={Labels} seed={Seed}";
}

/// <summary>A random interleaving of size N drawn from Seed.</summary>
public sealed record InterleavingCase(int N, int Seed)
{
    public override string ToString() => $"n={N} seed={Seed}";
}

/// <summary>
/// Generators for the Theory properties. Sizes grow with √size so that the O(n³) references stay
/// cheap at small sizes while the largest cases still reach the bounds the issue asks for.
/// </summary>
public static class TheoryArbitraries
{
    private static Gen<int> Scaled(int max) =>
        Gen.Sized(size => Gen.Choose(1, Math.Clamp((int)Math.Ceiling(max * Math.Sqrt(size + 1) / 10.0), 1, max)));

    public static Arbitrary<InterpolationCase> Interpolation() =>
        (from n in Scaled(500)
         from d in Scaled(50)
         from labels in Gen.Elements(LabelKind.Random, LabelKind.Structured, LabelKind.RandomSign)
         from seed in Gen.Choose(0, int.MaxValue)
         select new InterpolationCase(n, d, labels, seed)).ToArbitrary();

    public static Arbitrary<InterleavingCase> Interleaving() =>
        (from n in Scaled(200)
         from seed in Gen.Choose(0, int.MaxValue)
         select new InterleavingCase(n, seed)).ToArbitrary();
}
