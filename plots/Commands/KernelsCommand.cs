using System.CommandLine;
using Rethink.Data;
using Rethink.Features;
using Rethink.Kernels;
using Rethink.Kernels.Devices;
using Rethink.Kernels.Scalapack;
using Rethink.Plots.Cli;
using Rethink.Experiments;

namespace Rethink.Plots.Commands;

/// <summary>`rethink kernels fit`: exact minimum-norm kernel interpolation of a dataset, with a JSON result.</summary>
public static class KernelsCommand
{
    public static Command Create()
    {
        var command = new Command("kernels", "Kernel machines: Gram matrices and exact minimum-norm solves K alpha = Y (paper section 5).");
        command.Subcommands.Add(Fit());
        command.Subcommands.Add(SelectBandwidth());
        command.Subcommands.Add(Capacity());
        return command;
    }

    /// <summary>`kernels capacity`: the largest exact solve the device holds, in FP64 and FP32, from the check every solve makes first.</summary>
    private static Command Capacity()
    {
        var devices = DeviceOptions.Create();
        var dimension = new Option<int>("--dimension") { Description = "Coordinates of a point (784: MNIST; 3072: CIFAR-10; 0: streamed inner products, no points on the device).", DefaultValueFactory = _ => 784 }.AtLeast(0);
        var classes = new Option<int>("--classes") { Description = "Target columns (classes).", DefaultValueFactory = _ => 10 }.AtLeast(1);
        var command = new Command("capacity", "The largest n the device solves exactly (K, points, targets, alpha and a residual in its memory), in FP64 and FP32, with the eigendecomposition fallback's.")
        {
            devices.Device.Option, devices.Grid, devices.Block, dimension, classes,
        };
        command.SetAction(parse =>
        {
            var device = devices.Parse(parse);
            var root = ProcessOutput.Begin(device.Device);
            foreach (var precision in new[] { Precision.Fp64, Precision.Fp32 })
            {
                using var opened = ComputeDevices.Open(device, precision);
                var (d, c) = (parse.GetValue(dimension), parse.GetValue(classes));
                var (exact, eigen) = (MinimumNormSolver.LargestN(opened.Device, d, c), MinimumNormSolver.LargestN(opened.Device, d, c, eigen: true));
                if (!root) continue;
                if (precision == Precision.Fp64) Console.WriteLine($"{opened.Device.Backend.ToString().ToLowerInvariant()}: {opened.Device.Hardware} ({opened.Device.Library}); points of {d:N0} coordinates, {c} classes");
                Console.WriteLine($"  {precision.ToString().ToLowerInvariant()}  largest n: {exact:N0} (Cholesky), {eigen:N0} (with the eigendecomposition fallback)");
            }
            return 0;
        });
        return command;
    }

    /// <summary>The device options shared by the kernel commands.</summary>
    internal sealed record DeviceOptions(DeviceOption Device, Option<string?> Grid, Option<int> Block)
    {
        public static DeviceOptions Create() => new(
            new DeviceOption(ComputeDevice.Cpu, ComputeDevice.Cpu, ComputeDevice.Cuda, ComputeDevice.Auto, ComputeDevice.Scalapack),
            new Option<string?>("--grid") { Description = "ScaLAPACK process grid ROWSxCOLUMNS, e.g. 2x2 (default: as square as the process count allows)." },
            new Option<int>("--block") { Description = "ScaLAPACK block size (square blocks of the block-cyclic layout).", DefaultValueFactory = _ => 128 }.AtLeast(1));

        /// <summary>The device asked for, with its process grid for ScaLAPACK.</summary>
        public DeviceRequest Parse(ParseResult parse)
        {
            var device = Device.Get(parse);
            var grid = parse.GetValue(Grid);
            var block = parse.GetValue(Block);
            if (device != ComputeDevice.Scalapack)
            {
                if (grid is not null) throw new CommandLineException("--grid applies to --device scalapack only.");
                return new DeviceRequest(device);
            }
            var (rows, columns) = grid is null ? ((int?)null, (int?)null) : DistributedLayout.ParseGrid(grid);
            var request = new DeviceRequest(device, new DistributedLayout(rows, columns, block));
            request.Validate();
            return request;
        }
    }

