using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;
using Rethink.Core;
using Rethink.Data;
using Rethink.Deep;
using Rethink.Experiments;
using Rethink.Kernels.Devices;
using TorchSharp;
using Rethink.Torch;
using static TorchSharp.torch;

// Deep training on a lent GPU, one program for a CUDA machine without .NET (packed by tools/gpu-deep-pack.sh):
//   symbols  · TorchSharp's native library checked symbol by symbol against the machine's libtorch (its
//              PyTorch's torch/lib) before anything is loaded; nothing trains when the check fails
//   speed    · each of the four models at batch 128 on CIFAR-10 through the Trainer (warm-up, then timed
//              steps: steps/s), and the cost of evaluating 10,000 images (inference mode, batches of 500)
//   rows     · paper-profile runs (`reproduce --profile paper`'s own configs, by their descriptions) at full
//              size, each stored as the same deep-run-<hash>.json `rethink render` reads, under a time budget
//              (a run cut short keeps its checkpoint and reports its last evaluation)
// `--device cpu` runs the same steps on the CPU: the dry run here and the CPU side of the speed ratios.
CultureInfo.DefaultThreadCurrentCulture = CultureInfo.InvariantCulture;
// `--restore-cifar SRC DEST`: CIFAR-10's binary files from their 28×28 centre crops (what travels to the GPU
// machine, tools/gpu-deep-pack.sh): each record's label and centre crop, the 2-pixel border zero. The runs
// sent there (true, random and partially corrupted labels, no augmentation) crop the centre before
// anything reads a pixel, so they see exactly the original images (checked by the dry run).
if (args is ["--restore-cifar", var source, var destination])
{
    Directory.CreateDirectory(destination);
    foreach (var file in Directory.GetFiles(source, "*.crop"))
    {
        var crops = File.ReadAllBytes(file);
        const int cropRecord = 1 + 3 * 28 * 28, record = 1 + 3 * 32 * 32;
        var count = crops.Length / cropRecord;
        var restored = new byte[count * record];
        for (var i = 0; i < count; i++)
        {
            restored[i * record] = crops[i * cropRecord];
            for (var c = 0; c < 3; c++)
                for (var r = 0; r < 28; r++)
                    crops.AsSpan(i * cropRecord + 1 + (c * 28 + r) * 28, 28).CopyTo(restored.AsSpan(i * record + 1 + c * 1024 + (r + 2) * 32 + 2, 28));
        }
        AtomicFile.WriteAllBytes(Path.Combine(destination, Path.GetFileNameWithoutExtension(file) + ".bin"), restored);
        Console.WriteLine($"restored {count:N0} images into {Path.GetFileNameWithoutExtension(file)}.bin");
    }
    File.WriteAllText(Path.Combine(destination, "batches.meta.txt"), "airplane\nautomobile\nbird\ncat\ndeer\ndog\nfrog\nhorse\nship\ntruck\n\n");
    return 0;
}
string Arg(string name, string fallback) => args.SkipWhile(a => a != name).Skip(1).FirstOrDefault() ?? fallback;
var device = Arg("--device", "cuda") == "cpu" ? TrainingDevice.Cpu : TrainingDevice.Cuda;
var outDirectory = Path.GetFullPath(Arg("--out", Environment.GetEnvironmentVariable("OUT") ?? "."));
var scratch = Path.GetFullPath(Arg("--scratch", Path.Combine(Path.GetTempPath(), "rethink-gpu-deep")));
var only = Arg("--only", "symbols,speed,rows").Split(',', StringSplitOptions.RemoveEmptyEntries).ToHashSet();
var speedTrain = int.Parse(Arg("--speed-train", "10000"));
var warmupSteps = int.Parse(Arg("--warmup-steps", "30"));
var timedSteps = int.Parse(Arg("--timed-steps", "300"));
var models = Arg("--models", "mlp1x512,mlp3x512,alexnet,inception").Split(',').Select(m => Models.Find(m) ?? throw new ArgumentException($"--models: unknown model {m}")).ToList();
var rows = Arg("--rows", "").Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToList();
var budget = TimeSpan.FromSeconds(double.Parse(Arg("--budget", "300")));
var started = Stopwatch.StartNew();
Directory.CreateDirectory(outDirectory);
Directory.CreateDirectory(scratch);
var summaryPath = Path.Combine(outDirectory, "gpu-deep.json");
var summary = new JsonObject { ["device"] = device.ToString().ToLowerInvariant(), ["started"] = DateTime.UtcNow.ToString("O") };
void Save() => AtomicFile.WriteAllText(summaryPath, summary.ToJsonString(new System.Text.Json.JsonSerializerOptions { WriteIndented = true }));
void Say(string line) => Console.WriteLine($"[{started.Elapsed.TotalSeconds,6:F1} s] {line}");

