using System.CommandLine;
using System.Diagnostics;
using MathNet.Numerics.LinearAlgebra;
using Rethink.Core;
using Rethink.Plots.Cli;
using Rethink.Theory;

namespace Rethink.Plots.Commands;

/// <summary>`rethink theory sgd`: SGD and gradient descent on over-parameterized least squares stay in the row space and converge to the minimum-norm solution.</summary>
public static class ImplicitRegularizationCommand
{
    public static Command Create()
    {
        var n = new Option<int>("--n") { Description = "Examples (rows of X).", DefaultValueFactory = _ => 50 }.AtLeast(1);
        var d = new Option<int>("--d") { Description = "Dimension (columns of X); d >= n: over-parameterized.", DefaultValueFactory = _ => 200 }.AtLeast(1);
        var steps = new Option<int>("--steps") { Description = "SGD updates (single examples).", DefaultValueFactory = _ => 20_000 }.AtLeast(1);
        var start = new Option<string>("--start") { Description = "zero (w0 = 0) or random (w0 ~ N(0, I)).", DefaultValueFactory = _ => "zero" }.AcceptOnlyFromAmong("zero", "random");
        var seed = new Option<int>("--seed") { Description = "Seed of X, y, w0 and the SGD order.", DefaultValueFactory = _ => 1 };
        var command = new Command("sgd", "SGD on over-parameterized least squares stays in the row space of X and converges to X+y (+ the null-space part of w0).")
        {
            n, d, steps, start, seed,
        };
        command.SetAction(parse =>
        {
            var (rows, cols, s) = (parse.GetValue(n), parse.GetValue(d), parse.GetValue(seed));
            if (rows < 1 || cols < rows) throw new CommandLineException($"--n {rows} --d {cols}: need 1 <= n <= d (over-parameterized).");
            var g = new GaussianSampler(SeedMixer.Random(s, 1));
            var x = Matrix<double>.Build.Dense(rows, cols, (_, _) => g.Next() / Math.Sqrt(cols));
            var y = Vector<double>.Build.Dense(rows, _ => g.Next());
            var w0 = parse.GetValue(start) == "random" ? Vector<double>.Build.Dense(cols, _ => g.Next()) : Vector<double>.Build.Dense(cols);
            var maxRow = x.RowNorms(2).Maximum();
            var total = parse.GetValue(steps);
            var watch = Stopwatch.StartNew();
            var run = ImplicitRegularization.StochasticGradientDescent(x, y, w0, new StepSchedule(0.5 / (maxRow * maxRow)), total, s, recordEvery: Math.Max(1, total / 5));
            var gd = ImplicitRegularization.GradientDescent(x, y, w0, new StepSchedule(1 / Math.Pow(x.L2Norm(), 2)), total / rows, recordEvery: Math.Max(1, total / rows));
            var k = x * x.Transpose();
            var (_, kernelGaps) = ImplicitRegularization.KernelGradientDescent(k, y, 1 / k.L2Norm(), total / rows, recordEvery: Math.Max(1, total / rows));
            Console.WriteLine($"Implicit regularization: least squares, n = {rows}, d = {cols}, w0 = {parse.GetValue(start)}, seed {s}");
            Console.WriteLine($"  {"step",8} {"dist to w0+row(X)",18} {"|Xw - y|",12} {"|w - w_inf|",12}");
            foreach (var p in run.Trajectory)
                Console.WriteLine($"  {p.Step,8} {p.DistanceToRowSpace,18:E2} {p.Residual,12:E3} {p.GapToLimit,12:E3}");
            Console.WriteLine($"  SGD ({total:N0} single-example steps): max distance to w0 + row(X) over all steps {run.MaxDistanceToRowSpace:E2}");
            Console.WriteLine($"  SGD final gap to w_inf = X+y + (I - X+X)w0: {run.LimitGap:E2} relative; to the minimum-norm X+y: {run.MinimumNormGap:E2}");
            Console.WriteLine($"  GD ({total / rows:N0} full steps): gap to w_inf {gd.LimitGap:E2}, max distance to w0 + row(X) {gd.MaxDistanceToRowSpace:E2}");
            Console.WriteLine($"  kernel form (alpha <- alpha - eta (K alpha - y), K = XX^T): |alpha - K^-1 y| / |K^-1 y| = {kernelGaps[^1].Gap:E2}");
            Console.WriteLine($"  |X+y| = {ImplicitRegularization.MinimumNormSolution(x, y).L2Norm():F4}, |w_SGD| = {Vector<double>.Build.DenseOfArray(run.Weights).L2Norm():F4}; time {ReportText.Seconds(watch.Elapsed.TotalSeconds)}");
            return 0;
        });
        return command;
    }
}
