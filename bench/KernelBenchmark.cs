using Rethink.Core;
using Rethink.Data;
using Rethink.Kernels;
using Rethink.Kernels.Devices;
using Rethink.Experiments;

namespace Rethink.Bench;

/// <summary>
/// Gram build and Cholesky + solve against numpy/scipy on the same machine, same run, same BLAS:
/// MNIST (÷255) Gaussian γ = 0.02, d = 784, 10 right-hand sides, FP64, n = 2,000 / 5,000 / 10,000
/// (scipy.linalg.cho_factor + cho_solve, numpy's X @ X.T Gram). With --full, also the full MNIST FP32
/// run (n = 60,000) against numpy/scipy calling LAPACK in place (ssyrk-free X @ X.T, spotrf/spotrs
/// with overwrite, no copies).
/// </summary>
public static class KernelBenchmark
{
    private const string Script = """
import sys, time, gzip, os
import numpy as np, scipy.linalg as sl
root, sizes, full = sys.argv[1], [int(s) for s in sys.argv[2].split(',') if s], sys.argv[3] == '1'
with gzip.open(os.path.join(root, 'mnist', 'train-images-idx3-ubyte.gz')) as f:
    X_all = np.frombuffer(f.read(), np.uint8, offset=16).reshape(-1, 784)
with gzip.open(os.path.join(root, 'mnist', 'train-labels-idx1-ubyte.gz')) as f:
    labels = np.frombuffer(f.read(), np.uint8, offset=8)
g = 0.02
def gram(X):
    sq = np.einsum('ij,ij->i', X, X)
    K = X @ X.T
    K *= 2; K -= sq[:, None]; K -= sq[None, :]
    np.minimum(K, 0, out=K); K *= g; np.exp(K, out=K)
    return K
for n in sizes:
    X = X_all[:n].astype(np.float64) / 255
    Y = np.eye(10)[labels[:n]]
    best_g, best_s = 1e9, 1e9
    for _ in range(2 if n > 5000 else 3):
        t = time.perf_counter(); K = gram(X); tg = time.perf_counter() - t
        t = time.perf_counter(); c = sl.cho_factor(K, lower=True); a = sl.cho_solve(c, Y); ts = time.perf_counter() - t
        best_g, best_s = min(best_g, tg), min(best_s, ts)
        del K, c
    print('gram_%d %.6f' % (n, best_g)); print('solve_%d %.6f' % (n, best_s)); sys.stdout.flush()
cmp_n = int(sys.argv[4])
if cmp_n > 0:
    with gzip.open(os.path.join(root, 'mnist', 't10k-images-idx3-ubyte.gz')) as f:
        T = np.frombuffer(f.read(), np.uint8, offset=16).reshape(-1, 784).astype(np.float64) / 255
    with gzip.open(os.path.join(root, 'mnist', 't10k-labels-idx1-ubyte.gz')) as f:
        tl = np.frombuffer(f.read(), np.uint8, offset=8)
    X = X_all[:cmp_n].astype(np.float64) / 255
    Y = np.eye(10)[labels[:cmp_n]]
    K = gram(X)
    c = sl.cho_factor(K, lower=True, overwrite_a=True)
    a = sl.cho_solve(c, Y)
    del K, c
    sq = np.einsum('ij,ij->i', X, X); st = np.einsum('ij,ij->i', T, T)
    C = T @ X.T; C *= 2; C -= st[:, None]; C -= sq[None, :]; np.minimum(C, 0, out=C); C *= g; np.exp(C, out=C)
    pred = (C @ a).argmax(1)
    print('cmp_error %.8f' % (pred != tl).mean())
    ours = np.load(sys.argv[5])
    print('cmp_alpha_reldiff %.3e' % (np.linalg.norm(ours - a) / np.linalg.norm(a)))
    sys.stdout.flush()
if full:
    X = np.asfortranarray(X_all.astype(np.float32) / 255)
    Y = np.asfortranarray(np.eye(10, dtype=np.float32)[labels])
    t = time.perf_counter()
    sq = np.einsum('ij,ij->i', X, X)
    K = X @ X.T
    for i in range(0, K.shape[0], 2000):
        B = K[i:i+2000]; B *= 2; B -= sq[i:i+2000, None]; B -= sq[None, :]; np.minimum(B, 0, out=B); B *= g; np.exp(B, out=B)
    tg = time.perf_counter() - t
    t = time.perf_counter()
    L, info = sl.lapack.spotrf(K.T, lower=1, overwrite_a=1, clean=0)
    assert info == 0, info
    a, info = sl.lapack.spotrs(L, Y, lower=1)
    ts = time.perf_counter() - t
    print('full_gram %.6f' % tg); print('full_solve %.6f' % ts)
""";

