using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;
using Rethink.Data;
using Rethink.Kernels;
using Rethink.Kernels.Cuda;
using Rethink.Kernels.Devices;
using Rethink.Features;
using Rethink.Experiments;

// The GPU verification of the kernel solver, as one program for a CUDA machine without .NET (packed by
// tools/gpu-pack.sh). Every step runs under its own time limit and its own try/catch, so one failure
// or hang does not lose the others, and the summary (JSON) is rewritten after every step:
//   device and libraries · small checks (residual, eigen fallback, predictions vs the definition) ·
//   streamed random-feature products accumulated on the device (against the CPU, and the per-block time) ·
//   the whole random-feature stream at CIFAR-10's size, per block and per phase, products on the device and on the host ·
//   GPU α against the CPU's FP64 α at n = 20,000 (computed beforehand, packed as .npy) ·
//   full MNIST end to end in FP64 and FP32 · the largest n that fits, and an exact FP64 solve of translated MNIST there
//   (up to 100,000) · a Cholesky table with the Gram's products and transform,
//   potrf, potrs and prediction timed separately (each phase synchronized) · the CUDA tests of
//   tests/Properties (every [CudaFact] method, invoked directly: no test runner there), when packed.
// `--device cpu` runs the same program on the CPU device: a dry run of the script before a GPU is lent.
CultureInfo.DefaultThreadCurrentCulture = CultureInfo.InvariantCulture;
string Arg(string name, string fallback) => args.SkipWhile(a => a != name).Skip(1).FirstOrDefault() ?? fallback;
var device = Enum.Parse<ComputeDevice>(Arg("--device", "cuda"), ignoreCase: true);
var sizes = Arg("--sizes", "10000,20000,40000,60000").Split(',').Select(int.Parse).ToArray();
var fullN = int.Parse(Arg("--full-n", "60000"));
var referenceN = int.Parse(Arg("--reference-n", "20000"));
var referencePath = Arg("--reference", Path.Combine(Environment.GetEnvironmentVariable("RETHINK_DATA") ?? ".", $"alpha-cpu-fp64-n{referenceN}.npy"));
var outDirectory = Arg("--out", Environment.GetEnvironmentVariable("OUT") ?? ".");
var streamN = int.Parse(Arg("--stream-n", "50000"));
var streamBlocks = int.Parse(Arg("--stream-blocks", "3"));
var testsDirectory = Arg("--tests", "");
var only = Arg("--only", "").Split(',', StringSplitOptions.RemoveEmptyEntries).ToHashSet();
var scratch = Arg("--scratch", Path.Combine(Path.GetTempPath(), "rethink-gpu-check-streams"));
var stepTimeout = TimeSpan.FromSeconds(double.Parse(Arg("--step-timeout", "240")));
var streamTimeout = TimeSpan.FromSeconds(double.Parse(Arg("--stream-timeout", "300")));
Directory.CreateDirectory(outDirectory);
var summaryPath = Path.Combine(outDirectory, "gpu-check.json");
var summary = new JsonObject
{
    ["packed"] = File.Exists(".device/PACKED") ? File.ReadAllText(".device/PACKED").Trim() : null,
    ["device"] = device.ToString().ToLowerInvariant(),
    ["steps"] = new JsonObject(),
};
var steps = (JsonObject)summary["steps"]!;

void Save() => Rethink.Core.AtomicFile.WriteAllText(summaryPath, summary.ToJsonString(new System.Text.Json.JsonSerializerOptions { WriteIndented = true }));

