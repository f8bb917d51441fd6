using Rethink.Core;
using Rethink.Theory;

namespace Rethink.Properties;

/// <summary>Test data built deterministically from a case's seed.</summary>
internal static class Samples
{
    public static (FeatureMatrix X, double[] Y) Draw(InterpolationCase c)
    {
        var random = new Random(c.Seed);
        var gaussian = new GaussianSampler(random);
        var values = new double[c.N * c.D];
        gaussian.Fill(values);
        var x = new FeatureMatrix(values, c.N, c.D);
        var y = new double[c.N];
        var u = new double[c.D];
        gaussian.Fill(u);
        for (var i = 0; i < c.N; i++)
        {
            var row = x.Row(i);
            y[i] = c.Labels switch
            {
                LabelKind.Random => 2 * random.NextDouble() - 1,
                LabelKind.RandomSign => random.Next(2) == 0 ? -1.0 : 1.0,
                _ => Math.Sin(Dot(u, row)) + 0.1 * Dot(row, row),
            };
        }
        return (x, y);
    }

    public static double Dot(ReadOnlySpan<double> a, ReadOnlySpan<double> b)
    {
        var s = 0.0;
        for (var i = 0; i < a.Length; i++) s += a[i] * b[i];
        return s;
    }
}