    private const string GramScript = """
import sys, time, gzip, os
import numpy as np
root, sizes, dtype = sys.argv[1], [int(s) for s in sys.argv[2].split(',')], np.dtype(sys.argv[3])
with gzip.open(os.path.join(root, 'mnist', 'train-images-idx3-ubyte.gz')) as f:
    X_all = np.frombuffer(f.read(), np.uint8, offset=16).reshape(-1, 784)
g = 0.02
for n in sizes:
    X = X_all[:n].astype(dtype) / dtype.type(255)
    best = 1e9
    for _ in range(5 if n <= 10000 else 1):
        t = time.perf_counter()
        sq = np.einsum('ij,ij->i', X, X)
        K = X @ X.T
        for i in range(0, n, 2000):   # in place, in row blocks: the whole matrix never has a temporary
            B = K[i:i+2000]; B *= 2; B -= sq[i:i+2000, None]; B -= sq[None, :]; np.minimum(B, 0, out=B); B *= g; np.exp(B, out=B)
        best = min(best, time.perf_counter() - t)
        del K, B
    print('gram_%d %.6f' % (n, best)); sys.stdout.flush()
""";

    /// <summary>
    /// Gram construction only (points to the device, norms, products, transform, mirror), side by side
    /// with numpy's X @ X.T and in-place transform: FP64 at n = 2,000 / 5,000 / 10,000 and FP32 at the
    /// sizes given (60,000 = all of MNIST).
    /// </summary>
    private static int Gram(string root, int[] fp32Sizes)
    {
        Console.WriteLine($"Gram matrices, MNIST / 255, Gaussian gamma = 0.02, d = 784; {MachineInfo.Current}");
        var mnist = DatasetLoader.Load("mnist", new DataOptions(root, AllowDownload: false));
        var x = DataPipeline.Prepare(mnist, new PipelineConfig(PipelineConfig.Scaled, Randomization.None)).Train.ToFeatureMatrix();
        var kernel = new GaussianKernel(0.02);
        var rows = new List<(int N, Precision P, double Ours, double Parts)>();
        foreach (var (precision, sizes) in new[] { (Precision.Fp64, new[] { 2000, 5000, 10000 }), (Precision.Fp32, fp32Sizes) })
        {
            using var device = LapackDevice.Open(precision);
            if (precision == Precision.Fp64) Console.WriteLine($"BLAS/LAPACK: {device.Library}");
            foreach (var n in sizes)
            {
                var points = x.Slice(0, n);
                double best = double.MaxValue, products = 0;
                for (var r = 0; r < (n <= 10000 ? 5 : 1); r++)
                {
                    var watch = System.Diagnostics.Stopwatch.StartNew();
                    using var p = device.Upload(points);
                    using var k = device.Allocate(n, n);
                    var build = device.Gram(p, kernel, 0, k, 1024, null, default);
                    var seconds = watch.Elapsed.TotalSeconds;
                    if (seconds < best) (best, products) = (seconds, build.ProductsSeconds);
                }
                rows.Add((n, precision, best, products));
                GC.Collect();
                GC.WaitForPendingFinalizers();
            }
        }
        var fp64 = PythonAnchor.Run(GramScript, root, "2000,5000,10000", "float64");
        var fp32 = fp32Sizes.Length == 0 ? new Dictionary<string, double>() : PythonAnchor.Run(GramScript, root, string.Join(',', fp32Sizes), "float32");
        Console.WriteLine($"{"n",7} {"precision",9} {"rethink s",10} {"(products)",10} {"numpy s",10} {"ratio",7}  goal");
        foreach (var (n, p, ours, parts) in rows)
        {
            var reference = (p == Precision.Fp64 ? fp64 : fp32)[$"gram_{n}"];
            Console.WriteLine($"{n,7} {p.ToString().ToLowerInvariant(),9} {ours,10:F3} {parts,10:F3} {reference,10:F3} {ours / reference,7:F2}  <= 1.0");
        }
        return 0;
    }