    private static Command Fit()
    {
        var dataset = new Option<string>("--dataset") { Description = "mnist, fashion-mnist, cifar10, or a dataset path.", Required = true };
        var kernel = new Option<string>("--kernel") { Description = "gaussian exp(-gamma |x-x'|^2), laplacian exp(-|x-x'|/sigma), polynomial, linear, arc-cosine.", DefaultValueFactory = _ => "gaussian" }
            .AcceptOnlyFromAmong([.. KernelSpec.Names]);
        var gamma = new Option<double?>("--gamma") { Description = "Gaussian gamma (Laplacian sigma, polynomial gamma) given directly; 0.02 reproduces the paper's MNIST result with pixels / 255." };
        var rule = new Option<string>("--bandwidth-rule") { Description = "given (use --gamma), median (gamma = m / median squared distance), variance (gamma = m / (d Var X)).", DefaultValueFactory = _ => "given" }
            .AcceptOnlyFromAmong("given", "median", "variance");
        var multiplier = new Option<double>("--multiplier") { Description = "m for the median and variance rules.", DefaultValueFactory = _ => 1.0 }.Positive();
        var train = new Option<int?>("--train") { Description = "Training points (default: all)." };
        var test = new Option<int?>("--test") { Description = "Test points (default: all)." };
        var subset = new Option<string>("--subset") { Description = "How --train/--test subsets are chosen: first (file order) or stratified (class proportions, seeded).", DefaultValueFactory = _ => "first" }
            .AcceptOnlyFromAmong("first", "stratified");
        var precision = new Option<string>("--precision") { Description = "fp64, or fp32 (half the memory: the only way to fit n = 60,000 in 24 GB).", DefaultValueFactory = _ => "fp64" }
            .AcceptOnlyFromAmong("fp64", "fp32");
        var devices = DeviceOptions.Create();
        var ridge = new Option<double>("--ridge") { Description = "Ridge lambda: solve (K + lambda I) alpha = Y (default 0: exact interpolation).", DefaultValueFactory = _ => 0 };
        var method = new Option<string>("--method") { Description = "auto (Cholesky, eigendecomposition when K is singular), cholesky, or eigen.", DefaultValueFactory = _ => "auto" }
            .AcceptOnlyFromAmong("auto", "cholesky", "eigen");
        var labels = new Option<string>("--labels") { Description = "true-labels, random-labels, corrupted-P, shuffled-pixels, random-pixels, gaussian.", DefaultValueFactory = _ => "true-labels" };
        var seed = new Option<int>("--seed") { Description = "Master seed (subsets, bandwidth sample, randomization).", DefaultValueFactory = _ => 0 };
        var features = new Option<string?>("--features") { Description = "Feature map before the kernel: gabor (Morlet wavelets, modulus, pooling) or random-conv (random convolutional network)." }
            .AcceptOnlyFromAmong("gabor", "random-conv");
        var featureOptions = new Option<string?>("--feature-options") { Description = "Feature parameters, key=value,...: gabor scales, orientations, sigma0, pool; random-conv filters, patch, threshold, grid, signs (1 or 2), normalize=1, gaussian=1, block (filters per streamed block), stream (1: always stream the Gram, 0: never)." };
        var degree = new Option<int>("--degree") { Description = "Polynomial degree.", DefaultValueFactory = _ => 2 }.AtLeast(1);
        var data = CommonOptions.Data();
        var output = new Option<string>("--out") { Description = "Directory for the result JSON (and alpha with --save-alpha).", DefaultValueFactory = _ => "results/kernels" }.OutputDirectory();
        var saveAlpha = new Option<bool>("--save-alpha") { Description = "Also write alpha (n x classes, float64 .npy, Fortran order)." };
        var checkpointEvery = CommonOptions.CheckpointEvery();
        var saveScores = new Option<bool>("--save-scores") { Description = "Also write the test scores K(test, train) alpha (m x classes, float64 .npy, Fortran order)." };
        var command = new Command("fit", "Fit the minimum-norm kernel interpolant of a dataset and report test error, residual, backward error, RKHS norm and timings.")
        {
            dataset, kernel, gamma, rule, multiplier, train, test, subset, precision, devices.Device.Option, devices.Grid, devices.Block, ridge, method, labels, seed, features, featureOptions, degree, data, output, saveAlpha, saveScores, checkpointEvery,
        };
        command.SetAction((parse, cancel) =>
        {
            var bandwidthRule = Enum.Parse<BandwidthRule>(parse.GetValue(rule)!, ignoreCase: true);
            var spec = ParseKernel(parse.GetValue(kernel)!, bandwidthRule, parse.GetValue(gamma), parse.GetValue(multiplier), parse.GetValue(degree));
            var device = devices.Parse(parse);
            var featureName = parse.GetValue(features);
            if (featureName is null && parse.GetValue(featureOptions) is not null) throw new CommandLineException("--feature-options needs --features gabor or random-conv.");
            var featureMap = featureName is null ? null : FeatureOptions.Parse(featureName, parse.GetValue(featureOptions), parse.GetValue(seed));
            var randomization = Randomization.Parse(parse.GetValue(labels)!, seed: parse.GetValue(seed));
            var config = new KernelFitConfig(
                new DatasetId(parse.GetValue(dataset)!), spec, parse.GetValue(train), parse.GetValue(test),
                parse.GetValue(subset) == "stratified" ? SubsetKind.Stratified : SubsetKind.First,
                parse.GetValue(precision) == "fp32" ? Precision.Fp32 : Precision.Fp64,
                parse.GetValue(ridge), Enum.Parse<SolveMethod>(parse.GetValue(method)!, ignoreCase: true),
                randomization.Kind == RandomizationKind.TrueLabels ? null : randomization, parse.GetValue(seed), featureMap);
            config.Validate();
            var root = ProcessOutput.Begin(device.Device);
            var dataOptions = new DataOptions(parse.GetValue(data), Progress: root ? ConsoleDownloadProgress.Instance : null);
            // Ctrl-C stops between blocks of a streamed Gram, with every finished block checkpointed.
            using var fit = PhaseProgress.Run(p => KernelFitRunner.Run(config, dataOptions, device, featureMap is null ? null : FeatureMaps.Create(featureMap), p, cancel,
                checkpoints: CommonOptions.Schedule(parse.GetValue(checkpointEvery))));
            var (result, model) = fit;
            var scores = result.Scores!;
            {
                if (!root) return Task.FromResult(0);
                var dir = parse.GetValue(output)!;
                var name = $"{config.Dataset.ShortName}-{config.Kernel.Name}-n{result.TrainPoints}-{result.Solve.Precision.ToString().ToLowerInvariant()}-{result.Solve.Backend.ToString().ToLowerInvariant()}-{Core.Json.Hash(config)}";
                var path = Path.Combine(dir, name + ".json");
                Core.AtomicFile.RemoveOrphans(dir);
                // α and the scores first, each atomically, the result last: a result file means everything asked for is there.
                string? alphaPath = null, scoresPath = null;
                if (parse.GetValue(saveAlpha)) NpyFile.WriteColumnMajor(alphaPath = Path.Combine(dir, name + "-alpha.npy"), model.Alpha, result.TrainPoints, result.Classes);
                if (parse.GetValue(saveScores)) NpyFile.WriteColumnMajor(scoresPath = Path.Combine(dir, name + "-scores.npy"), scores, result.TestPoints, result.Classes);
                Core.AtomicFile.WriteAllText(path, Core.SealedJson.Serialize(result));
                Print(result, path);
                if (alphaPath is not null) Console.WriteLine($"  alpha                 {alphaPath}");
                if (scoresPath is not null) Console.WriteLine($"  scores                {scoresPath}");
            }
            return Task.FromResult(0);
        });
        return command;
    }

