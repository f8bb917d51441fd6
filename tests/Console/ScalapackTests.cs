using System.Buffers.Binary;
using System.IO.Compression;
using System.Text.Json;
using MathNet.Numerics.LinearAlgebra;
using Rethink.Kernels;
using Rethink.Testing;
using Xunit;
using Xunit.Abstractions;
using Rethink.Experiments;

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

    /// <summary>
    /// The problem as the console prepares it (pixels ÷ 255, the first <paramref name="train"/> and <paramref name="test"/>
    /// images), its reference K and cross kernel in double (tests/Shared), and how far a device's can be from them.
    /// </summary>
    private sealed record Problem(Rethink.Core.FeatureMatrix Train, Rethink.Core.FeatureMatrix Test, int[] Labels, GaussianKernel Kernel,
        Matrix<double> K, Matrix<double> Cross, double GramDifference, Matrix<double> CrossBounds, Matrix<double> Y);

    private static Problem Prepare(string dataset, double gamma, int? train = null, int? test = null)
    {
        var data = Rethink.Data.DatasetLoader.Load(dataset, new Rethink.Data.DataOptions(dataset.Contains('/') ? null : RethinkProcess.DataDirectory, AllowDownload: false));
        var pipeline = new Rethink.Data.PipelineConfig(Rethink.Data.PipelineConfig.Scaled, Rethink.Data.Randomization.Parse("true-labels", seed: 0),
            train is { } tr && tr < data.Train.Count ? new Rethink.Data.Subset(tr, Rethink.Data.SubsetKind.First, 0) : null,
            test is { } te && te < data.Test.Count ? new Rethink.Data.Subset(te, Rethink.Data.SubsetKind.First, 0) : null);
        var prepared = Rethink.Data.DataPipeline.Prepare(data, pipeline);
        var (x, t) = (prepared.Train.ToFeatureMatrix(), prepared.Test.ToFeatureMatrix());
        var kernel = new GaussianKernel(gamma);
        var y = Matrix<double>.Build.Dense(x.Rows, prepared.Classes, Targets.OneHot(prepared.TrainLabels, prepared.Classes).Values);
        return new Problem(x, t, prepared.TrainLabels, kernel, KernelReference.Gram(kernel, x), KernelReference.Gram(kernel, t, x),
            KernelReference.EntryBounds(kernel, x, x, single: false).FrobeniusNorm(), KernelReference.EntryBounds(kernel, t, x, single: false), y);
    }

    private void Compare((JsonElement Result, double[] Alpha, double[] Scores) distributed, (JsonElement Result, double[] Alpha, double[] Scores) single, int processes, string method, Problem problem)
    {
        var s = distributed.Result.GetProperty("solve");
        var r = single.Result.GetProperty("solve");
        var (n, m, classes) = (problem.K.RowCount, problem.Cross.RowCount, problem.Y.ColumnCount);
        var (alphaS, alphaL) = (Matrix<double>.Build.Dense(n, classes, distributed.Alpha), Matrix<double>.Build.Dense(n, classes, single.Alpha));
        var (scoresS, scoresL) = (Matrix<double>.Build.Dense(m, classes, distributed.Scores), Matrix<double>.Build.Dense(m, classes, single.Scores));
        output.WriteLine($"  -np {processes}: |alpha - alpha_lapack| / |alpha_lapack| = {(alphaS - alphaL).FrobeniusNorm() / alphaL.FrobeniusNorm():G3}, scores {(scoresS - scoresL).FrobeniusNorm() / scoresL.FrobeniusNorm():G3}, method {s.GetProperty("method")}, " +
                         $"test error {distributed.Result.GetProperty("testError").GetDouble():P2} vs {single.Result.GetProperty("testError").GetDouble():P2}");
        Assert.Equal("scalapack", s.GetProperty("backend").GetString());
        Assert.Equal(processes, s.GetProperty("processes").GetInt32());
        Assert.Equal(processes, s.GetProperty("processTimings").GetArrayLength());
        Assert.Equal(method, s.GetProperty("method").GetString());
        Assert.Equal(r.GetProperty("method").GetString(), s.GetProperty("method").GetString());
        Assert.Equal(r.GetProperty("rank").ToString(), s.GetProperty("rank").ToString());

        // How far apart the two α may be. Cholesky: both backward stable for the reference K, so |α_s − α_l| ≤
        // |r_s − r_l|/λ_min(K). Eigen (rank r): each within Wedin's bound of K⁺Y — μ|E|/(λ_r(λ_r − |E|)) + the
        // application's rounding, times |Y| — with E the Gram's rounding and the eigensolver's backward error, doubled by the truncation.
        double alphaBound;
        ReferenceSystem? system = null;
        if (method == "cholesky")
        {
            system = new ReferenceSystem(problem.K, problem.Y, certify: true);
            system.AssertBackwardStable(alphaS, problem.GramDifference, ErrorBound.U64, $"scalapack -np {processes}");
            system.AssertBackwardStable(alphaL, problem.GramDifference, ErrorBound.U64, "lapack");
            alphaBound = system.SolutionDifferenceBound(alphaS, alphaL);
        }
        else
        {
            var rank = r.GetProperty("rank").GetInt32();
            var eigenvalues = problem.K.Evd(MathNet.Numerics.LinearAlgebra.Symmetricity.Symmetric).EigenValues.Select(v => v.Real).OrderByDescending(v => v).ToArray();
            var lambdaR = eigenvalues[rank - 1];
            var e = 2 * (problem.GramDifference + ErrorBound.SymmetricEigenvalue(n, problem.K.FrobeniusNorm(), ErrorBound.U64));
            var mu = (1 + Math.Sqrt(5)) / 2;
            var wedin = e < lambdaR / 2 ? mu * e / (lambdaR * (lambdaR - e)) : double.PositiveInfinity;
            alphaBound = 2 * (wedin + 2 * ErrorBound.Gamma(3 * n, ErrorBound.U64) * Math.Sqrt(n) / lambdaR) * problem.Y.FrobeniusNorm();
        }
        Within.Bound((alphaS - alphaL).FrobeniusNorm(), alphaBound, $"-np {processes}: |alpha - alpha_lapack|", $"{method}: see the comment above");

        // Scores C_p α_p: |ΔC_i|(|α_s| + |α_l|) + |C_i||α_s − α_l| + 2γ_n|C_i||α| per test point; classes where the margin allows.
        var ambiguous = 0;
        var alphaNorm = Math.Max(alphaS.FrobeniusNorm(), alphaL.FrobeniusNorm());
        for (var i = 0; i < m; i++)
        {
            var row = problem.Cross.Row(i).L2Norm();
            var bound = row * alphaBound + problem.CrossBounds.Row(i).L2Norm() * 2 * alphaNorm + 2 * ErrorBound.Gamma(n, ErrorBound.U64) * row * alphaNorm;
            for (var c = 0; c < classes; c++)
                Within.Bound(scoresS[i, c] - scoresL[i, c], bound, $"-np {processes}: score ({i}, {c})", "|C_i||alpha_s - alpha_l| + 2|dC_i||alpha| + 2 gamma_n |C_i||alpha|");
            var (best, margin) = ReferenceSystem.Winner(scoresL.Row(i));
            if (margin <= 2 * bound) ambiguous++;
            else Assert.Equal(best, ReferenceSystem.Winner(scoresS.Row(i)).Best);
        }
        Within.Bound((distributed.Result.GetProperty("testError").GetDouble() - single.Result.GetProperty("testError").GetDouble()) * m, ambiguous,
            "test errors (differing predictions)", "at most the test points whose margin lies within the score bound");

        // The reported norms: |K|_F each within |dK|_F + γ_{n²}|K|_F of the reference's; |α| by |α_s − α_l| and the
        // norms' rounding; the RKHS norm √(αᵀKα) by (2|dK|_F + 2γ_{n+2}·n)|α|² + 2λ_max|α||α_s − α_l| over itself.
        var kernelSlack = 2 * (problem.GramDifference + ErrorBound.Gamma((double)n * n, ErrorBound.U64) * problem.K.FrobeniusNorm());
        Within.Bound(s.GetProperty("kernelNorm").GetDouble() - r.GetProperty("kernelNorm").GetDouble(), kernelSlack, "kernelNorm", "2(|dK|_F + gamma_{n^2}|K|_F)");
        Within.Bound(s.GetProperty("alphaNorm").GetDouble() - r.GetProperty("alphaNorm").GetDouble(), alphaBound + 2 * ErrorBound.Gamma(n * classes, ErrorBound.U64) * alphaNorm,
            "alphaNorm", "|alpha_s - alpha_l| bound + 2 gamma_{nc}|alpha|");
        var largest = problem.K.FrobeniusNorm();
        var rkhs = r.GetProperty("rkhsNorm").GetDouble();
        Within.Bound(s.GetProperty("rkhsNorm").GetDouble() - rkhs,
            ((2 * problem.GramDifference + 2 * ErrorBound.Gamma(n + 2, ErrorBound.U64) * n) * alphaNorm * alphaNorm + 2 * largest * alphaNorm * alphaBound) / Math.Max(rkhs, 1e-300),
            "rkhsNorm", "((2|dK|_F + 2 gamma_{n+2} n)|alpha|^2 + 2 |K| |alpha| |alpha_s - alpha_l|) / rkhs");
        // Residuals: the reported relative residuals differ by |K||α_s − α_l| + |dK|(|α_s| + |α_l|) and both evaluations, over |Y|.
        var yNorm = problem.Y.FrobeniusNorm();
        Within.Bound(s.GetProperty("relativeResidual").GetDouble() - r.GetProperty("relativeResidual").GetDouble(),
            (largest * alphaBound + 2 * problem.GramDifference * alphaNorm + 2 * ErrorBound.ResidualEvaluation(n, largest, alphaNorm, yNorm)) / yNorm,
            "relativeResidual", "(|K||alpha_s - alpha_l| + 2|dK||alpha| + both evaluations) / |Y|");
    }

    [MpiFact]
    public void Cholesky_solves_across_processes_equal_the_single_process_solve()
    {
        MpiFactAttribute.Require();
        string[] problem = ["--dataset", "mnist", "--gamma", "0.02", "--train", "1500", "--test", "500"];
        var single = Fit("lapack", null, problem);
        var reference = Prepare("mnist", 0.02, 1500, 500);
        foreach (var p in new[] { 2, 4 })
            Compare(Fit($"np{p}", p, problem), single, p, "cholesky", reference);
    }

    [MpiFact]
    public void Rank_deficient_solves_across_processes_take_the_same_eigen_path()
    {
        MpiFactAttribute.Require();
        var dataset = WriteDatasetWithDuplicates(_dir.File("duplicates"), train: 600, test: 100, duplicates: 40, seed: 3);
        string[] problem = ["--dataset", dataset, "--gamma", "0.01"];
        var single = Fit("lapack-eigen", null, problem);
        Assert.Equal(560, single.Result.GetProperty("solve").GetProperty("rank").GetInt32());
        var reference = Prepare(dataset, 0.01);
        foreach (var p in new[] { 2, 4 })
            Compare(Fit($"np{p}-eigen", p, problem), single, p, "eigen", reference);
    }

    [MpiFact]
    public void A_grid_that_does_not_match_the_processes_is_one_line_and_exit_code_2()
    {
        MpiFactAttribute.Require();
        var run = RethinkProcess.Mpi(2, ["kernels", "fit", "--dataset", "mnist", "--gamma", "0.02", "--train", "100", "--device", "scalapack", "--grid", "2x2", "--out", _dir.Path]);
        Assert.NotEqual(0, run.ExitCode);
        var ours = run.Stderr.Split('\n').Where(l => l.StartsWith("rethink", StringComparison.Ordinal)).ToList();
        Assert.True(ours.Count == 1, run.ToString());
        Assert.Contains("--grid 2x2: the grid needs 4 processes", ours[0]);
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
