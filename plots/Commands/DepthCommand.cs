using System.CommandLine;
using Rethink.Core;
using Rethink.Plots.Cli;
using Rethink.Theory;

namespace Rethink.Plots.Commands;

/// <summary>`rethink theory depth`: the depth-k network built from Theorem 1's units.</summary>
public static class DepthCommand
{
    public static Command Create()
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
}