// Runs one step with a time limit; its record (or its error) goes into the summary at once.
void Step(string name, Func<JsonObject> body, TimeSpan? limit = null)
{
    if (only.Count > 0 && !only.Contains(name)) return;
    var timeout = limit ?? stepTimeout;
    var watch = Stopwatch.StartNew();
    Console.WriteLine($"== {name}");
    var task = Task.Run(body);
    JsonObject record;
    if (Task.WhenAny(task, Task.Delay(timeout)).Result != task)
    {
        record = new JsonObject { ["error"] = $"timed out after {timeout.TotalSeconds:F0} s" };
        steps[name] = record;
        Save();
        Console.WriteLine($"   {name}: TIMED OUT after {timeout.TotalSeconds:F0} s; the summary so far is in {summaryPath}");
        Environment.Exit(124);
    }
    try
    {
        record = task.Result;
    }
    catch (AggregateException e)
    {
        var inner = e.InnerException ?? e;
        record = new JsonObject { ["error"] = $"{inner.GetType().Name}: {inner.Message}" };
        Console.WriteLine($"   {name}: FAILED {inner}");
    }
    record["seconds"] = Math.Round(watch.Elapsed.TotalSeconds, 3);
    steps[name] = record;
    Save();
    Console.WriteLine($"   {record.ToJsonString()}");
}

var mnist = DatasetLoader.Load("mnist", new DataOptions(AllowDownload: false));
var prepared = DataPipeline.Prepare(mnist, new PipelineConfig(PipelineConfig.Scaled, Randomization.None));
var train = prepared.Train.ToFeatureMatrix();
var test = prepared.Test.ToFeatureMatrix();
var kernel = new GaussianKernel(0.02);
IDenseDevice Open(Precision p) => ComputeDevices.Open(new DeviceRequest(device), p).Device;
FeatureMatrix First(int n) => n >= train.Rows ? train : train.Slice(0, n);
Targets OneHot(int n) => Targets.OneHot(prepared.TrainLabels.Take(n).ToArray(), 10);
static string Name(Precision p) => p.ToString().ToLowerInvariant();

JsonObject Timings(SolveReport r, double? predict = null)
{
    var o = new JsonObject();
    foreach (var (phase, seconds) in r.Timings.Phases()) o[phase] = Math.Round(seconds, 4);
    if (predict is { } p) o["predict"] = Math.Round(p, 4);
    return o;
}

Step("device", () =>
{
    using var d = Open(Precision.Fp64);
    var record = new JsonObject { ["backend"] = d.Backend.ToString(), ["library"] = d.Library, ["hardware"] = d.Hardware };
    return record;
});

Step("checks", () =>
{
    var record = new JsonObject();
    foreach (var precision in new[] { Precision.Fp64, Precision.Fp32 })
    {
        using var d = Open(precision);
        using var model = new MinimumNormSolver(d).Fit(First(2000), OneHot(2000), kernel, new SolveOptions(precision, Method: SolveMethod.Cholesky));
        record[$"n2000_{Name(precision)}"] = new JsonObject
        {
            ["residual"] = model.Report.RelativeResidual, ["backward_error_ratio"] = model.Report.BackwardErrorRatio, ["kernel_norm"] = model.Report.KernelNorm,
            ["ok"] = model.Report.BackwardErrorRatio < 100,
        };
    }
    // A duplicated point: the eigendecomposition fallback, rank n − 1, and the copies share their weight.
    using (var d = Open(Precision.Fp64))
    {
        var x = First(500).SelectRows([.. Enumerable.Range(0, 499), 0]);
        var y = Targets.OneHot([.. prepared.TrainLabels.Take(499), prepared.TrainLabels[0]], 10);
        using var model = new MinimumNormSolver(d).Fit(x, y, kernel, new SolveOptions(Precision.Fp64));
        record["duplicate"] = new JsonObject
        {
            ["method"] = model.Report.Method.ToString(), ["rank"] = model.Report.Rank, ["residual"] = model.Report.RelativeResidual,
            ["ok"] = model.Report.Method == SolveMethod.Eigen && model.Report.Rank == 499 && Math.Abs(model.Alpha[0] - model.Alpha[499]) < 1e-8,
        };
        // Predictions against the direct kernel expansion.
        var points = test.Slice(0, 50);
        var scores = model.Predict(points);
        var cross = kernel.Gram(points, x);
        double worst = 0;
        for (var i = 0; i < 50; i++)
            for (var c = 0; c < 10; c++)
            {
                double s = 0;
                for (var j = 0; j < 500; j++) s += cross[(long)i * 500 + j] * model.Alpha[(long)c * 500 + j];
                worst = Math.Max(worst, Math.Abs(s - scores[(long)c * 50 + i]));
            }
        record["predictions_max_difference"] = worst;
        record["predictions_ok"] = worst < 1e-8;
    }
    return record;
});

