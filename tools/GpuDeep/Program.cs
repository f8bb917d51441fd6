using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;
using Rethink.Core;
using Rethink.Data;
using Rethink.Deep;
using Rethink.Experiments;
using Rethink.ImageNet;
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
var only = Arg("--only", "symbols,speed,imagenet,nccl,mnist,rows,large").Split(',', StringSplitOptions.RemoveEmptyEntries).ToHashSet();
var speedTrain = int.Parse(Arg("--speed-train", "10000"));
var warmupSteps = int.Parse(Arg("--warmup-steps", "30"));
var timedSteps = int.Parse(Arg("--timed-steps", "300"));
var models = Arg("--models", "mlp1x512,mlp3x512,alexnet,inception").Split(',').Select(m => Models.Find(m) ?? throw new ArgumentException($"--models: unknown model {m}")).ToList();
var rows = Arg("--rows", "").Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToList();
var budget = TimeSpan.FromSeconds(double.Parse(Arg("--budget", "300")));
var mnistN = int.Parse(Arg("--mnist-n", "60000"));
var largeN = int.Parse(Arg("--large-n", "0"));
var imageNetSteps = int.Parse(Arg("--imagenet-steps", "10"));
var imageNetPipelineSteps = int.Parse(Arg("--imagenet-pipeline-steps", "30"));
var imageNetClasses = int.Parse(Arg("--imagenet-classes", "20"));
var imageNetPerClass = int.Parse(Arg("--imagenet-per-class", "64"));
var started = Stopwatch.StartNew();
Directory.CreateDirectory(outDirectory);
Directory.CreateDirectory(scratch);
var summaryPath = Path.Combine(outDirectory, "gpu-deep.json");
var summary = new JsonObject { ["device"] = device.ToString().ToLowerInvariant(), ["started"] = DateTime.UtcNow.ToString("O") };
void Save() => AtomicFile.WriteAllText(summaryPath, summary.ToJsonString(new System.Text.Json.JsonSerializerOptions { WriteIndented = true }));
void Say(string line) => Console.WriteLine($"[{started.Elapsed.TotalSeconds,6:F1} s] {line}");
// A solve's phases, seconds each (as SolveReport times them).
static JsonObject Phases(Rethink.Kernels.SolveReport report)
{
    var phases = new JsonObject();
    foreach (var (phase, seconds) in report.Timings.Phases()) phases[phase] = Math.Round(seconds, 4);
    return phases;
}

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