    /// <summary>The kernel options as a typed <see cref="KernelSpec"/>.</summary>
    internal static KernelSpec ParseKernel(string kernel, BandwidthRule rule, double? gamma, double multiplier, int degree)
    {
        if (rule == BandwidthRule.Given && gamma is null && kernel is "gaussian" or "laplacian")
            throw new CommandLineException("--gamma is required with --bandwidth-rule given (e.g. --gamma 0.02), or choose --bandwidth-rule median.");
        if (rule != BandwidthRule.Given && kernel is not ("gaussian" or "laplacian"))
            throw new CommandLineException($"--bandwidth-rule {rule.ToString().ToLowerInvariant()} applies to the gaussian and laplacian kernels only.");
        var value = rule == BandwidthRule.Given ? gamma ?? 0 : multiplier;
        KernelSpec spec = kernel switch
        {
            "gaussian" => new GaussianSpec(rule, value),
            "laplacian" => new LaplacianSpec(rule, value),
            "polynomial" => new PolynomialSpec(degree, gamma),
            "linear" => new LinearSpec(),
            "arc-cosine" => new ArcCosineSpec(),
            _ => throw new CommandLineException($"--kernel {kernel}: choose {string.Join(", ", KernelSpec.Names)}."),
        };
        spec.Validate();
        return spec;
    }

