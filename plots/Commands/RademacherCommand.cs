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

/// <summary>`rethink theory rademacher`: empirical Rademacher complexity of linear, kernel and ReLU interpolating classes, and of a trained network.</summary>
public static class RademacherCommand
{
    public static Command Create()
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
            var linear = RademacherComplexity.Estimate(size, sigma => RademacherComplexity.LinearSupremum(x, sigma, b), t, SeedMixer.Mix(s, 7));
            var rkhs = RademacherComplexity.Estimate(size, sigma => RademacherComplexity.KernelSupremum(kernel, sigma, b), t, SeedMixer.Mix(s, 8));
            var jensenLinear = b * Math.Sqrt(x.RowNorms(2).Sum(v => v * v)) / size;
            var jensenKernel = b * Math.Sqrt(kernel.Diagonal().Sum()) / size;
            var reluDraws = Math.Min(t, 20);
            var relu = Enumerable.Range(0, reluDraws).Select(i => RademacherComplexity.ReluInterpolationSupremum(points, RademacherComplexity.Signs(size, SeedMixer.Mix(s, 1000 + i)), s + i)).ToList();
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
        var cifar = DatasetLoader.Load(DatasetId.Cifar10, new DataOptions(dataDirectory));
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