// 3. Table 2's cost on this device: Inception V3 at 299x299, batch 128, 1,000 classes. (a) the bare step on random
// inputs, timed as `reproduce` calibrates its cost model, and the seven rows' estimate from it, as `reproduce`
// prints it; (b) the whole pipeline on a generated ILSVRC-layout folder (JPEG decoding on this machine's cores,
// random-resized crops and flips, the Trainer's overlap of host and device), steps/s end to end; (c) the decoding
// rate alone, images/s on all cores.
if (only.Contains("imagenet"))
{
    var section = new JsonObject();
    summary["imagenet"] = section;
    try
    {
        var context = new ReproduceContext(RunProfile.Paper, device == TrainingDevice.Cuda ? ComputeDevice.Cuda : ComputeDevice.Cpu, scratch, scratch);
        var table2 = new ExperimentCatalog().Table2;
        var configs = table2.Configure(context);
        var probeBatch = device == TrainingDevice.Cpu ? 4 : (int?)null;
        var bare = StepTimer.Measure(configs[0], 3, device, warmup: 3, steps: imageNetSteps, batch: probeBatch);
        section["bare_seconds_per_step"] = Math.Round(bare, 4);
        section["bare_images_per_second"] = Math.Round(configs[0].BatchSize / bare, 1);
        Say($"Inception V3 at 299x299, batch {configs[0].BatchSize}: {bare:F3} s per bare step ({configs[0].BatchSize / bare:F0} images/s)");
        Save();
        context.Costs.Calibrate(configs, device, c => StepTimer.Measure(c, 3, device, warmup: 2, steps: imageNetSteps, batch: probeBatch));
        var units = table2.Units(context);
        var total = units.Sum(u => u.Estimate.TotalSeconds);
        section["rows"] = new JsonArray(units.Select(u => (JsonNode)new JsonObject { ["run"] = u.Description, ["hours"] = Math.Round(u.Estimate.TotalHours, 1) }).ToArray());
        section["seven_rows_hours_one_device"] = Math.Round(total / 3600, 1);
        section["seven_rows_hours_on"] = new JsonObject(new[] { 2, 8, 32 }.Select(n => KeyValuePair.Create($"{n}", (JsonNode?)Math.Round(total / 3600 / n, 1))));
        Say($"Table 2's seven rows: {total / 3600:F1} h on one {device.ToString().ToLowerInvariant()} device ({total / 3600 / 8:F1} h on 8, linear scaling assumed)");
        Save();

        var root = Path.Combine(scratch, "imagenet");
        if (!Directory.Exists(Path.Combine(root, "train")))
        {
            var write = Stopwatch.StartNew();
            // ImageNet-sized pictures (the average ILSVRC2012 training image is about 400x350).
            SyntheticImageNet.Write(root, imageNetClasses, imageNetPerClass, 2, minSide: 300, maxSide: 500);
            section["generated_seconds"] = Math.Round(write.Elapsed.TotalSeconds, 1);
        }
        var folder = ImageNetData.Locate(root)();
        var pipeline = configs[0] with { MaxSteps = imageNetPipelineSteps, EvaluateEvery = 1_000_000, StopWhenFitted = false, Augment = true, Test = null };
        if (device == TrainingDevice.Cpu) pipeline = pipeline with { BatchSize = 4 };
        var images = ImageNetTrainingData.Load(pipeline, folder);
        var warmRun = Trainer.Run(pipeline with { MaxSteps = 3 }, images, new TrainingSession(device));
        var run = Trainer.Run(pipeline, images, new TrainingSession(device));
        var perStep = run.Records[^1].Seconds / pipeline.MaxSteps;
        section["pipeline_seconds_per_step"] = Math.Round(perStep, 4);
        section["pipeline_images_per_second"] = Math.Round(pipeline.BatchSize / perStep, 1);
        section["pipeline_steps"] = pipeline.MaxSteps;
        Say($"whole pipeline (decode + augment + train) on {images.TrainCount:N0} generated JPEGs: {perStep:F3} s per step ({pipeline.BatchSize / perStep:F0} images/s); warm-up {warmRun.Records[^1].Seconds:F1} s");
        Save();
        var files = folder.Train.Take(512).ToList();
        var transform = new ImageNetTransform(299, Augment: true);
        var buffer = new float[files.Count * transform.Floats];
        var labels = new int[files.Count];
        var all = Enumerable.Range(0, files.Count).ToArray();
        ImageNetBatch.Read(files, all, transform, 1, 0, buffer, labels);
        var decode = Stopwatch.StartNew();
        for (var round = 1; round <= 2; round++) ImageNetBatch.Read(files, all, transform, 1, round, buffer, labels);
        var rate = 2 * files.Count / decode.Elapsed.TotalSeconds;
        section["decode_images_per_second"] = Math.Round(rate, 1);
        section["cores"] = Environment.ProcessorCount;
        Say($"JPEG decode + random-resized crop + flip on {Environment.ProcessorCount} cores: {rate:F0} images/s");
    }
    catch (Exception e)
    {
        section["error"] = e.ToString();
        Say($"imagenet: {e.GetType().Name}: {e.Message}");
    }
    Save();
}

