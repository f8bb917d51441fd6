using Rethink.Torch;
using System.CommandLine;
using System.Globalization;
using Rethink.Core;
using Rethink.Data;
using Rethink.ImageNet;
using Rethink.Deep;
using Rethink.Plots.Cli;
using Rethink.Experiments;
using Rethink.Kernels.Devices;
using Spectre.Console;

namespace Rethink.Plots.Commands;

/// <summary>`rethink deep run`: one randomization experiment with one of the paper's models.</summary>
public static class DeepCommand
{
    public static Command Create()
    {
        var command = new Command("deep", "Neural networks on randomized data (paper sections 2-3), with TorchSharp.");
        command.Subcommands.Add(RunCommand());
        return command;
    }

    private static Command RunCommand()
    {
        var model = new Option<string>("--model") { Description = $"{string.Join(", ", Models.All.Select(m => m.Name()))}.", Required = true }.AcceptOnlyFromAmong([.. Models.All.Select(m => m.Name())]);
        var dataset = new Option<string>("--dataset") { Description = "cifar10 (28x28x3 after the paper's crop), mnist or fashion-mnist (28x28x1), imagenet (an ILSVRC2012 folder: --data, or imagenet/ under it or $RETHINK_DATA; all of it unless --train/--test), or a path.", DefaultValueFactory = _ => "cifar10" };
        var randomization = new Option<string>("--randomization") { Description = "true-labels, corrupted-P (e.g. corrupted-0.4), random-labels, shuffled-pixels, random-pixels, gaussian.", DefaultValueFactory = _ => "true-labels" };
        var profile = new Option<string>("--profile") { Description = "quick: a training subset and step budget sized for this model on a CPU; paper: the full training set and schedule.", DefaultValueFactory = _ => "quick" }
            .AcceptOnlyFromAmong("quick", "paper");
        var train = new Option<int?>("--train") { Description = "Training subset size (overrides the profile)." };
        var test = new Option<int?>("--test") { Description = "Test subset size (overrides the profile)." };
        var steps = new Option<int?>("--steps") { Description = "Step budget (overrides the profile)." };
        var lr = new Option<double?>("--lr") { Description = "Initial learning rate (default: 0.1 Inception, 0.01 others)." };
        var weightDecay = new Option<double>("--weight-decay") { Description = "L2 weight decay.", DefaultValueFactory = _ => 0 };
        var dropout = new Option<double>("--dropout") { Description = "Dropout rate before the fully connected layers.", DefaultValueFactory = _ => 0 };
        var augment = new Option<bool>("--augment") { Description = "Random 28x28 crops of CIFAR-10's 32x32 images; on ImageNet, random-resized crops and flips (the paper's data aug)." };
        var imageSize = new Option<int?>("--image-size") { Description = "ImageNet: the side of the square crops the network sees (default 299, Inception V3's; at least 75 for it)." };
        var keepGoing = new Option<bool>("--no-stop") { Description = "Keep training after the training set is fitted." };
        var seed = new Option<int>("--seed") { Description = "Master seed.", DefaultValueFactory = _ => 0 };
        var device = new DeviceOption(ComputeDevice.Cpu, ComputeDevice.Cpu, ComputeDevice.Cuda, ComputeDevice.Auto); // cuda: a CUDA libtorch 2.10 from RETHINK_LIBTORCH, LD_LIBRARY_PATH or the installed PyTorch
        var data = CommonOptions.Data();
        var output = new Option<string?>("--out") { Description = "Run directory (config, metrics.jsonl, checkpoint.bin, result.json); default results/deep/<model>-<randomization>-<hash>." }.OutputDirectory();
        var resume = new Option<bool>("--resume") { Description = "Continue the run in --out from its last checkpoint." };
        var command = new Command("run", "Train one model on one randomization of a dataset; checkpoints every epoch.")
        {
            model, dataset, randomization, profile, train, test, steps, lr, weightDecay, dropout, augment, imageSize, keepGoing, seed, device.Option, data, output, resume,
        };
        command.SetAction((parse, cancel) =>
        {
            // The device first: a CUDA libtorch must load before anything starts TorchSharp.
            var torch = TorchDevice.Resolve(device.Get(parse));
            if (torch.Unavailable is { } unavailable) throw DeviceOption.TorchUnavailable(unavailable);
            if (torch.Fallback is { } fallback) Console.Error.WriteLine(DeviceOption.TorchFallbackWarning(fallback));
            TorchRuntime.EnsureAvailable();
            var kind = Models.Find(parse.GetValue(model)!)!.Value;
            var seedValue = parse.GetValue(seed);
            var labels = Randomization.Parse(parse.GetValue(randomization)!, seed: seedValue);
            var preset = DeepProfiles.Preset(kind, parse.GetValue(profile) == "paper" ? RunProfile.Paper : RunProfile.Quick);
            var datasetId = new DatasetId(parse.GetValue(dataset)!);
            var imageNet = datasetId.Name.Equals(ImageNetTrainingData.DatasetName, StringComparison.OrdinalIgnoreCase);
            // ImageNet's subsets are what the folder holds unless asked (the profiles' sizes are CIFAR-10's).
            var config = new TrainingConfig(kind, imageNet ? new DatasetId(ImageNetTrainingData.DatasetName) : datasetId, labels.Kind == RandomizationKind.TrueLabels ? null : labels,
                parse.GetValue(train) ?? (imageNet ? null : preset.Train), parse.GetValue(test) ?? (imageNet ? null : preset.Test), seedValue,
                parse.GetValue(steps) ?? preset.MaxSteps, parse.GetValue(lr), WeightDecay: parse.GetValue(weightDecay),
                Dropout: parse.GetValue(dropout), Augment: parse.GetValue(augment), StopWhenFitted: !parse.GetValue(keepGoing), ImageSize: parse.GetValue(imageSize));
            config.Validate();
            var directory = parse.GetValue(output) ?? Path.Combine("results", "deep", $"{config.ShortName}-{Json.Hash(config)}");
            if (parse.GetValue(resume) && !File.Exists(Path.Combine(directory, Trainer.CheckpointFile)))
                throw new CommandLineException($"--resume: {Path.GetFullPath(directory)} holds no checkpoint ({Trainer.CheckpointFile}) to continue; leave out --resume to start a new run there, or give the run's folder with --out.");
            CommonOptions.EnsureWritable(directory, "--out");
            ITrainingData trainingData = imageNet ? ImageNetTrainingData.Load(config, ImageNetData.Locate(parse.GetValue(data))())
                : TrainingData.Load(config, new DataOptions(parse.GetValue(data), Progress: ConsoleDownloadProgress.Instance));
            // Started by mpirun with more than one process: one run across them (data parallelism), rank 0 reporting and writing.
            // On GPUs the gradients are summed by NCCL on the devices, its communicator set up over MPI.
            using var mpi = Mpi.LaunchedSize() > 1 ? Mpi.Join() : null;
            using var nccl = mpi is not null && torch.Device == TrainingDevice.Cuda ? Nccl.Join(mpi) : null;
            var parallel = mpi is null ? null : new DataParallel((IGradientReduction?)nccl ?? mpi);
            if (parallel is { Rank: > 0 }) Console.SetOut(TextWriter.Null);
            Console.WriteLine($"{config.Model.Name()} on {config.Dataset} ({config.Labels.Name}) on {torch.Name}, {TorchRuntime.Description}: {trainingData.TrainCount:N0} train, {trainingData.TestCount:N0} test, " +
                $"batch {config.BatchSize}, lr {config.InitialLearningRate} x {config.Decay} every {config.DecayEvery} steps, up to {config.MaxSteps:N0} steps; run directory {directory}");
            if (parallel is not null)
                Console.WriteLine($"data parallel: {parallel.Size} processes (Open MPI), each training on its share of every batch of {config.BatchSize} (about {config.BatchSize / parallel.Size}); gradients summed by {(nccl is null ? "MPI_Allreduce through the host" : nccl.Describe())} before each step; rank 0 writes {directory}");
            var result = TrainingProgressDisplay.Run(config, p => Trainer.Run(config, trainingData, new TrainingSession(torch.Device, directory, parse.GetValue(resume), parallel), p, cancel));
            Print(result, directory);
            if (result.DivergedAtStep is { } diverged)
            {
                Console.Error.WriteLine($"rethink: the training loss was not finite at step {diverged:N0} (lr {config.InitialLearningRate.ToString(CultureInfo.InvariantCulture)}): training stopped there, recorded as diverged in {Path.Combine(directory, Trainer.ResultFile)}; try a smaller --lr.");
                return Task.FromResult(1);
            }
            return Task.FromResult(0);
        });
        return command;
    }

