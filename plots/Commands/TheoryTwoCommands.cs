using Rethink.Torch;
using System.CommandLine;
using System.Diagnostics;
using MathNet.Numerics.LinearAlgebra;
using Rethink.Core;
using Rethink.Data;
using Rethink.Deep;
using Rethink.Plots.Cli;
using Rethink.Theory;

namespace Rethink.Plots.Commands;

/// <summary>`rethink theory sgd|depth|rademacher`: Section 5's implicit regularization, depth-k networks, Rademacher complexity.</summary>
public static class TheoryTwoCommands
{
    public static Command Sgd()
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

    public static Command Depth()
    {
        var n = new Option<int>("--n") { Description = "Points.", DefaultValueFactory = _ => 1000 }.AtLeast(1);
        var d = new Option<int>("--d") { Description = "Dimension.", DefaultValueFactory = _ => 20 }.AtLeast(1);
        var k = new Option<int>("--k") { Description = "Depth (hidden layers).", DefaultValueFactory = _ => 10 }.AtLeast(1);
        var seed = new Option<int>("--seed") { Description = "Seed of points, labels and direction.", DefaultValueFactory = _ => 1 };
        var command = new Command("depth", "Build the depth-k ReLU network of width ceil(n/k) + 4 that fits random labels, and check it.") { n, d, k, seed };
        command.SetAction(parse =>
        {
            var (size, dim, depth, s) = (parse.GetValue(n), parse.GetValue(d), parse.GetValue(k), parse.GetValue(seed));
            if (depth < 1 || depth > size) throw new CommandLineException($"--k {depth}: choose 1..n = {size}.");
            var points = SyntheticPoints.Gaussian(size, dim, s);
            var y = SyntheticPoints.Labels(points, LabelFunction.Random, s);
            var fit = ReluInterpolation.Fit(points, y, new ReluFitOptions(Seed: s));
            var net = DepthNetwork.FromInterpolant(fit.Network, depth);
            double maxError = 0, maxBound = 0;
            for (var i = 0; i < size; i++)
            {
                maxError = Math.Max(maxError, Math.Abs(net.Evaluate(points.Row(i)) - y[i]));
                maxBound = Math.Max(maxBound, fit.Network.LiteralErrorBound(fit.Network.Project(points.Row(i))));
            }
            Console.WriteLine($"Depth-{depth} construction: n = {size} points ~ N(0, I_{dim}), random labels in [-1, 1], seed {s}");
            Console.WriteLine($"  block size m = ceil(n/k) = {net.BlockSize}; hidden widths {string.Join(", ", net.Widths)} (m + 2, then m + 4)");
            for (var l = 0; l < net.Hidden.Count; l++)
                Console.WriteLine($"  layer {l + 1,3}: {net.Hidden[l].Inputs,5} -> {net.Hidden[l].Outputs,5}, dense parameters {net.Hidden[l].Parameters,9:N0}, nonzero weights {net.Hidden[l].NonZeroWeights,7:N0}");
            Console.WriteLine($"  output   : {net.Output.Inputs,5} -> 1, dense parameters {net.Output.Parameters:N0}");
            Console.WriteLine($"  total dense parameters {net.DenseParameters:N0}; built from Theorem 1's 2n + d = {fit.Network.ParameterCount:N0} free parameters");
            Console.WriteLine($"  max interpolation error (literal forward pass) {maxError:E2}; rounding bound of the literal Theorem 1 sum {maxBound:E2}");
            return 0;
        });
        return command;
    }