// Streamed random features: blocks of features accumulated into K += AᵀA and C += AᵀB where
// the device does it (the GPU: cuBLAS ssyrk/sgemm on resident K and C, K and C copied down after every
// block as for a checkpoint), first against the CPU's BLAS on a small case, then at the CIFAR-10 size
// (50,000 × 10,000, 4,086 features = one block of 227 filters) for the per-block time.
Step("streamed_products", () =>
{
    using var d = Open(Precision.Fp32);
    var small = Math.Min(streamN, 4000);
    var record = new JsonObject { ["small"] = StreamBlocks(d, small, small / 5, 1000, 3, compare: true), ["full"] = StreamBlocks(d, streamN, streamN / 5, 4086, 2, compare: false) };
    record["ok"] = record["small"]!["max_relative_difference"]!.GetValue<double>() <= 1e-5;
    return record;
});

static unsafe JsonObject StreamBlocks(IDenseDevice device, int n, int m, int width, int blocks, bool compare)
{
    var random = new Random(5);
    var a = new float[(long)n * width];
    var b = new float[(long)m * width];
    for (long i = 0; i < a.LongLength; i++) a[i] = (float)random.NextDouble() - 0.5f;
    for (long i = 0; i < b.LongLength; i++) b[i] = (float)random.NextDouble() - 0.5f;
    var results = new List<(Rethink.Kernels.Native.NativeBuffer<float> K, Rethink.Kernels.Native.NativeBuffer<float> C, string Where, double Seconds)>();
    foreach (var on in compare ? new[] { device, null } : new[] { device })
    {
        var k = new Rethink.Kernels.Native.NativeBuffer<float>((long)n * n);
        var c = new Rethink.Kernels.Native.NativeBuffer<float>((long)n * m);
        System.Runtime.InteropServices.NativeMemory.Clear(k.Pointer, (nuint)((long)n * n * 4));
        System.Runtime.InteropServices.NativeMemory.Clear(c.Pointer, (nuint)((long)n * m * 4));
        using var accumulator = GramAccumulators.Open(on as IStreamingDevice, Precision.Fp32, (nint)k.Pointer, (nint)c.Pointer, n, m);
        var watch = Stopwatch.StartNew();
        fixed (float* pa = a)
        fixed (float* pb = b)
            for (var block = 0; block < blocks; block++)
            {
                accumulator.Add((nint)pa, (nint)pb, width);
                accumulator.Flush();
            }
        results.Add((k, c, accumulator.Where, watch.Elapsed.TotalSeconds));
    }
    var (first, seconds) = (results[0], results[0].Seconds);
    var flops = (double)blocks * ((double)n * n * width + 2.0 * n * m * width);
    var record = new JsonObject
    {
        ["n"] = n, ["m"] = m, ["width"] = width, ["blocks"] = blocks, ["where"] = first.Where,
        ["seconds_per_block"] = Math.Round(seconds / blocks, 4), ["tflops"] = Math.Round(flops / seconds / 1e12, 2),
    };
    if (compare)
    {
        var (other, scale, worst) = (results[1], 0.0, 0.0);
        for (long j = 0; j < n; j++)
            for (long i = j; i < n; i++)
            {
                scale = Math.Max(scale, Math.Abs(other.K.Pointer[j * n + i]));
                worst = Math.Max(worst, Math.Abs(first.K.Pointer[j * n + i] - other.K.Pointer[j * n + i]));
            }
        for (long i = 0; i < (long)n * m; i++) worst = Math.Max(worst, Math.Abs(first.C.Pointer[i] - other.C.Pointer[i]));
        record["compared_with"] = other.Where;
        record["cpu_seconds_per_block"] = Math.Round(other.Seconds / blocks, 4);
        record["max_relative_difference"] = worst / scale;
    }
    foreach (var r in results) { r.K.Dispose(); r.C.Dispose(); }
    return record;
}