    public static int Run(string[] args)
    {
        var full = args.Contains("--full");
        var root = args.Where((a, i) => !a.StartsWith("--") && (i == 0 || args[i - 1] != "--fp64")).FirstOrDefault() ?? Environment.GetEnvironmentVariable(DataLocator.EnvironmentVariable)
            ?? throw new ArgumentException("Give the data root (holding mnist/) as the argument or in RETHINK_DATA.");
        if (args.Contains("--gram"))
            return Gram(root, args.Contains("--no-fp32") ? [] : [10000, 60000]);
        int[] sizes = [2000, 5000, 10000];
        using var device = LapackDevice.Open(Precision.Fp64);
        var solver = new MinimumNormSolver(device);
        Console.WriteLine($"Kernel solves, MNIST / 255, Gaussian gamma = 0.02, d = 784, 10 right-hand sides; {MachineInfo.Current}");
        Console.WriteLine($"BLAS/LAPACK: {device.Library}");
        var mnist = DatasetLoader.Load("mnist", new DataOptions(root, AllowDownload: false));
        var prepared = DataPipeline.Prepare(mnist, new PipelineConfig(PipelineConfig.Scaled, Randomization.None));
        var x = prepared.Train.ToFeatureMatrix();
        var ours = new Dictionary<int, (double Gram, double Solve)>();
        foreach (var n in sizes)
        {
            var sub = x.SelectRows(Enumerable.Range(0, n).ToArray());
            var y = Targets.OneHot(prepared.TrainLabels[..n], 10);
            double bestGram = double.MaxValue, bestSolve = double.MaxValue;
            for (var r = 0; r < (n > 5000 ? 2 : 3); r++)
            {
                using var model = solver.Fit(sub, y, new GaussianKernel(0.02), new SolveOptions(Precision.Fp64));
                var t = model.Report.Timings;
                bestGram = Math.Min(bestGram, t.Gram);
                bestSolve = Math.Min(bestSolve, t.Potrf + t.Potrs);
            }
            ours[n] = (bestGram, bestSolve);
        }
        var data = new DataOptions(root, AllowDownload: false);
        var compareN = ArgValue(args, "--fp64") ?? 0;
        var alphaPath = Path.Combine(Path.GetTempPath(), $"rethink-alpha-{Environment.ProcessId}.npy");
        KernelFitResult? compare = null;
        if (compareN > 0)
        {
            using var fit = KernelFitRunner.Run(new KernelFitConfig(DatasetId.Mnist, new GaussianSpec(BandwidthRule.Given, 0.02), Train: compareN, Precision: Precision.Fp64), data);
            NpyFile.WriteColumnMajor(alphaPath, fit.Model.Alpha, fit.Result.TrainPoints, fit.Result.Classes);
            compare = fit.Result;
        }
        KernelFitResult? ourFull = null;
        if (full)
        {
            KernelFitResult result;
            using (var fit = KernelFitRunner.Run(new KernelFitConfig(DatasetId.Mnist, new GaussianSpec(BandwidthRule.Given, 0.02), Precision: Precision.Fp32), data))
                result = fit.Result;
            ourFull = result;
            Console.WriteLine($"full MNIST fp32 (rethink): test error {100 * result.TestError:F2}%, relative residual {result.Solve.RelativeResidual:G3}, " +
                $"backward-error ratio {result.Solve.BackwardErrorRatio:G3}, RKHS norm {result.Solve.RkhsNorm:G5}, method {result.Solve.Method}; " +
                string.Join(", ", result.Solve.Timings.Phases().Select(t => $"{t.Phase} {t.Seconds:F1} s")) + $", predict {result.Timings.Predict:F1} s");
        }
        GC.Collect();
        GC.WaitForPendingFinalizers();
        var python = PythonAnchor.Run(Script, root, string.Join(',', sizes), full ? "1" : "0", compareN.ToString(), alphaPath);
        if (compare is not null)
        {
            File.Delete(alphaPath);
            Console.WriteLine($"fp64 at n = {compareN:N0}: rethink test error {100 * compare.TestError:F2}%, scipy {100 * python["cmp_error"]:F2}% " +
                $"({(Math.Abs(compare.TestError - python["cmp_error"]) < 1e-12 ? "identical" : "DIFFERENT")}); |alpha - alpha_scipy| / |alpha_scipy| = {python["cmp_alpha_reldiff"]:G3}");
        }

        Console.WriteLine($"{"n",7} {"phase",-16} {"rethink s",10} {"numpy s",10} {"ratio",7}  goal");
        foreach (var n in sizes)
        {
            Row(n, "gram (fp64)", ours[n].Gram, python[$"gram_{n}"], 1.2);
            Row(n, "potrf+potrs", ours[n].Solve, python[$"solve_{n}"], 1.1);
        }
        if (ourFull is { } f)
        {
            var t = f.Solve.Timings;
            Row(60000, "gram (fp32)", t.Gram, python["full_gram"], 1.1);
            Row(60000, "potrf+potrs", t.Potrf + t.Potrs, python["full_solve"], 1.1);
            Row(60000, "total", t.Gram + t.Potrf + t.Potrs, python["full_gram"] + python["full_solve"], 1.1);
        }
        return 0;
    }

    private static int? ArgValue(string[] args, string name)
    {
        var i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? int.Parse(args[i + 1]) : null;
    }

    private static void Row(int n, string phase, double ours, double reference, double goal) =>
        Console.WriteLine($"{n,7} {phase,-16} {ours,10:F3} {reference,10:F3} {ours / reference,7:F2}  <= {goal}");
}
