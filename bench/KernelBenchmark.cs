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
    best = (1e9, 0, 0, 0)
    for _ in range(5 if n <= 10000 else 1):
        t0 = time.perf_counter()
        sq = np.einsum('ij,ij->i', X, X)
        t1 = time.perf_counter()
        K = X @ X.T                   # numpy: one syrk and a copy into the other triangle
        t2 = time.perf_counter()
        for i in range(0, n, 2000):   # in place, in row blocks: the whole matrix never has a temporary
            B = K[i:i+2000]; B *= 2; B -= sq[i:i+2000, None]; B -= sq[None, :]; np.minimum(B, 0, out=B); B *= g; np.exp(B, out=B)
        t3 = time.perf_counter()
        if t3 - t0 < best[0]: best = (t3 - t0, t1 - t0, t2 - t1, t3 - t2)
        del K, B
    print('gram_%d %.6f' % (n, best[0])); print('norms_%d %.6f' % (n, best[1]))
    print('products_%d %.6f' % (n, best[2])); print('transform_%d %.6f' % (n, best[3])); sys.stdout.flush()
""";

    /// <summary>What numpy's BLAS says of itself (the OpenBLAS numpy loaded: config, core type, threads).</summary>
    private const string NumpyBlasScript = """
import ctypes, numpy
paths = sorted({l.split()[-1] for l in open('/proc/self/maps') if ('blas' in l) and l.split()[-1].startswith('/')})
for p in paths:
    lib = ctypes.CDLL(p)
    if hasattr(lib, 'openblas_get_corename'):
        lib.openblas_get_corename.restype = ctypes.c_char_p; lib.openblas_get_config.restype = ctypes.c_char_p
        print('%s; core %s; %d threads (%s)' % (lib.openblas_get_config().decode().strip(), lib.openblas_get_corename().decode().strip(), lib.openblas_get_num_threads(), p)); break
else:
    print('not OpenBLAS: ' + ', '.join(paths))