Step("reference", () =>
{
    using var d = Open(Precision.Fp64);
    using var model = new MinimumNormSolver(d).Fit(First(referenceN), OneHot(referenceN), kernel, new SolveOptions(Precision.Fp64, Method: SolveMethod.Cholesky));
    var (error, _) = KernelFitRunner.Evaluate(model.Predict(test), prepared.TestLabels, 10);
    var record = new JsonObject { ["n"] = referenceN, ["test_error_percent"] = Math.Round(100 * error, 4), ["timings"] = Timings(model.Report) };
    if (File.Exists(referencePath))
    {
        var (cpu, rows, columns) = NpyFile.ReadColumnMajor(referencePath);
        double diff = 0, norm = 0;
        for (var i = 0; i < cpu.Length; i++) { diff += (model.Alpha[i] - cpu[i]) * (model.Alpha[i] - cpu[i]); norm += cpu[i] * cpu[i]; }
        record["alpha_relative_difference"] = Math.Sqrt(diff / norm);
        record["ok"] = rows == referenceN && columns == 10 && Math.Sqrt(diff / norm) <= 1e-8;
    }
    else
    {
        record["alpha_relative_difference"] = $"no CPU reference at {referencePath}";
    }
    return record;
});

foreach (var precision in new[] { Precision.Fp64, Precision.Fp32 })
    Step($"full_{Name(precision)}", () =>
    {
        using var d = Open(precision);
        var watch = Stopwatch.StartNew();
        using var model = new MinimumNormSolver(d).Fit(First(fullN), OneHot(fullN), kernel, new SolveOptions(precision, Method: SolveMethod.Cholesky));
        var fit = watch.Elapsed.TotalSeconds;
        watch.Restart();
        var scores = model.Predict(test);
        var predict = watch.Elapsed.TotalSeconds;
        var (error, _) = KernelFitRunner.Evaluate(scores, prepared.TestLabels, 10);
        return new JsonObject
        {
            ["n"] = fullN, ["end_to_end_seconds"] = Math.Round(fit + predict, 3), ["fit_seconds"] = Math.Round(fit, 3), ["test_error_percent"] = Math.Round(100 * error, 4),
            ["residual"] = model.Report.RelativeResidual, ["backward_error_ratio"] = model.Report.BackwardErrorRatio, ["timings"] = Timings(model.Report, predict),
        };
    });

// The largest exact solve the device holds (kernels capacity), then MNIST enlarged by translated copies (data augment) to
// the largest FP64 n that fits, up to --large-n (100,000), solved exactly end to end and scored on the 10,000 test images.
var largeN = int.Parse(Arg("--large-n", "100000"));
Step("largest_n", limit: TimeSpan.FromSeconds(Math.Max(stepTimeout.TotalSeconds, 300)), body: () =>
{
    var record = new JsonObject();
    foreach (var precision in new[] { Precision.Fp64, Precision.Fp32 })
    {
        using var d = Open(precision);
        record[$"largest_n_{Name(precision)}"] = MinimumNormSolver.LargestN(d, train.Columns, 10);
        record[$"largest_n_{Name(precision)}_with_eigen_fallback"] = MinimumNormSolver.LargestN(d, train.Columns, 10, eigen: true);
    }
    var n = Math.Min(largeN, record["largest_n_fp64"]!.GetValue<int>());
    if (n <= train.Rows) return record;
    var augmented = DataPipeline.Prepare(Augmentation.Translated(mnist, n, maxShift: 2, seed: 0), new PipelineConfig(PipelineConfig.Scaled, Randomization.None));
    using var device64 = Open(Precision.Fp64);
    var watch = Stopwatch.StartNew();
    using var model = new MinimumNormSolver(device64).Fit(augmented.Train.ToFeatureMatrix(), Targets.OneHot(augmented.TrainLabels, 10), kernel,
        new SolveOptions(Precision.Fp64, Method: SolveMethod.Cholesky));
    var fit = watch.Elapsed.TotalSeconds;
    watch.Restart();
    var (error, _) = KernelFitRunner.Evaluate(model.Predict(test), prepared.TestLabels, 10);
    record["large"] = new JsonObject
    {
        ["n"] = n, ["data"] = $"MNIST + {n - train.Rows:N0} translated copies (±2 px, seed 0)", ["fit_seconds"] = Math.Round(fit, 3),
        ["predict_seconds"] = Math.Round(watch.Elapsed.TotalSeconds, 3), ["test_error_percent"] = Math.Round(100 * error, 4),
        ["residual"] = model.Report.RelativeResidual, ["timings"] = Timings(model.Report),
    };
    return record;
});