// 1. The symbol check (CUDA only: the CPU build is the one TorchSharp was built for).
if (device == TrainingDevice.Cuda && only.Contains("symbols"))
{
    var libraryPath = Environment.GetEnvironmentVariable("LD_LIBRARY_PATH");
    try
    {
        var located = CudaLibTorch.Locate(Environment.GetEnvironmentVariable(CudaLibTorch.Variable), libraryPath, CudaLibTorch.FindInstalledPyTorch);
        summary["libtorch"] = new JsonObject { ["directory"] = located.Directory, ["version"] = located.Version, ["source"] = located.Source };
        var native = LibTorchSymbolCheck.FindTorchSharpNative() ?? throw new FileNotFoundException("libLibTorchSharp.so not next to the program");
        var check = LibTorchSymbolCheck.Run(native, located.Directory, libraryPath);
        summary["symbol_check"] = new JsonObject
        {
            ["passed"] = check.Passed,
            ["line"] = check.Describe(),
            ["symbols"] = check.Symbols,
            ["unresolved"] = new JsonArray(check.Unresolved.Take(200).Select(s => (JsonNode)s).ToArray()),
            ["unresolved_count"] = check.Unresolved.Count,
            ["versions"] = check.Versions,
            ["missing_versions"] = new JsonArray(check.MissingVersions.Select(s => (JsonNode)s).ToArray()),
            ["scope"] = new JsonArray(check.Scope.Select(s => (JsonNode)s).ToArray()),
            ["not_located"] = new JsonArray(check.NotLocated.Select(s => (JsonNode)s).ToArray()),
        };
        Say($"symbol check: {check.Describe()}");
        // The same path every run takes (TorchDevices.Open): refuses in one line when the check fails.
        TorchRuntime.EnsureCuda();
        summary["torch"] = TorchRuntime.Description;
        Say($"TorchSharp on {TorchRuntime.Description}");
    }
    catch (Exception e) when (e is TorchUnavailableException or IOException or InvalidDataException)
    {
        summary["refused"] = e.Message;
        Save();
        Say($"refused: {e.Message}");
        return 3;
    }
    Save();
}
else
{
    TorchRuntime.EnsureAvailable();
    summary["torch"] = TorchRuntime.Description;
}
var torchDevice = TorchDevices.Open(device);

// 2. Steps per second per model at batch 128 on CIFAR-10, through the Trainer (host batch preparation
// overlapped as in every run), and the cost of one evaluation pass.
if (only.Contains("speed"))
{
    var speed = new JsonObject();
    summary["speed"] = speed;
    var data = DatasetLoader.Load(DatasetId.Cifar10, new DataOptions(AllowDownload: false));
    foreach (var model in models)
    {
        var config = new TrainingConfig(model, DatasetId.Cifar10, Train: speedTrain, Test: 1000, Seed: 1, MaxSteps: warmupSteps,
            StopWhenFitted: false, EvaluateEvery: 1_000_000);
        var training = TrainingData.From(data, config);
        var warm = Trainer.Run(config, training, new TrainingSession(device));
        var timed = Trainer.Run(config with { MaxSteps = timedSteps }, training, new TrainingSession(device));
        var trainSeconds = timed.Records[^1].Seconds;
        // Evaluation: a fresh model of the same architecture over 10,000 training images, as the Trainer evaluates.
        manual_seed(1);
        using var net = Models.Create(model, training.Channels, training.InputSide, training.Classes, 0);
        net.to(torchDevice);
        Trainer.Accuracy(net, training, test: true, torchDevice); // warm-up
        var watch = Stopwatch.StartNew();
        Trainer.Accuracy(net, training, test: false, torchDevice);
        var evalSeconds = watch.Elapsed.TotalSeconds * 10_000.0 / training.TrainCount;
        speed[model.Name()] = new JsonObject
        {
            ["steps"] = timedSteps,
            ["train_seconds"] = Math.Round(trainSeconds, 3),
            ["steps_per_second"] = Math.Round(timedSteps / trainSeconds, 2),
            ["epoch_seconds_50k"] = Math.Round(391 * trainSeconds / timedSteps, 2),
            ["eval_seconds_per_10k"] = Math.Round(evalSeconds, 3),
            ["final_loss"] = Math.Round(timed.Records[^1].TrainLoss, 4),
            ["warmup_steps"] = warmupSteps,
            ["warmup_seconds"] = Math.Round(warm.Records[^1].Seconds, 3),
        };
        Save();
        Say($"{model.Name(),-10} {timedSteps / trainSeconds,8:F1} steps/s ({391 * trainSeconds / timedSteps:F2} s per 50,000-image epoch), evaluation {evalSeconds:F3} s per 10,000 images");
    }
}

