using System.Text.Json;
using System.Text.RegularExpressions;
using Xunit;
using Xunit.Abstractions;

namespace Rethink.Console.Tests;

/// <summary>
/// `mpirun -np 2 rethink deep run …`: one model trained across two processes, each on its half of every
/// global batch of 128, gradients summed by MPI_Allreduce, against one process with the whole batch.
/// Tolerance of the per-step losses, relative 1e-3: a step's loss and gradient are float32 sums of 128
/// terms taken in another order (one sum of 128 against two of 64 combined), each within γ_128 = 128·ε/(1 − 128·ε)
/// ≈ 1.5e-5 of the exact sum (ε = 2^-24, the standard bound on recursive summation); the weights inherit that
/// difference every step, and over 50 steps it accumulates at most linearly while SGD at lr 0.01 is
/// contractive on this loss: 50 × 1.5e-5 ≈ 7.7e-4 &lt; 1e-3. (Measured here: 2e-7.)
/// A model without BatchNorm or dropout (MLP 1x512), as the comparison needs: with them each process
/// draws its own batch statistics and masks, as PyTorch's DDP does.
/// </summary>
public sealed partial class DataParallelTests(ITestOutputHelper output) : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    private const double Tolerance = 1e-3;

    private static double[] Losses(string run) =>
        JsonDocument.Parse(File.ReadAllText(Path.Combine(run, "result.json"))).RootElement.GetProperty("losses")
            .EnumerateArray().Select(l => l.GetProperty("loss").GetDouble()).ToArray();

    private void AssertSameLossPerStep(string[] training, int steps)
    {
        var one = _dir.File("one");
        var two = _dir.File("two");
        var single = RethinkProcess.Run([.. training, "--out", one], TimeSpan.FromMinutes(10));
        Assert.True(single.ExitCode == 0, single.ToString());
        var parallel = RethinkProcess.Mpi(2, [.. training, "--out", two], TimeSpan.FromMinutes(10));
        output.WriteLine(parallel.ToString());
        Assert.True(parallel.ExitCode == 0, parallel.ToString());
        Assert.Contains("data parallel: 2 processes (Open MPI)", parallel.Stdout);
        var (a, b) = (Losses(one), Losses(two));
        Assert.Equal(steps, a.Length);
        Assert.Equal(steps, b.Length);
        var worst = a.Zip(b).Max(p => Math.Abs(p.First - p.Second) / Math.Abs(p.First));
        output.WriteLine($"largest relative difference of the per-step loss over {steps} steps: {worst:E2}");
        Assert.True(worst <= Tolerance, $"per-step losses differ by {worst:E2} relative (tolerance {Tolerance:E0}: 50 steps × γ_128, see the class)");
        // Only rank 0 wrote the folder, and nothing half-written is left.
        Assert.Empty(Directory.GetFiles(two, ".*.tmp"));
    }

    [MpiFact]
    public void Two_processes_give_the_loss_per_step_of_one_process_on_cifar10()
    {
        MpiFactAttribute.Require();
        AssertSameLossPerStep(["deep", "run", "--model", "mlp1x512", "--dataset", "cifar10", "--train", "1024", "--test", "256", "--steps", "50", "--no-stop", "--seed", "5"], 50);
    }

    [MpiFact]
    public void Two_processes_give_the_loss_per_step_of_one_process_on_a_generated_imagenet_folder()
    {
        MpiFactAttribute.Require();
        var root = _dir.File("imagenet");
        Rethink.ImageNet.SyntheticImageNet.Write(root, 10, 30, 3, Rethink.ImageNet.ValidationLayout.Sorted);
        AssertSameLossPerStep(["deep", "run", "--model", "mlp1x512", "--dataset", "imagenet", "--data", root, "--image-size", "32",
            "--augment", "--randomization", "random-labels", "--steps", "50", "--no-stop", "--seed", "5"], 50);
    }

    [GeneratedRegex(@"paused at step:10 \(RETHINK_PAUSE_AT, pid (\d+)\)")]
    private static partial Regex PausedPid();

    /// <summary>
    /// One rank killed (SIGKILL) in the middle of epoch 2: the job ends with a non-zero exit, the folder holds
    /// no result and no half-written file, only epoch 1's checkpoint; both ranks resume from it and finish with
    /// the losses and accuracies of an uninterrupted two-process run, bit for bit.
    /// </summary>
    [MpiFact]
    public void A_killed_rank_ends_the_job_with_nothing_half_written_and_both_ranks_resume_from_the_checkpoint()
    {
        MpiFactAttribute.Require();
        string[] training = ["deep", "run", "--model", "mlp1x512", "--dataset", "cifar10", "--train", "1024", "--test", "256", "--steps", "24", "--no-stop", "--seed", "5"];
        var whole = _dir.File("whole");
        var reference = RethinkProcess.Mpi(2, [.. training, "--out", whole], TimeSpan.FromMinutes(10));
        Assert.True(reference.ExitCode == 0, reference.ToString());

        var killed = _dir.File("killed");
        List<string> mpirun = Environment.UserName == "root" ? ["--allow-run-as-root"] : [];
        mpirun.AddRange(["--oversubscribe", "-np", "2", RethinkProcess.Executable, .. training, "--out", killed]);
        var environment = RunningProcess.PauseAt("step:10");
        environment["RETHINK_PAUSE_RANK"] = "1";
        using (var job = RethinkProcess.Launch(mpirun, environment, program: "mpirun"))
        {
            // 1,024 images at batch 128: epochs are steps 1–8, 9–16, 17–24; rank 1 pauses after step 10 and is killed there.
            job.WaitForPause("step:10", TimeSpan.FromMinutes(10));
            var pid = int.Parse(PausedPid().Match(job.Stderr).Groups[1].Value);
            System.Diagnostics.Process.GetProcessById(pid).Kill();
            output.WriteLine($"killed rank 1 (pid {pid}) after step 10");
            var ended = job.Wait(TimeSpan.FromMinutes(2));
            output.WriteLine(ended.ToString());
            Assert.NotEqual(0, ended.ExitCode);
        }
        Assert.False(File.Exists(Path.Combine(killed, "result.json")));
        Assert.Empty(Directory.GetFiles(killed, ".*.tmp"));
        Assert.True(File.Exists(Path.Combine(killed, "checkpoint.bin")), "epoch 1's checkpoint");

        var resumed = RethinkProcess.Mpi(2, [.. training, "--out", killed, "--resume"], TimeSpan.FromMinutes(10));
        Assert.True(resumed.ExitCode == 0, resumed.ToString());
        Assert.Equal(Losses(whole), Losses(killed));
        Assert.Equal(
            File.ReadAllLines(Path.Combine(whole, "metrics.jsonl")).Select(WithoutSeconds),
            File.ReadAllLines(Path.Combine(killed, "metrics.jsonl")).Select(WithoutSeconds));
    }

    private static string WithoutSeconds(string line)
    {
        var node = System.Text.Json.Nodes.JsonNode.Parse(line)!.AsObject();
        node.Remove("seconds");
        return node.ToJsonString();
    }
}