Step("cholesky_table", () =>
{
    var rows = new JsonArray();
    foreach (var n in sizes)
        foreach (var precision in new[] { Precision.Fp64, Precision.Fp32 })
        {
            var row = new JsonObject { ["n"] = n, ["precision"] = Name(precision) };
            try
            {
                using var d = Open(precision);
                using var model = new MinimumNormSolver(d).Fit(First(n), OneHot(n), kernel, new SolveOptions(precision, Method: SolveMethod.Cholesky));
                var t = model.Report.Timings;
                foreach (var (phase, s) in new[] { ("gram-products", t.GramProducts), ("gram-transform", t.GramTransform), ("potrf", t.Potrf), ("potrs", t.Potrs) })
                    row[phase] = s > 0 ? Math.Round(s, 4) : null;
                if (t.Potrf > 0) row["potrf_tflops"] = Math.Round((double)n * n * n / 3 / t.Potrf / 1e12, 2);
                if (t.GramProducts > 0) row["gemm_tflops"] = Math.Round(2.0 * n * n * train.Columns / t.GramProducts / 1e12, 2);
                var watch = Stopwatch.StartNew();
                model.Predict(test);
                row["predict"] = Math.Round(watch.Elapsed.TotalSeconds, 4);
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                row["error"] = $"{e.GetType().Name}: {e.Message}";
            }
            rows.Add(row);
            Console.WriteLine($"   {row.ToJsonString()}");
        }
    return new JsonObject { ["rows"] = rows };
});
// The whole random-feature stream at CIFAR-10's size: streamN training and streamN / 5 test images of
// 3×32×32 (synthetic, uniform pixels: the work per block does not depend on them), the design of the
// 50,000-image runs (both signs, normalized 5×5 patches, threshold 0.5, 3×3 pooling, 227 filters a block).
// Features and products on the device (the images uploaded once, K and C resident, DeviceRandomFeatures), checkpoints on
// the default schedule (every 10 minutes and at the end), as `kernels fit --features random-conv ... --device cuda` runs it;
// then one block entirely on the host's cores for the ratios. Per-block seconds of each phase give the time of a
// 32,000-filter run here (goal: at most 3 s a block of 227 filters).
Step("streamed_random_conv", limit: streamTimeout, body: () =>
{
    var (n, m) = (streamN, Math.Max(1, streamN / 5));
    var random = new Random(15);
    ImageTensor Images(int count)
    {
        var pixels = new float[(long)count * 3 * 32 * 32];
        for (long i = 0; i < pixels.LongLength; i++) pixels[i] = random.NextSingle();
        return new ImageTensor(pixels, count, 3, 32, 32);
    }
    var (trainImages, testImages) = (Images(n), Images(m));
    var record = new JsonObject { ["train"] = n, ["test"] = m };
    foreach (var (name, onDevice, blocks) in new[] { ("device", true, streamBlocks), ("host", false, 1) })
    {
        var config = new RandomConvConfig(Filters: 227 * blocks, Threshold: 0.5, Grid: 3, Signs: 2, Normalize: true, Stream: true);
        var features = RandomConvFeatures.Create(config, trainImages);
        var directory = Path.Combine(scratch, name);
        if (Directory.Exists(directory)) Directory.Delete(directory, recursive: true);
        using var d = onDevice ? Open(Precision.Fp32) : null;
        var watch = Stopwatch.StartNew();
        using var products = StreamedGram.Compute(features, trainImages, testImages, Precision.Fp32, directory, $"gpu-check-{name}", new ConsoleProgress(), device: d as IStreamingDevice);
        var seconds = watch.Elapsed.TotalSeconds;
        var t = products.Timings;
        var done = t.Blocks;
        record[name] = new JsonObject
        {
            ["filters"] = config.Filters, ["blocks"] = done, ["features_per_block"] = config.FeaturesPerFilter * features.BlockFilters,
            ["seconds"] = Math.Round(seconds, 2), ["description"] = products.Description,
            ["per_block"] = new JsonObject
            {
                ["features"] = Math.Round(t.Features / done, 2), ["products"] = Math.Round(t.Products / done, 2),
                ["checkpoints"] = Math.Round(t.Checkpoints / done, 2), ["total"] = Math.Round((t.Features + t.Products + t.Checkpoints) / done, 2),
            },
            ["checkpoints_written"] = t.Written, ["checkpoints_in_background"] = t.InBackground,
        };
        Directory.Delete(directory, recursive: true);
    }
    // The 32,000-filter run: 141 blocks of 227 filters (and one of 215), at the measured per-block rate.
    var perBlock = record["device"]!["per_block"]!["total"]!.GetValue<double>();
    record["estimated_32000_filters_hours"] = Math.Round(32000.0 / 227 * perBlock / 3600, 2);
    record["features_host_over_device"] = Math.Round(record["host"]!["per_block"]!["features"]!.GetValue<double>() / record["device"]!["per_block"]!["features"]!.GetValue<double>(), 1);
    record["products_host_over_device"] = Math.Round(record["host"]!["per_block"]!["products"]!.GetValue<double>() / record["device"]!["per_block"]!["products"]!.GetValue<double>(), 1);
    return record;
});

