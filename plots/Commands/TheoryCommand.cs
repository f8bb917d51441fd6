using System.CommandLine;
using System.Diagnostics;
using Rethink.Plots.Cli;
using Rethink.Theory;

namespace Rethink.Plots.Commands;

/// <summary>`rethink theory …`: the paper's constructions, checked numerically, with short reports.</summary>
public static class TheoryCommand
{
    public static Command Create()
    {
        var command = new Command("theory", "Lemma 1, Theorem 1 and the other constructions of the paper, with short numerical reports.");
        command.Subcommands.Add(Lemma1());
        command.Subcommands.Add(Interpolate());
        command.Subcommands.Add(ImplicitRegularizationCommand.Create());
        command.Subcommands.Add(DepthCommand.Create());
        command.Subcommands.Add(RademacherCommand.Create());
        return command;
    }

    private static Command Lemma1()
    {
        var n = new Option<int>("--n") { Description = "Size of a random interleaving (gaps ~ Exp(1)); ignored when --x and --b are given.", DefaultValueFactory = _ => 50 }.AtLeast(1);
        var seed = new Option<int>("--seed") { Description = "Seed of the random interleaving.", DefaultValueFactory = _ => 1 };
        var x = new Option<string?>("--x") { Description = "Explicit x_1..x_n, comma-separated (needs --b)." };
        var b = new Option<string?>("--b") { Description = "Explicit b_1..b_n, comma-separated, interleaving b_1 < x_1 < b_2 < ... (needs --x)." };
        var command = new Command("lemma1", "Build A = [max(x_i - b_j, 0)] for an interleaving and report its rank, eigenvalues and (a different number) its smallest singular value.")
        {
            n, seed, x, b,
        };
        command.SetAction(parse =>
        {
            var xs = parse.GetValue(x);
            var bs = parse.GetValue(b);
            InterleavingMatrix matrix;
            if (xs is not null || bs is not null)
            {
                if (xs is null || bs is null) throw new CommandLineException("--x and --b go together: give both lists, or neither for a random interleaving.");
                var (xv, bv) = (ReportText.ParseList(xs, "--x"), ReportText.ParseList(bs, "--b"));
                if (xv.Length == 0 || xv.Length != bv.Length)
                    throw new CommandLineException($"--x and --b: give two lists of the same length n >= 1 (got {xv.Length} and {bv.Length} numbers).");
                matrix = InterleavingMatrix.Create(xv, bv);
            }
            else
            {
                var size = parse.GetValue(n);
                if (size is < 1 or > 5000) throw new CommandLineException($"--n {size}: choose 1..5000 (the report needs a dense SVD).");
                matrix = InterleavingMatrix.Random(size, parse.GetValue(seed));
            }
            Console.WriteLine(matrix.Analyze().ToText());
            return 0;
        });
        return command;
    }

    private static Command Interpolate()
    {
        var n = new Option<int>("--n") { Description = "Number of points.", DefaultValueFactory = _ => 1000 }.AtLeast(1);
        var d = new Option<int>("--d") { Description = "Dimension of each point.", DefaultValueFactory = _ => 784 }.AtLeast(1);
        var labels = new Option<string>("--labels")
        {
            Description = "random: y uniform in [-1,1]; random-sign: y in {-1,+1}; true-function: y = sin(<u,x>) for a fixed random u.",
            DefaultValueFactory = _ => "random",
        }.AcceptOnlyFromAmong("random", "random-sign", "true-function");
        var seed = new Option<int>("--seed") { Description = "Seed of the points, the labels and the network's direction a.", DefaultValueFactory = _ => 1 };
        var export = new Option<string?>("--export") { Description = "Write the fitted network (a, b, w and its segment table) to this JSON file." }.OutputFile();
        var literal = new Option<int>("--literal-sample") { Description = "Points checked with the literal O(n) network sum.", DefaultValueFactory = _ => 1000 }.AtLeast(0);
        var command = new Command("interpolate", "Fit Theorem 1's 2n+d-parameter ReLU network to n Gaussian points in d dimensions and check the fit.")
        {
            n, d, labels, seed, export, literal,
        };
        command.SetAction(parse =>
        {
            var size = parse.GetValue(n);
            var dim = parse.GetValue(d);
            if (size < 1) throw new CommandLineException($"--n {size}: need at least one point.");
            if (dim < 1) throw new CommandLineException($"--d {dim}: need at least one dimension.");
            if ((long)size * dim > Array.MaxLength)
                throw new CommandLineException($"--n {size} --d {dim}: {(long)size * dim:N0} coordinates exceed one .NET array ({Array.MaxLength:N0}); lower --n or --d.");
            var kind = parse.GetValue(labels) switch
            {
                "random-sign" => LabelFunction.RandomSign,
                "true-function" => LabelFunction.TrueFunction,
                _ => LabelFunction.Random,
            };
            var s = parse.GetValue(seed);
            var watch = Stopwatch.StartNew();
            var points = SyntheticPoints.Gaussian(size, dim, s);
            var y = SyntheticPoints.Labels(points, kind, s);
            var generate = watch.Elapsed.TotalSeconds;
            var fit = ReluInterpolation.Fit(points, y, new ReluFitOptions(Seed: s));
            watch.Restart();
            var check = InterpolationCheck.Run(fit.Network, points, y, parse.GetValue(literal), s);
            var checkSeconds = watch.Elapsed.TotalSeconds;
            var net = fit.Network;

            Console.WriteLine("Theorem 1: c(x) = sum_j w_j max(<a,x> - b_j, 0)");
            Console.WriteLine($"  data                           n = {ReportText.N0(size)} points ~ N(0, I_{dim}), labels {parse.GetValue(labels)}, seed {s}");
            Console.WriteLine($"  parameters                     {ReportText.N0(net.ParameterCount)} = 2n + d (a: {dim}, b: {ReportText.N0(net.Width)}, w: {ReportText.N0(net.Width)})");
            Console.WriteLine($"  distinct points                {ReportText.N0(fit.DistinctPoints)} ({fit.MergedDuplicates} duplicates merged), directions tried {fit.DirectionTries}");
            Console.WriteLine($"  Lemma 1 smallest eigenvalue    {ReportText.G(fit.SmallestEigenvalue)} = min_i (z_i - b_i)");
            Console.WriteLine($"  smallest projection gap        {ReportText.G(fit.SmallestProjectionGap)}");
            Console.WriteLine($"  ||w||_2                        {ReportText.G(net.WeightNorm)}   max|w_j| {ReportText.G(net.MaxAbsWeight)}");
            Console.WriteLine(check.ToText());
            Console.WriteLine($"  time                           generate {ReportText.Seconds(generate)}, " +
                string.Join(", ", fit.Timings.Phases().Select(t => $"{t.Phase} {ReportText.Seconds(t.Seconds)}")) + $", check {ReportText.Seconds(checkSeconds)}");
            if (parse.GetValue(export) is { } path)
            {
                ReluInterpolantJson.Save(net, path);
                Console.WriteLine($"  exported                       {path}");
            }
            return 0;
        });
        return command;
    }
}