    private static Command SelectBandwidth()
    {
        var dataset = new Option<string>("--dataset") { Description = "mnist, fashion-mnist, cifar10, or a dataset path.", Required = true };
        var rule = new Option<string>("--bandwidth-rule") { Description = "median or variance: gamma = m / scale.", DefaultValueFactory = _ => "median" }.AcceptOnlyFromAmong("median", "variance");
        var multipliers = new Option<string>("--multipliers") { Description = "Candidate m, comma-separated.", DefaultValueFactory = _ => "0.25,0.5,1,2,4,8" };
        var fit = new Option<int>("--fit") { Description = "Training points each candidate interpolates.", DefaultValueFactory = _ => 10_000 };
        var heldOut = new Option<int>("--held-out") { Description = "Held-out training points that score the candidates (never the test set).", DefaultValueFactory = _ => 5_000 };
        var precision = new Option<string>("--precision") { Description = "fp64 or fp32.", DefaultValueFactory = _ => "fp32" }.AcceptOnlyFromAmong("fp64", "fp32");
        var seed = new Option<int>("--seed") { Description = "Seed of the split and the bandwidth sample.", DefaultValueFactory = _ => 0 };
        var data = CommonOptions.Data();
        var selectFeatures = new Option<string?>("--features") { Description = "Feature map (gabor, random-conv) applied before the kernel." }.AcceptOnlyFromAmong("gabor", "random-conv");
        var selectOptions = new Option<string?>("--feature-options") { Description = "Feature parameters, key=value,... (as for kernels fit)." };
        var selectRidges = new Option<string>("--ridges") { Description = "Ridge lambdas, comma-separated; every (multiplier, lambda) pair is scored (0: exact interpolation).", DefaultValueFactory = _ => "0" };
        var device = new DeviceOption(ComputeDevice.Cpu, ComputeDevice.Cpu, ComputeDevice.Cuda, ComputeDevice.Auto);
        var selectCheckpointEvery = CommonOptions.CheckpointEvery();
        var command = new Command("select-bandwidth", "Choose the Gaussian bandwidth multiplier on held-out training data (never the test set).")
        {
            dataset, rule, multipliers, fit, heldOut, precision, seed, data, selectFeatures, selectOptions, selectRidges, device.Option, selectCheckpointEvery,
        };
        command.SetAction((parse, cancel) =>
        {
            var candidates = ReportText.ParseList(parse.GetValue(multipliers)!, "--multipliers");
            if (candidates.Length == 0 || candidates.Any(m => !(m > 0))) throw new CommandLineException("--multipliers: give positive numbers, e.g. 0.5,1,2.");
            var ridges = ReportText.ParseList(parse.GetValue(selectRidges)!, "--ridges");
            if (ridges.Length == 0 || ridges.Any(r => !(r >= 0) || double.IsInfinity(r))) throw new CommandLineException("--ridges: give numbers at least 0, e.g. 0,0.01,0.1.");
            var featureName = parse.GetValue(selectFeatures);
            if (featureName is null && parse.GetValue(selectOptions) is not null) throw new CommandLineException("--feature-options needs --features gabor or random-conv.");
            var featureMap = featureName is null ? null : FeatureMaps.Create(FeatureOptions.Parse(featureName, parse.GetValue(selectOptions), parse.GetValue(seed)));
            var (best, all) = BandwidthSelection.Select(new DatasetId(parse.GetValue(dataset)!), new DataOptions(parse.GetValue(data)),
                Enum.Parse<BandwidthRule>(parse.GetValue(rule)!, ignoreCase: true), candidates, parse.GetValue(fit), parse.GetValue(heldOut),
                parse.GetValue(precision) == "fp64" ? Precision.Fp64 : Precision.Fp32, new DeviceRequest(device.Get(parse)),
                parse.GetValue(seed), features: featureMap, ridges: ridges, cancel: cancel, checkpoints: CommonOptions.Schedule(parse.GetValue(selectCheckpointEvery)));
            Console.WriteLine($"{parse.GetValue(dataset)}: fit {parse.GetValue(fit):N0}, held out {parse.GetValue(heldOut):N0} (training split only), rule {parse.GetValue(rule)}");
            Console.WriteLine($"  {"m",8} {"gamma",12} {"ridge",8} {"held-out error",15} {"RKHS norm",10} {"time",8}");
            foreach (var c in all)
                Console.WriteLine($"  {c.Multiplier,8:G4} {c.Gamma,12:G4} {c.Ridge,8:G3} {100 * c.HeldOutError,14:F2}% {c.RkhsNorm,10:F1} {ReportText.Seconds(c.Seconds),8}{(c == best ? "  <- chosen" : "")}");
            return Task.FromResult(0);
        });
        return command;
    }

