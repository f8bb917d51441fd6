using System.Diagnostics;
using System.Globalization;
using Rethink.Core;
using Rethink.Data;
using Rethink.Kernels;
using Rethink.Kernels.Cuda;

// The GPU verification of the kernel backend, as one program for a CUDA machine without .NET
// (packed by ../shared/gpu/pack.sh): device and libraries, the backend checks on small problems,
// GPU against the CPU FP64 results measured on the development machine, full MNIST end to end in
// FP64 and FP32, and a potrf/potrs table with TFLOP/s. Prints "key value" lines for the PyTorch
// comparison script (tools/gpu-check.sh) and a summary.
CultureInfo.DefaultThreadCurrentCulture = CultureInfo.InvariantCulture;
var sizes = args.Length > 0 ? args[0].Split(',').Select(int.Parse).ToArray() : [10_000, 20_000, 40_000, 60_000];
var backend = (CudaKernelBackend)KernelBackends.Create("cuda", out _);
Console.WriteLine($"device {backend.Device}");
Console.WriteLine($"libraries {backend.Library}");
var (free, total) = backend.MemoryInfo();
Console.WriteLine($"memory {free / 1e9:F1} GB free of {total / 1e9:F1} GB");

var mnist = DatasetLoader.Load("mnist", new DataOptions(AllowDownload: false));
var prepared = DataPipeline.Prepare(mnist, new PipelineConfig(PipelineConfig.Scaled, Randomization.None));
var train = FeatureMatrix.From(prepared.Train);
var test = FeatureMatrix.From(prepared.Test);
var kernel = new GaussianKernel(0.02);

// Small problems: residual and backward error of both precisions.
foreach (var precision in new[] { Precision.Fp64, Precision.Fp32 })
{
    var sub = train.SelectRows(Enumerable.Range(0, 2000).ToArray());
    using var model = backend.Fit(sub, KernelFitRunner.OneHot(prepared.TrainLabels[..2000], 10), 10, kernel, new SolveOptions(precision));
    Console.WriteLine($"check_n2000_{precision.ToString().ToLowerInvariant()} residual {model.Report.RelativeResidual:E2} backward-error ratio {model.Report.BackwardErrorRatio:E2} method {model.Report.Method}");
}

// GPU against the CPU (OpenBLAS FP64 on the development machine): same test error.
var cpuReference = new Dictionary<int, double> { [10_000] = 0.0266, [20_000] = 0.0196 };
foreach (var (n, expected) in cpuReference)
{
    var (result, model) = KernelFitRunner.Run(new KernelFitConfig("mnist", Train: n, Precision: Precision.Fp64, Device: "cuda"), new DataOptions(AllowDownload: false));
    model.Dispose();
    Console.WriteLine($"agree_n{n} gpu {100 * result.TestError:F2}% cpu {100 * expected:F2}% {(Math.Abs(result.TestError - expected) < 5e-5 ? "IDENTICAL" : "DIFFERENT")}");
}

// Full MNIST end to end (host preparation, upload, Gram, potrf, potrs, predict), FP64 then FP32.
foreach (var precision in new[] { Precision.Fp64, Precision.Fp32 })
{
    var watch = Stopwatch.StartNew();
    var y = KernelFitRunner.OneHot(prepared.TrainLabels, 10);
    using var model = backend.Fit(train, y, 10, kernel, new SolveOptions(precision));
    var scores = model.Predict(test);
    var seconds = watch.Elapsed.TotalSeconds;
    var (error, _) = KernelFitRunner.Evaluate(scores, prepared.TestLabels, 10);
    var t = model.Report.Timings;
    Console.WriteLine($"full_{precision.ToString().ToLowerInvariant()} end-to-end {seconds:F2} s, test error {100 * error:F2}%, residual {model.Report.RelativeResidual:E2}, " +
                      string.Join(", ", t.Select(p => $"{p.Key} {p.Value:F2} s")) + $", predict {seconds - t.Values.Sum():F2} s");
}

// potrf/potrs table on the same MNIST Gaussian kernel matrices.
Console.WriteLine($"{"n",7} {"precision",9} {"potrf s",9} {"TFLOP/s",8} {"potrs s",9}");
foreach (var n in sizes)
    foreach (var precision in new[] { Precision.Fp64, Precision.Fp32 })
    {
        var sub = n == train.Rows ? train : train.SelectRows(Enumerable.Range(0, n).ToArray());
        try
        {
            using var model = backend.Fit(sub, KernelFitRunner.OneHot(prepared.TrainLabels[..n], 10), 10, kernel, new SolveOptions(precision));
            var potrf = model.Report.Timings["potrf"];
            Console.WriteLine($"{n,7} {precision.ToString().ToLowerInvariant(),9} {potrf,9:F3} {(double)n * n * n / 3 / potrf / 1e12,8:F1} {model.Report.Timings["potrs"],9:F3}");
            Console.WriteLine($"potrf_{precision.ToString().ToLowerInvariant()}_{n} {potrf:F4}");
        }
        catch (InsufficientMemoryException e)
        {
            Console.WriteLine($"{n,7} {precision.ToString().ToLowerInvariant(),9} skipped: {e.Message}");
        }
    }
backend.Dispose();