// 3. Full-size paper-profile runs, by their descriptions, under the time budget.
if (only.Contains("rows") && rows.Count > 0)
{
    var catalog = new ExperimentCatalog();
    var context = new ReproduceContext(RunProfile.Paper, device == TrainingDevice.Cuda ? ComputeDevice.Cuda : ComputeDevice.Cpu,
        Environment.GetEnvironmentVariable("RETHINK_DATA"), scratch);
    var units = new IExperiment[] { catalog.Table1, catalog.Sweep, catalog.Fig1a }.SelectMany(g => g.Units(context))
        .GroupBy(u => u.Hash).Select(g => g.First()).ToList();
    var store = new ResultStore(Path.Combine(outDirectory, "results"));
    var done = new JsonObject();
    summary["rows"] = done;
    foreach (var description in rows)
    {
        var unit = units.FirstOrDefault(u => u.Description == description);
        if (unit is null)
        {
            done[description] = $"no paper-profile run is described so; known: {string.Join(" | ", units.Select(u => u.Description))}";
            Save();
            continue;
        }
        var left = budget - started.Elapsed;
        if (left < TimeSpan.FromSeconds(20))
        {
            done[description] = "not started: the time budget is spent";
            Save();
            continue;
        }
        Say($"{description}: starting ({unit.Hash}), {left.TotalSeconds:F0} s left");
        using var cancel = new CancellationTokenSource(left);
        var watch = Stopwatch.StartNew();
        var lastEpoch = -1;
        var runDirectory = Path.Combine(scratch, "runs");
        var progress = new SynchronousProgress<double>(fraction =>
        {
            var step = (long)Math.Round(fraction * 391 * 200);
            if (step / 391 == lastEpoch) return;
            lastEpoch = (int)(step / 391);
            var metrics = Directory.Exists(runDirectory) ? Directory.GetFiles(runDirectory, Trainer.MetricsFile, SearchOption.AllDirectories)
                .OrderByDescending(File.GetLastWriteTimeUtc).FirstOrDefault() : null;
            var last = metrics is null ? "" : File.ReadLines(metrics).LastOrDefault() ?? "";
            Say($"   epoch {lastEpoch}, {watch.Elapsed.TotalSeconds:F0} s: {last}");
        });
        try
        {
            unit.Execute(store, progress, cancel.Token);
            var record = store.PathFor(unit.ResultKind, unit.Hash);
            done[description] = new JsonObject { ["hash"] = unit.Hash, ["seconds"] = Math.Round(watch.Elapsed.TotalSeconds, 1), ["result"] = Path.GetFileName(record) };
            Say($"{description}: finished in {watch.Elapsed.TotalSeconds:F0} s -> {record}");
        }
        catch (OperationCanceledException)
        {
            var metrics = Directory.GetFiles(runDirectory, Trainer.MetricsFile, SearchOption.AllDirectories)
                .OrderByDescending(File.GetLastWriteTimeUtc).FirstOrDefault();
            done[description] = new JsonObject
            {
                ["hash"] = unit.Hash,
                ["stopped_after_seconds"] = Math.Round(watch.Elapsed.TotalSeconds, 1),
                ["last_evaluation"] = metrics is null ? null : JsonNode.Parse(File.ReadLines(metrics).Last()),
            };
            Say($"{description}: stopped by the time budget after {watch.Elapsed.TotalSeconds:F0} s");
        }
        Save();
    }
}
summary["seconds"] = Math.Round(started.Elapsed.TotalSeconds, 1);
Save();
Say($"summary: {summaryPath}");
return 0;