// 4. NCCL behind DataParallel's reduction, on one rank (NCCL refuses two ranks on one GPU, and this machine has
// one). (a) The collectives bit for bit: one rank's all-reduce sum and broadcast are the identity, so a
// gradient-sized float32 buffer, an int64 buffer and a few doubles come back unchanged when the pointers,
// counts, types and stream ordering are right; and the time of one all-reduce of a gradient. (b) Training with
// the reduction against training without it, beside two runs without it: GPU training is not bit-reproducible
// (cuDNN's backward convolutions sum with atomics), so the run through NCCL is compared with that spread.
if (only.Contains("nccl") && device == TrainingDevice.Cuda)
{
    var section = new JsonObject();
    summary["nccl"] = section;
    try
    {
        using var nccl = Nccl.Join();
        section["library"] = nccl.Describe();
        using (var scope = NewDisposeScope())
        {
            var gradient = randn(1_387_786, generator: new Generator(3)).to(torchDevice);
            var before = gradient.clone();
            nccl.SumInPlace(gradient);
            var counts = arange(0L, 1000L).to(torchDevice).mul(1L << 40);
            var countsBefore = counts.clone();
            ((IGradientReduction)nccl).BroadcastFromRoot(counts);
            var doubles = new[] { 1.0 / 3, Math.PI, -2.5e-300, 7e300 };
            var doublesBefore = (double[])doubles.Clone();
            nccl.SumInPlace(doubles);
            var watch = Stopwatch.StartNew();
            for (var i = 0; i < 100; i++) nccl.SumInPlace(gradient);
            cuda.synchronize();
            var allReduce = watch.Elapsed.TotalSeconds / 100;
            section["identity"] = new JsonObject
            {
                ["float32_gradient_unchanged"] = gradient.eq(before).all().item<bool>(),
                ["int64_broadcast_unchanged"] = counts.eq(countsBefore).all().item<bool>(),
                ["float64_sum_unchanged"] = doubles.SequenceEqual(doublesBefore),
                ["allreduce_seconds_1387786_floats"] = allReduce,
            };
            Say($"NCCL ({nccl.Describe()}): float32 gradient unchanged {gradient.eq(before).all().item<bool>()}, int64 broadcast unchanged {counts.eq(countsBefore).all().item<bool>()}, float64 sums unchanged {doubles.SequenceEqual(doublesBefore)}; one all-reduce of 1,387,786 floats {allReduce * 1e6:F0} µs");
        }
        Save();
        // MNIST, which travels in the pack (CIFAR-10 needs two more calls to bring over).
        var data = DatasetLoader.Load(DatasetId.Mnist, new DataOptions(AllowDownload: false));
        foreach (var model in new[] { ModelKind.Mlp1x512, ModelKind.AlexNet, ModelKind.Inception })
        {
            var config = new TrainingConfig(model, DatasetId.Mnist, Train: 2560, Test: 500, Seed: 1, MaxSteps: 60, StopWhenFitted: false, EvaluateEvery: 20);
            var training = TrainingData.From(data, config);
            var plain = Trainer.Run(config, training, new TrainingSession(device));
            var again = Trainer.Run(config, training, new TrainingSession(device));
            var reduced = Trainer.Run(config, training, new TrainingSession(device, Parallel: new DataParallel(nccl)));
            (int Identical, double Worst) Compare(TrainingResult x, TrainingResult y)
            {
                var pairs = x.Losses.Zip(y.Losses).ToList();
                return (pairs.Count(p => p.First.Loss == p.Second.Loss && p.First.Step == p.Second.Step), pairs.Max(p => Math.Abs(p.First.Loss - p.Second.Loss) / Math.Abs(p.First.Loss)));
            }
            var (sameIdentical, sameWorst) = Compare(plain, again);
            var (ncclIdentical, ncclWorst) = Compare(plain, reduced);
            section[model.Name()] = new JsonObject
            {
                ["steps"] = plain.Losses.Count,
                ["without_vs_without_identical"] = sameIdentical,
                ["without_vs_without_largest_relative_difference"] = sameWorst,
                ["nccl_vs_without_identical"] = ncclIdentical,
                ["nccl_vs_without_largest_relative_difference"] = ncclWorst,
                ["final_test_accuracy"] = new JsonArray(plain.Final!.TestAccuracy, again.Final!.TestAccuracy, reduced.Final!.TestAccuracy),
            };
            Say($"{model.Name()}: per-step losses identical without/without {sameIdentical}/{plain.Losses.Count} (largest relative difference {sameWorst:E2}), NCCL/without {ncclIdentical}/{plain.Losses.Count} ({ncclWorst:E2})");
            Save();
        }
    }
    catch (Exception e)
    {
        section["error"] = e.ToString();
        Say($"nccl: {e.GetType().Name}: {e.Message}");
    }
    Save();
}

