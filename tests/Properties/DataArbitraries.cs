using FsCheck;
using FsCheck.Fluent;
using Rethink.Data;

namespace Rethink.Properties;

/// <summary>A small generated image set: count, channels, height, width, classes and a seed for the bytes.</summary>
public sealed record ImageSetCase(int Count, int Channels, int Height, int Width, int Classes, int Seed)
{
    public ImageSet Build()
    {
        var random = new Random(Seed);
        var pixels = new byte[Count * Channels * Height * Width];
        random.NextBytes(pixels);
        var labels = new byte[Count];
        for (var i = 0; i < Count; i++) labels[i] = (byte)random.Next(Classes);
        return new ImageSet(pixels, labels, Channels, Height, Width, Enumerable.Range(0, Classes).Select(c => c.ToString()).ToArray());
    }

    public override string ToString() => $"{Count}x{Channels}x{Height}x{Width}, {Classes} classes, seed {Seed}";
}

/// <summary>A label-corruption case: n labels over k classes, probability p, rule, seed.</summary>
public sealed record CorruptionCase(int N, int Classes, double P, CorruptionRule Rule, int Seed)
{
    public override string ToString() => $"n={N} k={Classes} p={P:F3} {Rule} seed={Seed}";
}

public static class DataArbitraries
{
    public static Arbitrary<ImageSetCase> ImageSets() =>
        (from count in Gen.Choose(1, 40)
         from channels in Gen.Elements(1, 3)
         from height in Gen.Choose(1, 12)
         from width in Gen.Choose(1, 12)
         from classes in Gen.Choose(2, 12)
         from seed in Gen.Choose(0, int.MaxValue)
         select new ImageSetCase(count, channels, height, width, classes, seed)).ToArbitrary();

    public static Arbitrary<CorruptionCase> Corruptions() =>
        (from n in Gen.Choose(500, 5000)
         from classes in Gen.Choose(2, 20)
         from p in Gen.Choose(0, 1000).Select(v => v / 1000.0)
         from rule in Gen.Elements(CorruptionRule.Uniform, CorruptionRule.AlwaysWrong)
         from seed in Gen.Choose(0, int.MaxValue)
         select new CorruptionCase(n, classes, p, rule, seed)).ToArbitrary();
}