    private static void Print(TrainingResult r, string directory)
    {
        var f = r.Final!;
        var c = CultureInfo.InvariantCulture;
        Console.WriteLine(string.Create(c, $"  parameters            {r.Parameters:N0}"));
        Console.WriteLine(string.Create(c, $"  steps                 {f.Step:N0} ({f.Epoch} epochs), {ReportText.Seconds(f.Seconds)} training"));
        Console.WriteLine(string.Create(c, $"  train accuracy        {100 * f.TrainAccuracy:F2}%   (labels trained on; realized label corruption {100 * r.RealizedLabelCorruption:F1}%)"));
        Console.WriteLine(string.Create(c, $"  test accuracy         {100 * f.TestAccuracy:F2}%   best {100 * f.BestTestAccuracy:F2}%"));
        if (f.TrainTop5 is { } trainTop5 && f.TestTop5 is { } testTop5)
            Console.WriteLine(string.Create(c, $"  top-5 accuracy        train {100 * trainTop5:F2}%, test {100 * testTop5:F2}%"));
        Console.WriteLine(r.StepsToFit is { } s
            ? string.Create(c, $"  time to overfit       {s:N0} steps, {ReportText.Seconds(r.SecondsToFit ?? 0)}")
            : $"  time to overfit       not reached (training accuracy {100 * f.TrainAccuracy:F2}%)");
        Console.WriteLine($"  results               {Path.Combine(directory, Trainer.ResultFile)}");
    }
}

