using System.Diagnostics;
using Rethink.Core;
using Rethink.Theory;

namespace Rethink.Bench;

/// <summary>
/// Theorem 1 fit + evaluation at n = 10⁴, 10⁵, 10⁶ (d = 784): the construction is O(nd + n log n),
/// so each decade should cost about 10–12× the previous one.
/// </summary>
public static class TheoryBenchmark
{
    public static int Run(string[] args)
    {
        var d = 784;
        var sizes = args.Length > 0 ? args.Select(int.Parse).ToArray() : [10_000, 100_000, 1_000_000];
        Console.WriteLine($"Theorem 1 benchmark, d = {d}, on {MachineInfo.Current}");
        Console.WriteLine($"{"n",10} {"fit s",9} {"eval s",9} {"total s",9} {"x prev",8}   (fit = project+sort+solve; eval = segment evaluator on all n points)");
        double? previous = null;
        foreach (var n in sizes)
        {
            var points = SyntheticPoints.Gaussian(n, d, seed: 1);
            var y = SyntheticPoints.Labels(points, LabelFunction.Random, seed: 1);
            // Warm-up on a small slice so JIT time is not charged to the first size.
            ReluInterpolation.Fit(new FeatureMatrix(points.Values[..(d * 100)], 100, d), y.AsSpan(0, 100));

            var best = double.PositiveInfinity;
            double fitSeconds = 0, evalSeconds = 0;
            var repeats = n <= 100_000 ? 3 : 1;
            for (var r = 0; r < repeats; r++)
            {
                var watch = Stopwatch.StartNew();
                var fit = ReluInterpolation.Fit(points, y);
                var fitTime = watch.Elapsed.TotalSeconds;
                var predicted = fit.Network.Evaluate(points);
                var total = watch.Elapsed.TotalSeconds;
                if (total < best)
                {
                    best = total;
                    fitSeconds = fitTime;
                    evalSeconds = total - fitTime;
                }
                GC.KeepAlive(predicted);
            }
            var ratio = previous is { } p ? $"{best / p,7:F1}x" : "       -";
            Console.WriteLine($"{n,10:N0} {fitSeconds,9:F3} {evalSeconds,9:F3} {best,9:F3} {ratio}");
            previous = best;
        }
        return 0;
    }
}