// The [CudaFact] tests of tests/Properties and tests/Deep, which CI always skips: the test assemblies and what
// they need are packed beside the program (gpu-pack.sh), loaded here, and every method carrying the attribute is
// invoked on a fresh instance (disposed after); the attribute's own Skip (no GPU) is honoured and reported.
if (testsDirectory.Length > 0)
    Step("cuda_tests", () =>
    {
        var directory = Path.GetFullPath(testsDirectory);
        System.Runtime.Loader.AssemblyLoadContext.Default.Resolving += (context, name) =>
            File.Exists(Path.Combine(directory, name.Name + ".dll")) ? context.LoadFromAssemblyPath(Path.Combine(directory, name.Name + ".dll")) : null;
        var assemblies = new[] { "Rethink.Properties.dll", "Rethink.Deep.Tests.dll" }.Where(f => File.Exists(Path.Combine(directory, f)))
            .Select(f => System.Runtime.Loader.AssemblyLoadContext.Default.LoadFromAssemblyPath(Path.Combine(directory, f))).ToList();
        var results = new JsonObject();
        var (passed, failed, skipped) = (0, 0, 0);
        foreach (var type in assemblies.SelectMany(a => a.GetExportedTypes()).Where(t => t.IsClass && !t.IsAbstract))
            foreach (var method in type.GetMethods())
            {
                var fact = method.GetCustomAttributes(inherit: true).FirstOrDefault(a => a.GetType().Name == "CudaFactAttribute");
                if (fact is null) continue;
                var name = $"{type.Name}.{method.Name}";
                if (fact.GetType().GetProperty("Skip")?.GetValue(fact) is string reason)
                {
                    results[name] = $"skipped: {reason}";
                    skipped++;
                    continue;
                }
                var watch = Stopwatch.StartNew();
                var instance = Activator.CreateInstance(type);
                try
                {
                    method.Invoke(instance, null);
                    results[name] = $"passed ({watch.Elapsed.TotalSeconds:F2} s)";
                    passed++;
                }
                catch (System.Reflection.TargetInvocationException e)
                {
                    var inner = e.InnerException ?? e;
                    results[name] = $"FAILED: {inner.GetType().Name}: {inner.Message.Split('\n')[0]}";
                    failed++;
                }
                finally
                {
                    (instance as IDisposable)?.Dispose();
                }
                Console.WriteLine($"   {name}: {results[name]}");
            }
        return new JsonObject { ["passed"] = passed, ["failed"] = failed, ["skipped"] = skipped, ["tests"] = results, ["ok"] = failed == 0 && passed > 0 };
    });

Console.WriteLine($"summary: {summaryPath}");

sealed class ConsoleProgress : IProgress<KernelProgress>
{
    public void Report(KernelProgress value) => Console.WriteLine($"   {value.Phase}");
}
