using System.Buffers.Binary;
using System.IO.Compression;
using System.Text.Json;
using Rethink.Kernels;
using Xunit;
using Xunit.Abstractions;

namespace Rethink.Console.Tests;

/// <summary>
/// The ScaLAPACK device as users launch it — `mpirun -np P rethink kernels fit … --device scalapack` —
/// against the single-process LAPACK solve of the same problem: α, test scores and the report, on the
/// Cholesky path (MNIST) and on the eigendecomposition path (a dataset with duplicated images, so K is
/// singular), over a 1×2 and a 2×2 process grid with blocks smaller than n/2.
/// </summary>
public sealed class ScalapackTests(ITestOutputHelper output) : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    private (JsonElement Result, double[] Alpha, double[] Scores) Fit(string label, int? processes, params string[] args)
    {
        var dir = _dir.File(label);
        string[] common = ["kernels", "fit", .. args, "--precision", "fp64", "--out", dir, "--save-alpha", "--save-scores"];
        var run = processes is { } p
            ? RethinkProcess.Mpi(p, [.. common, "--device", "scalapack", "--block", "32"], TimeSpan.FromMinutes(6))
            : RethinkProcess.Run([.. common, "--device", "cpu"], TimeSpan.FromMinutes(3));
        output.WriteLine($"{label}: {(processes is null ? "lapack" : $"mpirun -np {processes}")}, {run.Elapsed.TotalSeconds:F1} s");
        Assert.True(run.ExitCode == 0, run.ToString());
        var json = Directory.GetFiles(dir, "*.json").Single();
        var result = JsonDocument.Parse(File.ReadAllText(json)).RootElement.Clone();
        var alpha = NpyFile.ReadColumnMajor(Directory.GetFiles(dir, "*-alpha.npy").Single()).Values;
        var scores = NpyFile.ReadColumnMajor(Directory.GetFiles(dir, "*-scores.npy").Single()).Values;
        Assert.Single(Directory.GetFiles(dir, "*.json")); // only rank 0 writes
        return (result, alpha, scores);
    }

    private static double RelativeDifference(double[] a, double[] b)
    {
        Assert.Equal(a.Length, b.Length);
        double d = 0, n = 0;
        for (var i = 0; i < a.Length; i++) { d += (a[i] - b[i]) * (a[i] - b[i]); n += b[i] * b[i]; }
        return Math.Sqrt(d / n);
    }

    private void Compare((JsonElement Result, double[] Alpha, double[] Scores) distributed, (JsonElement Result, double[] Alpha, double[] Scores) single, int processes, string method)
    {
        var alpha = RelativeDifference(distributed.Alpha, single.Alpha);
        var scores = RelativeDifference(distributed.Scores, single.Scores);
        var s = distributed.Result.GetProperty("solve");
        var r = single.Result.GetProperty("solve");
        output.WriteLine($"  -np {processes}: |alpha - alpha_lapack| / |alpha_lapack| = {alpha:G3}, scores {scores:G3}, method {s.GetProperty("method")}, " +
                         $"test error {distributed.Result.GetProperty("testError").GetDouble():P2} vs {single.Result.GetProperty("testError").GetDouble():P2}");
        Assert.True(alpha <= 1e-10, $"alpha differs by {alpha} (relative)");
        Assert.True(scores <= 1e-10, $"scores differ by {scores} (relative)");
        Assert.Equal("scalapack", s.GetProperty("backend").GetString());
        Assert.Equal(processes, s.GetProperty("processes").GetInt32());
        Assert.Equal(processes, s.GetProperty("processTimings").GetArrayLength());
        Assert.Equal(method, s.GetProperty("method").GetString());
        Assert.Equal(r.GetProperty("method").GetString(), s.GetProperty("method").GetString());
        Assert.Equal(r.GetProperty("rank").ToString(), s.GetProperty("rank").ToString());
        Assert.Equal(single.Result.GetProperty("testError").GetDouble(), distributed.Result.GetProperty("testError").GetDouble());
        foreach (var field in new[] { "kernelNorm", "rkhsNorm", "alphaNorm" })
            Assert.True(Math.Abs(s.GetProperty(field).GetDouble() - r.GetProperty(field).GetDouble()) <= 1e-10 * r.GetProperty(field).GetDouble(), field);
        // Residuals are at rounding level on both; they agree in magnitude, not digit for digit.
        Assert.True(s.GetProperty("relativeResidual").GetDouble() <= 100 * Math.Max(r.GetProperty("relativeResidual").GetDouble(), 1e-15));
    }

    [MpiFact]
    public void Cholesky_solves_across_processes_equal_the_single_process_solve()
    {
        string[] problem = ["--dataset", "mnist", "--gamma", "0.02", "--train", "1500", "--test", "500"];
        var single = Fit("lapack", null, problem);
        foreach (var p in new[] { 2, 4 })
            Compare(Fit($"np{p}", p, problem), single, p, "cholesky");
    }

    [MpiFact]
    public void Rank_deficient_solves_across_processes_take_the_same_eigen_path()
    {
        var dataset = WriteDatasetWithDuplicates(_dir.File("duplicates"), train: 600, test: 100, duplicates: 40, seed: 3);
        string[] problem = ["--dataset", dataset, "--gamma", "0.01"];
        var single = Fit("lapack-eigen", null, problem);
        Assert.Equal(560, single.Result.GetProperty("solve").GetProperty("rank").GetInt32());
        foreach (var p in new[] { 2, 4 })
            Compare(Fit($"np{p}-eigen", p, problem), single, p, "eigen");
    }

    [MpiFact]
    public void A_grid_that_does_not_match_the_processes_is_one_line_and_exit_code_2()
    {
        var run = RethinkProcess.Mpi(2, ["kernels", "fit", "--dataset", "mnist", "--gamma", "0.02", "--train", "100", "--device", "scalapack", "--grid", "2x2", "--out", _dir.Path]);
        Assert.NotEqual(0, run.ExitCode);
        var ours = run.Stderr.Split('\n').Where(l => l.StartsWith("rethink", StringComparison.Ordinal)).ToList();
        Assert.True(ours.Count == 1, run.ToString());
        Assert.Contains("--grid 2x2 needs 4 processes", ours[0]);
        Assert.Empty(Directory.GetFiles(_dir.Path, "*.json", SearchOption.AllDirectories));
    }

    /// <summary>
    /// An MNIST-shaped IDX dataset of random images in which the last <paramref name="duplicates"/>
    /// training images repeat earlier ones (with their labels): K has rank train − duplicates.
    /// </summary>
    internal static string WriteDatasetWithDuplicates(string dir, int train, int test, int duplicates, int seed)
    {
        Directory.CreateDirectory(dir);
        var random = new Random(seed);
        byte[] Images(int count, bool repeat)
        {
            var pixels = new byte[count * 784];
            random.NextBytes(pixels);
            if (repeat)
                for (var k = 0; k < duplicates; k++)
                    Array.Copy(pixels, k * 784, pixels, (count - duplicates + k) * 784, 784);
            return pixels;
        }
        byte[] Labels(int count, bool repeat)
        {
            var labels = Enumerable.Range(0, count).Select(_ => (byte)random.Next(10)).ToArray();
            if (repeat) for (var k = 0; k < duplicates; k++) labels[count - duplicates + k] = labels[k];
            return labels;
        }
        void Write(string name, byte[] body, params int[] dims)
        {
            using var file = File.Create(Path.Combine(dir, name + ".gz"));
            using var gzip = new GZipStream(file, CompressionLevel.Fastest);
            var header = new byte[4 + 4 * dims.Length];
            header[2] = 0x08;
            header[3] = (byte)dims.Length;
            for (var i = 0; i < dims.Length; i++) BinaryPrimitives.WriteInt32BigEndian(header.AsSpan(4 + 4 * i), dims[i]);
            gzip.Write(header);
            gzip.Write(body);
        }
        Write("train-images-idx3-ubyte", Images(train, true), train, 28, 28);
        Write("train-labels-idx1-ubyte", Labels(train, true), train);
        Write("t10k-images-idx3-ubyte", Images(test, false), test, 28, 28);
        Write("t10k-labels-idx1-ubyte", Labels(test, false), test);
        return dir;
    }
}
