using Rethink.Core;
using System.Collections.Concurrent;
using System.Numerics.Tensors;

namespace Rethink.Theory;

/// <summary>z = X a for a row-major point set, computed in parallel over blocks of rows.</summary>
internal static class Projection
{
    public static double[] Project(FeatureMatrix points, ReadOnlySpan<double> direction)
    {
        var a = direction.ToArray();
        var z = new double[points.Rows];
        var d = points.Columns;
        var values = points.Values;
        Parallel.ForEach(Partitioner.Create(0, points.Rows, Math.Max(256, (1 << 20) / d)), range =>
        {
            for (var i = range.Item1; i < range.Item2; i++)
                z[i] = TensorPrimitives.Dot(a, new ReadOnlySpan<double>(values, i * d, d));
        });
        return z;
    }
}