    public static Command Rademacher()
    {
        var n = new Option<int>("--n") { Description = "Sample size.", DefaultValueFactory = _ => 200 }.AtLeast(1);
        var d = new Option<int>("--d") { Description = "Dimension of the Gaussian sample.", DefaultValueFactory = _ => 20 }.AtLeast(1);
        var draws = new Option<int>("--draws") { Description = "Monte Carlo sign vectors.", DefaultValueFactory = _ => 2000 }.AtLeast(1);
        var bound = new Option<double>("--bound") { Description = "B: norm bound of the linear and kernel classes.", DefaultValueFactory = _ => 1.0 }.Positive();
        var network = new Option<bool>("--network") { Description = "Also estimate it for a trained MLP 1x512 by fitting random +-1 labels on CIFAR-10 images (needs TorchSharp and the data)." };
        var data = CommonOptions.Data("Data root for --network.");
        var seed = new Option<int>("--seed") { Description = "Seed.", DefaultValueFactory = _ => 1 };
        var command = new Command("rademacher", "Empirical Rademacher complexity: linear and kernel classes (closed form per sign vector + Monte Carlo), the 2n+d ReLU class (= 1), and optionally a trained network.")
        {
            n, d, draws, bound, network, data, seed,
        };
        command.SetAction(parse =>
        {
            var (size, dim, t, b, s) = (parse.GetValue(n), parse.GetValue(d), parse.GetValue(draws), parse.GetValue(bound), parse.GetValue(seed));
            if (size < 1 || dim < 1 || t < 2) throw new CommandLineException("--n, --d must be >= 1 and --draws >= 2.");
            var points = SyntheticPoints.Gaussian(size, dim, s);
            var x = Matrix<double>.Build.Dense(size, dim, (i, j) => points.Values[i * dim + j]);
            var gamma = 1.0 / dim;
            var kernel = Matrix<double>.Build.Dense(size, size, (i, j) => Math.Exp(-gamma * (x.Row(i) - x.Row(j)).DotProduct(x.Row(i) - x.Row(j))));
            var random = SeedMixer.Random(s, 7);
            var linear = RademacherComplexity.Estimate(size, sigma => RademacherComplexity.LinearSupremum(x, sigma, b), t, random);
            var rkhs = RademacherComplexity.Estimate(size, sigma => RademacherComplexity.KernelSupremum(kernel, sigma, b), t, random);
            var jensenLinear = b * Math.Sqrt(x.RowNorms(2).Sum(v => v * v)) / size;
            var jensenKernel = b * Math.Sqrt(kernel.Diagonal().Sum()) / size;
            var reluDraws = Math.Min(t, 20);
            var relu = Enumerable.Range(0, reluDraws).Select(i => RademacherComplexity.ReluInterpolationSupremum(points, RademacherComplexity.Signs(size, random), s + i)).ToList();
            Console.WriteLine($"Empirical Rademacher complexity, n = {size} points ~ N(0, I_{dim}), {t} sign vectors, 99% intervals");
            Console.WriteLine($"  linear, |w| <= {b}:          {linear.Mean:F4}  [{linear.Low:F4}, {linear.High:F4}]   (Jensen bound B sqrt(sum |x_i|^2)/n = {jensenLinear:F4})");
            Console.WriteLine($"  RKHS ball (Gaussian, gamma = 1/d), |f| <= {b}: {rkhs.Mean:F4}  [{rkhs.Low:F4}, {rkhs.High:F4}]   (Jensen bound B sqrt(tr K)/n = {jensenKernel:F4})");
            Console.WriteLine($"  2n+d ReLU networks, outputs clipped to [-1,1]: {relu.Average():F4} on {reluDraws} sign vectors (min {relu.Min():F4}): every sign pattern is fitted, so R = 1");
            if (parse.GetValue(network)) NetworkEstimate(parse.GetValue(data), Math.Min(size, 1000), s);
            return 0;
        });
        return command;
    }

    /// <summary>
    /// A trained network's empirical complexity: fit uniformly random ±1 labels of CIFAR-10 images
    /// with MLP 1×512 (two outputs) several times; (1/n)Σσᵢh(xᵢ) = 1 − 2·(training error) per draw.
    /// </summary>
    private static void NetworkEstimate(string? dataDirectory, int n, int seed)
    {
        TorchRuntime.EnsureAvailable();
        var cifar = DatasetLoader.Load("cifar10", new DataOptions(dataDirectory));
        var values = new List<double>();
        var watch = Stopwatch.StartNew();
        for (var draw = 0; draw < 5; draw++)
        {
            var random = SeedMixer.Random(seed, 100 + draw);
            var indices = Enumerable.Range(0, cifar.Train.Count).ToArray();
            random.Shuffle(indices);
            var subset = cifar.Train.Select(indices[..n]);
            var labels = Enumerable.Range(0, n).Select(_ => (byte)random.Next(2)).ToArray();
            var signs = new ImageSet(subset.Pixels, labels, subset.Channels, subset.Height, subset.Width, ["-1", "+1"]);
            var dataset = new LabeledDataset("cifar10-signs", signs, new ImageSet([], [], 3, 32, 32, ["-1", "+1"]), "memory");
            var config = new TrainingConfig(ModelKind.Mlp1x512, "cifar10-signs", Seed: seed + draw, MaxSteps: 3000);
            var result = Trainer.Run(config, TrainingData.From(dataset, config));
            values.Add(2 * result.Final!.TrainAccuracy - 1);
        }
        var estimate = MonteCarloEstimate.From(values);
        Console.WriteLine($"  MLP 1x512 trained on n = {n} CIFAR-10 images with random +-1 labels (5 draws): {estimate.Mean:F4} [{estimate.Low:F4}, {estimate.High:F4}], " +
                          $"i.e. every draw fitted to {100 * values.Min() / 2 + 50:F1}% or better; {ReportText.Seconds(watch.Elapsed.TotalSeconds)}");
    }
}