/// <summary>A progress bar for one training run: steps, epoch, loss and accuracies.</summary>
internal static class TrainingProgressDisplay
{
    public static TrainingResult Run(TrainingConfig config, Func<IProgress<TrainingProgress>, TrainingResult> train)
    {
        if (!AnsiConsole.Profile.Capabilities.Interactive)
        {
            // Logs get one line per evaluation instead of a redrawn bar.
            var lastEpoch = -1;
            return train(new SynchronousProgress<TrainingProgress>(p =>
            {
                PauseHook.Reached($"step:{p.Step}");
                if (p.Epoch == lastEpoch || double.IsNaN(p.TrainAccuracy)) return;
                lastEpoch = p.Epoch;
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"  step {p.Step,6} epoch {p.Epoch,4} loss {p.Loss:F3} train {100 * p.TrainAccuracy:F1}% test {100 * p.TestAccuracy:F1}%"));
            }));
        }
        TrainingResult result = null!;
        AnsiConsole.Progress().AutoClear(false)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn(), new RemainingTimeColumn())
            .Start(context =>
            {
                var task = context.AddTask("training", maxValue: config.MaxSteps);
                result = train(new SynchronousProgress<TrainingProgress>(p =>
                {
                    PauseHook.Reached($"step:{p.Step}");
                    task.Value = p.Step;
                    task.Description = string.Create(CultureInfo.InvariantCulture,
                        $"epoch {p.Epoch} loss {p.Loss:F3} train {100 * p.TrainAccuracy:F1}% test {100 * p.TestAccuracy:F1}%");
                }));
                task.Value = task.MaxValue;
            });
        return result;
    }
}