    private static void Print(KernelFitResult r, string path)
    {
        var s = r.Solve;
        if (r.BackendWarning is { } warning) Console.Error.WriteLine($"warning: {(r.Device?.Device == ComputeDevice.Auto ? "--device auto: " : "")}{warning}");
        Console.WriteLine($"{r.Config.Dataset}: {r.Kernel.Describe()}, n = {ReportText.N0(r.TrainPoints)} train, {ReportText.N0(r.TestPoints)} test, {s.Precision.ToString().ToLowerInvariant()}, {s.Backend.ToString().ToLowerInvariant()} ({s.Library})");
        Console.WriteLine($"  hardware              {s.Hardware}");
        if (r.Bandwidth is { Rule: not BandwidthRule.Given } b)
            Console.WriteLine($"  bandwidth             {b.Rule.ToString().ToLowerInvariant()} rule: scale {ReportText.G(b.Scale)}, multiplier {ReportText.G(b.Multiplier)} -> gamma {ReportText.G(b.Gamma)}");
        if (r.FeatureDescription is { } features) Console.WriteLine($"  features              {features}");
        Console.WriteLine($"  test error            {100 * r.TestError:F2}%   per class: {string.Join(' ', r.PerClassTestError.Select(e => $"{100 * e:F1}"))}");
        Console.WriteLine($"  method                {s.Method.ToString().ToLowerInvariant()}{(s.Rank is { } rank ? $", rank {rank} (cutoff {ReportText.G(s.RankTolerance ?? 0)})" : "")}{(s.Ridge > 0 ? $", ridge {ReportText.G(s.Ridge)}" : "")}");
        Console.WriteLine($"  relative residual     {ReportText.G(s.RelativeResidual, 3)}   backward-error ratio {ReportText.G(s.BackwardErrorRatio, 3)}");
        Console.WriteLine($"  RKHS norm             {ReportText.G(s.RkhsNorm)}   |alpha|_F {ReportText.G(s.AlphaNorm)}   |K|_F {ReportText.G(s.KernelNorm)}");
        if (s.Note is { Length: > 0 } note) Console.WriteLine($"  note                  {note}");
        Console.WriteLine($"  time                  {Phases(s.Timings.Phases().Concat(r.Timings.Phases().Where(t => t.Phase != "fit")))}");
        if (s.ProcessTimings is { } perProcess)
            for (var p = 0; p < perProcess.Count; p++)
                Console.WriteLine($"  process {p,-13} {Phases(perProcess[p].Phases())}");
        Console.WriteLine($"  result                {path}");
    }

    private static string Phases(IEnumerable<(string Phase, double Seconds)> phases) =>
        string.Join(", ", phases.Select(t => $"{t.Phase} {ReportText.Seconds(t.Seconds)}"));
}