""";

    /// <summary>The CPU's SIMD extensions from /proc/cpuinfo (the ones BLAS kernels and .NET's vectors use).</summary>
    private static string VectorExtensions()
    {
        string[] interesting = ["sse4_2", "avx", "avx2", "fma", "avx512f", "avx512dq", "avx512cd", "avx512bw", "avx512vl", "avx512ifma", "avx512vbmi", "avx512_vnni", "avx512_bf16", "amx_tile"];
        var flags = File.Exists("/proc/cpuinfo")
            ? File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("flags", StringComparison.Ordinal))?.Split(':', 2)[1].Split(' ', StringSplitOptions.RemoveEmptyEntries).ToHashSet() ?? []
            : [];
        var present = interesting.Where(flags.Contains).ToList();
        return (present.Count > 0 ? string.Join(' ', present) : "unknown") +
               $"; .NET Vector<T> {System.Numerics.Vector<byte>.Count * 8} bits, Vector512 {(System.Runtime.Intrinsics.Vector512.IsHardwareAccelerated ? "accelerated" : "not accelerated")}";
    }

    private static string TransparentHugePages() =>
        File.Exists("/sys/kernel/mm/transparent_hugepage/enabled") ? File.ReadAllText("/sys/kernel/mm/transparent_hugepage/enabled").Trim() : "n/a";

    /// <summary>
    /// Gram construction only (points to the device, norms, products, transform, mirror), side by side
    /// with numpy's X @ X.T and in-place transform, phase by phase: FP64 at n = 2,000 / 5,000 / 10,000 and
    /// FP32 at the sizes given (60,000 = all of MNIST). Prints the CPU's vector extensions and both
    /// processes' BLAS (configuration, core type, threads): the ratio depends on them.
    /// </summary>
    private static int Gram(string root, int[] fp32Sizes)
    {
        Console.WriteLine($"Gram matrices, MNIST / 255, Gaussian gamma = 0.02, d = 784; {MachineInfo.Current}");
        Console.WriteLine($"CPU vector extensions: {VectorExtensions()}");
        Console.WriteLine($"OPENBLAS_CORETYPE={Environment.GetEnvironmentVariable("OPENBLAS_CORETYPE") ?? "(unset)"}, " +
                          $"OPENBLAS_L2_SIZE={Environment.GetEnvironmentVariable("OPENBLAS_L2_SIZE") ?? "(unset)"}, " +
                          $"OPENBLAS_NUM_THREADS={Environment.GetEnvironmentVariable("OPENBLAS_NUM_THREADS") ?? "(unset)"}, " +
                          $"transparent huge pages: {TransparentHugePages()}, RETHINK_HUGE_PAGES={Environment.GetEnvironmentVariable("RETHINK_HUGE_PAGES") ?? "(unset)"}");
        var mnist = DatasetLoader.Load("mnist", new DataOptions(root, AllowDownload: false));
        var x = DataPipeline.Prepare(mnist, new PipelineConfig(PipelineConfig.Scaled, Randomization.None)).Train.ToFeatureMatrix();
        var kernel = new GaussianKernel(0.02);
        var rows = new List<(int N, Precision P, double Total, double Upload, GramBuild Build)>();
        foreach (var (precision, sizes) in new[] { (Precision.Fp64, new[] { 2000, 5000, 10000 }), (Precision.Fp32, fp32Sizes) })
        {
            using var device = LapackDevice.Open(precision);
            if (precision == Precision.Fp64)
                Console.WriteLine($"rethink BLAS/LAPACK: {device.Library}; {Rethink.Kernels.Native.NativeLibraries.BlasDescription() ?? "not OpenBLAS"}");
            foreach (var n in sizes)
            {
                var points = x.Slice(0, n);
                (double Total, double Upload, GramBuild Build) best = (double.MaxValue, 0, default);
                for (var r = 0; r < (n <= 10000 ? 5 : 1); r++)
                {
                    var watch = System.Diagnostics.Stopwatch.StartNew();
                    using var p = device.Upload(points);
                    var upload = watch.Elapsed.TotalSeconds;
                    using var k = device.Allocate(n, n);
                    var build = device.Gram(p, kernel, 0, k, 1024, null, default);
                    var seconds = watch.Elapsed.TotalSeconds;
                    if (seconds < best.Total) best = (seconds, upload, build);
                }
                rows.Add((n, precision, best.Total, best.Upload, best.Build));
                GC.Collect();
                GC.WaitForPendingFinalizers();
            }
        }
        Console.WriteLine($"numpy {PythonAnchor.Version("import numpy; print(numpy.__version__)")} BLAS: {PythonAnchor.Version(NumpyBlasScript)}");
        var fp64 = PythonAnchor.Run(GramScript, root, "2000,5000,10000", "float64");
        var fp32 = fp32Sizes.Length == 0 ? new Dictionary<string, double>() : PythonAnchor.Run(GramScript, root, string.Join(',', fp32Sizes), "float32");
        Console.WriteLine("Best of 5 (1 at 60,000), seconds. rethink: upload (copy and norms) | products (syrk) | transform | mirror; numpy: norms | products (X @ X.T) | transform.");
        Console.WriteLine($"{"n",7} {"precision",9} {"rethink s",10} {"upload",7} {"products",9} {"transform",9} {"mirror",7} | {"numpy s",8} {"norms",7} {"products",9} {"transform",9} | {"ratio",6}  goal");
        foreach (var (n, p, total, upload, build) in rows)
        {
            var py = p == Precision.Fp64 ? fp64 : fp32;
            var reference = py[$"gram_{n}"];
            Console.WriteLine($"{n,7} {p.ToString().ToLowerInvariant(),9} {total,10:F3} {upload,7:F3} {build.ProductsSeconds,9:F3} {build.TransformSeconds,9:F3} {build.MirrorSeconds,7:F3} | " +
                              $"{reference,8:F3} {py[$"norms_{n}"],7:F3} {py[$"products_{n}"],9:F3} {py[$"transform_{n}"],9:F3} | {total / reference,6:F2}  <= 1.0");
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