// 5. The kernel solver on this GPU (issue: the whole kernel table on one GPU): full MNIST exact, FP64 and FP32,
// end to end with each phase, and the largest exact FP64 solve tried on synthetic points (n = --large-n).
if (only.Contains("mnist"))
{
    var section = new JsonObject();
    summary["mnist"] = section;
    try
    {
        var compute = device == TrainingDevice.Cuda ? ComputeDevice.Cuda : ComputeDevice.Cpu;
        var mnist = DatasetLoader.Load("mnist", new DataOptions(AllowDownload: false));
        var prepared = DataPipeline.Prepare(mnist, new PipelineConfig(PipelineConfig.Scaled, Randomization.None));
        var train = prepared.Train.ToFeatureMatrix();
        var test = prepared.Test.ToFeatureMatrix();
        var kernel = new Rethink.Kernels.GaussianKernel(0.02);
        var n = Math.Min(mnistN, train.Rows);
        var first = n >= train.Rows ? train : train.Slice(0, n);
        var oneHot = Rethink.Kernels.Targets.OneHot(prepared.TrainLabels.Take(n).ToArray(), 10);
        foreach (var precision in new[] { Rethink.Kernels.Precision.Fp64, Rethink.Kernels.Precision.Fp64, Rethink.Kernels.Precision.Fp32 })
        {
            using var d = ComputeDevices.Open(new DeviceRequest(compute), precision).Device;
            var watch = Stopwatch.StartNew();
            using var model = new Rethink.Kernels.MinimumNormSolver(d).Fit(first, oneHot, kernel, new Rethink.Kernels.SolveOptions(precision, Method: Rethink.Kernels.SolveMethod.Cholesky));
            var fit = watch.Elapsed.TotalSeconds;
            watch.Restart();
            var scores = model.Predict(test);
            var predict = watch.Elapsed.TotalSeconds;
            var (error, _) = KernelFitRunner.Evaluate(scores, prepared.TestLabels, 10);
            var phases = Phases(model.Report);
            phases["predict"] = Math.Round(predict, 4);
            // The first FP64 solve pays for loading the CUDA libraries and compiling kernels: the second is the measurement.
            section[precision == Rethink.Kernels.Precision.Fp32 ? "fp32" : section.ContainsKey("fp64_first") ? "fp64" : "fp64_first"] = new JsonObject
            {
                ["n"] = n, ["end_to_end_seconds"] = Math.Round(fit + predict, 3), ["test_error_percent"] = Math.Round(100 * error, 4),
                ["library"] = d.Library, ["hardware"] = d.Hardware, ["phases"] = phases,
            };
            Say($"MNIST n = {n:N0} {precision}: {fit + predict:F2} s end to end, test error {100 * error:F2}% ({d.Hardware})");
            Save();
        }
    }
    catch (Exception e)
    {
        section["error"] = e.ToString();
        Say($"mnist: {e.GetType().Name}: {e.Message}");
    }
    Save();
}

// 6. Full-size paper-profile runs, by their descriptions, under the time budget.
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
// 7. The largest exact FP64 solve tried (synthetic points), after the rows, when the budget leaves a minute.
if (only.Contains("large") && largeN > 0 && budget - started.Elapsed > TimeSpan.FromSeconds(60))
{
    var section = summary["mnist"] as JsonObject ?? new JsonObject();
    summary["mnist"] = section;
    var compute = device == TrainingDevice.Cuda ? ComputeDevice.Cuda : ComputeDevice.Cpu;
    var kernel = new Rethink.Kernels.GaussianKernel(0.02);
    try
    {
        // Synthetic points in MNIST's dimension (uniform in [0,1]^784), Gaussian kernel γ = 0.02: the largest FP64 solve tried.
        var random = new Random(7);
        var points = new double[largeN * 784];
        for (var i = 0; i < points.Length; i++) points[i] = random.NextDouble();
        var features = new FeatureMatrix(points, largeN, 784);
        var labels = Enumerable.Range(0, largeN).Select(i => random.Next(10)).ToArray();
        using var d = ComputeDevices.Open(new DeviceRequest(compute), Rethink.Kernels.Precision.Fp64).Device;
        var watch = Stopwatch.StartNew();
        using var model = new Rethink.Kernels.MinimumNormSolver(d).Fit(features, Rethink.Kernels.Targets.OneHot(labels, 10), kernel,
            new Rethink.Kernels.SolveOptions(Rethink.Kernels.Precision.Fp64, Method: Rethink.Kernels.SolveMethod.Cholesky));
        var phases = Phases(model.Report);
        section["large_fp64"] = new JsonObject { ["n"] = largeN, ["fit_seconds"] = Math.Round(watch.Elapsed.TotalSeconds, 3), ["residual"] = model.Report.RelativeResidual, ["phases"] = phases };
        Say($"synthetic n = {largeN:N0} FP64 exact: {watch.Elapsed.TotalSeconds:F1} s, relative residual {model.Report.RelativeResidual:E2}");
    }
    catch (Exception e)
    {
        section["large_error"] = e.ToString();
        Say($"large: {e.GetType().Name}: {e.Message}");
    }
    Save();
}
summary["seconds"] = Math.Round(started.Elapsed.TotalSeconds, 1);
Save();
Say($"summary: {summaryPath}");
return 0;
