using System.Diagnostics;
using System.Text;
using System.Text.Json;
using Xunit;
using Xunit.Abstractions;

namespace Rethink.Console.Tests;

/// <summary>
/// SIGKILL at the worst moment, as the OOM killer or a pre-empted cluster job does it: a training run
/// killed in the middle of an epoch resumes to the same metrics and weights bit for bit (BatchNorm
/// running statistics, random crops and weight decay included), and a kernel fit killed mid-solve
/// leaves no partial result behind and does not confuse the next run. The kill happens where the
/// process reports it has paused (RETHINK_PAUSE_AT), never after a guessed number of seconds, so a busy
/// machine changes how long the tests take, not what they test.
/// </summary>
public sealed class FaultTests(ITestOutputHelper output) : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    // Inception (BatchNorm) on 384 CIFAR-10 images: 3 steps per epoch, 3 epochs; random crops and weight decay on.
    private static readonly string[] Training =
        ["deep", "run", "--model", "inception", "--dataset", "cifar10", "--randomization", "random-labels", "--train", "384", "--test", "64",
         "--steps", "9", "--augment", "--weight-decay", "0.0005", "--no-stop", "--seed", "7"];

    [Fact]
    public void A_training_run_killed_mid_epoch_resumes_to_the_same_metrics_and_weights_bit_for_bit() =>
        // Epochs are steps 1–3, 4–6, 7–9: the run pauses after step 5, in the middle of epoch 2, and is killed there.
        KilledMidEpochResumesBitForBit(Training, killAfter: 5, lastCheckpoint: 3, "epoch 2 of 3");

    /// <summary>
    /// The same on ImageNet (a folder the test writes: 10 classes × 30 JPEGs of mixed sizes, val/ flat with
    /// LOC_val_solution.csv): Inception V3 on 75×75 random-resized crops with flips, random labels over its
    /// classes, weight decay and dropout; killed mid-epoch, resumed, identical to the uninterrupted run, with
    /// top-1 and top-5 accuracy reported.
    /// </summary>
    [Fact]
    public void An_imagenet_run_of_inception_v3_killed_mid_epoch_resumes_bit_for_bit_and_reports_top5()
    {
        var root = _dir.File("imagenet");
        Rethink.ImageNet.SyntheticImageNet.Write(root, 10, 30, 3, Rethink.ImageNet.ValidationLayout.SolutionCsv);
        string[] training = ["deep", "run", "--model", "inception-v3", "--dataset", "imagenet", "--data", root, "--image-size", "75",
            "--randomization", "random-labels", "--train", "160", "--test", "10", "--steps", "4", "--augment", "--weight-decay", "0.0005",
            "--dropout", "0.5", "--no-stop", "--seed", "7"];
        // Epochs of 160 images at batch 128 (128 + 32) are steps 1–2 and 3–4: killed after step 3, in the middle of epoch 2.
        var whole = KilledMidEpochResumesBitForBit(training, killAfter: 3, lastCheckpoint: 2, "epoch 2 of 2");
        var final = Result(whole).GetProperty("records").EnumerateArray().Last();
        Assert.True(final.GetProperty("trainTop5").GetDouble() >= final.GetProperty("trainAccuracy").GetDouble());
        Assert.True(final.GetProperty("testTop5").GetDouble() >= final.GetProperty("testAccuracy").GetDouble());
        Assert.Equal(23_834_568 - 1000 * 2048 - 1000 + 10 * 2048 + 10, Result(whole).GetProperty("parameters").GetInt64()); // Inception V3 with a 10-way classifier
    }

    /// <summary>Runs <paramref name="training"/> whole, then killed after step <paramref name="killAfter"/> and resumed; returns the whole run's folder.</summary>
    private string KilledMidEpochResumesBitForBit(string[] training, int killAfter, long lastCheckpoint, string where)
    {
        var whole = Path.Combine(_dir.Path, "whole");
        var reference = RethinkProcess.Run([.. training, "--out", whole], TimeSpan.FromMinutes(10));
        Assert.True(reference.ExitCode == 0, reference.ToString());
        output.WriteLine(reference.Stdout);

        var killed = Path.Combine(_dir.Path, "killed");
        var checkpoint = Path.Combine(killed, "checkpoint.bin");
        using (var run = RethinkProcess.Launch([.. training, "--out", killed], RunningProcess.PauseAt($"step:{killAfter}")))
        {
            run.WaitForPause($"step:{killAfter}", TimeSpan.FromMinutes(10));
            run.Kill();
            output.WriteLine($"killed after training step {killAfter} ({where}), where the run reported its pause");
        }
        Assert.False(File.Exists(Path.Combine(killed, "result.json")));
        Assert.Equal(lastCheckpoint, CheckpointStep(checkpoint)); // the last checkpoint is the previous epoch's: killed mid-epoch
        Assert.Empty(Directory.GetFiles(killed, ".*.tmp"));

        var resumed = RethinkProcess.Run([.. training, "--out", killed, "--resume"], TimeSpan.FromMinutes(10));
        Assert.True(resumed.ExitCode == 0, resumed.ToString());

        var (a, b) = (Result(whole), Result(killed));
        Assert.Equal(0, a.GetProperty("resumed").GetInt32());
        Assert.Equal(1, b.GetProperty("resumed").GetInt32());
        Assert.Equal(WithoutTimes(a), WithoutTimes(b));
        Assert.Equal(File.ReadAllLines(Path.Combine(whole, "metrics.jsonl")).Select(WithoutTimes), File.ReadAllLines(Path.Combine(killed, "metrics.jsonl")).Select(WithoutTimes));

        // Weights, BatchNorm running statistics and momentum buffers: the checkpoints' tensor bytes are identical.
        var (wa, wb) = (Tensors(Path.Combine(whole, "checkpoint.bin")), Tensors(Path.Combine(killed, "checkpoint.bin")));
        Assert.True(wa.Model.Length > 100_000, $"model section of {wa.Model.Length} bytes");
        Assert.True(wa.Model.AsSpan().SequenceEqual(wb.Model), "model parameters or buffers differ");
        Assert.True(wa.Momentum.AsSpan().SequenceEqual(wb.Momentum), "momentum buffers differ");
        Assert.Contains("running_mean", Encoding.ASCII.GetString(wa.Model));
        return whole;
    }

    /// <summary>The training step a checkpoint was written at (its trainer state).</summary>
    private static long CheckpointStep(string path)
    {
        using var reader = new BinaryReader(File.OpenRead(path), Encoding.UTF8);
        _ = reader.ReadString();
        return JsonDocument.Parse(reader.ReadString()).RootElement.GetProperty("step").GetInt64();
    }

    private static JsonElement Result(string directory) => JsonDocument.Parse(File.ReadAllText(Path.Combine(directory, "result.json"))).RootElement;

    /// <summary>The JSON with every wall-time field and the resume count removed.</summary>
    private static string WithoutTimes(JsonElement element)
    {
        var node = System.Text.Json.Nodes.JsonNode.Parse(element.GetRawText())!;
        Strip(node);
        return node.ToJsonString();

        static void Strip(System.Text.Json.Nodes.JsonNode? n)
        {
            switch (n)
            {
                case System.Text.Json.Nodes.JsonObject o:
                    // Wall times, the resume count, and the checksum over them.
                    foreach (var key in o.Select(p => p.Key).Where(k => k is "seconds" or "secondsToFit" or "resumed" or "sha256").ToList()) o.Remove(key);
                    foreach (var (_, value) in o) Strip(value);
                    break;
                case System.Text.Json.Nodes.JsonArray a:
                    foreach (var value in a) Strip(value);
                    break;
            }
        }
    }

    private static string WithoutTimes(string jsonLine) => WithoutTimes(JsonDocument.Parse(jsonLine).RootElement);

    /// <summary>A checkpoint's tensor sections (the trainer state, with its wall times, and the final 16-byte checksum over it are skipped).</summary>
    private static (byte[] Model, byte[] Momentum) Tensors(string path)
    {
        using var reader = new BinaryReader(File.OpenRead(path), Encoding.UTF8);
        Assert.Equal("RETHINK-CKPT-2", reader.ReadString());
        _ = reader.ReadString();
        var model = reader.ReadBytes(checked((int)reader.ReadInt64()));
        var momentum = reader.ReadBytes(checked((int)(reader.BaseStream.Length - 16 - reader.BaseStream.Position)));
        return (model, momentum);
    }

    private static readonly string[] Fit = ["kernels", "fit", "--dataset", "mnist", "--gamma", "0.02", "--train", "9000", "--test", "1000"];

    [Fact]
    public void A_kernel_fit_killed_mid_solve_leaves_nothing_and_the_next_run_completes()
    {
        var dir = Path.Combine(_dir.Path, "fit");
        using (var run = RethinkProcess.Launch([.. Fit, "--out", dir], RunningProcess.PauseAt("phase:potrf")))
        {
            // Killed once the solve has started: the Gram is built and the factorization begins.
            run.WaitForPause("phase:potrf", TimeSpan.FromMinutes(10));
            run.Kill();
        }
        Assert.True(!Directory.Exists(dir) || Directory.GetFiles(dir, "*", SearchOption.AllDirectories).Length == 0,
            "files left by the killed fit: " + (Directory.Exists(dir) ? string.Join(", ", Directory.GetFiles(dir, "*", SearchOption.AllDirectories)) : ""));
        var again = RethinkProcess.Run([.. Fit, "--out", dir], TimeSpan.FromMinutes(5));
        Assert.True(again.ExitCode == 0, again.ToString());
        var result = JsonDocument.Parse(File.ReadAllText(Directory.GetFiles(dir, "*.json").Single())).RootElement;
        Assert.Equal(9000, result.GetProperty("config").GetProperty("train").GetInt32());
    }

    /// <summary>A streamed random-feature fit of 5 blocks (CIFAR-10, 120 + 30 images, 10 filters, 2 a block) into its own Gram cache.</summary>
    private string[] StreamedFit(string output, params string[] extra) =>
        ["kernels", "fit", "--dataset", "cifar10", "--train", "120", "--test", "30", "--bandwidth-rule", "median", "--features", "random-conv",
         "--feature-options", "filters=10,block=2,stream=1", "--precision", "fp64", "--save-alpha", "--out", output, .. extra];

    private static Dictionary<string, string?> Cache(string directory) => new() { ["XDG_CACHE_HOME"] = directory };

    /// <summary>
    /// A streamed fit killed (SIGKILL) when block 4 of 5 is announced: checkpointed after every block, its cache holds
    /// blocks 1-3 and the next run computes only blocks 4 and 5; on the default 10-minute schedule nothing was written
    /// yet (a kill loses at most the interval, here the whole short stream) and the next run computes all 5. Both give
    /// the uninterrupted run's α bit for bit.
    /// </summary>
    [Fact]
    public void A_streamed_fit_killed_mid_stream_resumes_from_its_last_scheduled_checkpoint()
    {
        var whole = Path.Combine(_dir.Path, "streamed-whole");
        var uninterrupted = RethinkProcess.Run(StreamedFit(whole), TimeSpan.FromMinutes(5), Cache(Path.Combine(_dir.Path, "cache-whole")));
        Assert.True(uninterrupted.ExitCode == 0, uninterrupted.ToString());
        var alpha = File.ReadAllBytes(Directory.GetFiles(whole, "*-alpha.npy").Single());
        const string blockFour = "phase:random features: block 4/*";
        foreach (var (name, extra, checkpointed, computed) in new[] { ("every-block", new[] { "--checkpoint-every", "0" }, 3, 2), ("scheduled", Array.Empty<string>(), 0, 5) })
        {
            var (output, cache) = (Path.Combine(_dir.Path, $"streamed-{name}"), Path.Combine(_dir.Path, $"cache-{name}"));
            using (var run = RethinkProcess.Launch(StreamedFit(output, extra), new Dictionary<string, string?>(Cache(cache)) { ["RETHINK_PAUSE_AT"] = blockFour }))
            {
                run.WaitForPause(blockFour, TimeSpan.FromMinutes(5));
                run.Kill();
            }
            var states = Directory.Exists(cache) ? Directory.GetFiles(cache, "state.json", SearchOption.AllDirectories) : [];
            if (checkpointed == 0) Assert.Empty(states);
            else Assert.Equal(checkpointed, JsonDocument.Parse(File.ReadAllText(states.Single())).RootElement.GetProperty("blocksDone").GetInt32());
            var resumed = RethinkProcess.Run(StreamedFit(output, extra), TimeSpan.FromMinutes(5), Cache(cache));
            Assert.True(resumed.ExitCode == 0, resumed.ToString());
            Assert.Contains($"{computed} block(s) here", resumed.Stdout);
            Assert.Equal(alpha, File.ReadAllBytes(Directory.GetFiles(output, "*-alpha.npy").Single()));
        }
    }

    [System.Runtime.InteropServices.DllImport("libc.so.6", SetLastError = true)]
    private static extern int kill(int pid, int signal);

    /// <summary>
    /// Ctrl-C (SIGINT) during a streamed fit, sent once the process has announced block 4 of 20: it stops at the next
    /// block boundary with one line and exit code 2, every finished block checkpointed (whatever the schedule: here the
    /// 10-minute default, which would have written nothing yet), and the same command continues to the uninterrupted α.
    /// </summary>
    [Fact]
    public void Ctrl_c_stops_a_streamed_fit_between_blocks_with_the_finished_ones_kept()
    {
        string[] Fit(string output) =>
            ["kernels", "fit", "--dataset", "cifar10", "--train", "120", "--test", "30", "--bandwidth-rule", "median", "--features", "random-conv",
             "--feature-options", "filters=40,block=2,stream=1", "--precision", "fp64", "--save-alpha", "--out", output];
        var whole = Path.Combine(_dir.Path, "interrupted-whole");
        var uninterrupted = RethinkProcess.Run(Fit(whole), TimeSpan.FromMinutes(5), Cache(Path.Combine(_dir.Path, "cache-interrupted-whole")));
        Assert.True(uninterrupted.ExitCode == 0, uninterrupted.ToString());
        var (output, cache) = (Path.Combine(_dir.Path, "interrupted"), Path.Combine(_dir.Path, "cache-interrupted"));
        using (var run = RethinkProcess.Launch(Fit(output), Cache(cache)))
        {
            run.WaitUntil(() => run.Stdout.Contains("random features: block 4/20", StringComparison.Ordinal), TimeSpan.FromMinutes(5), "block 4's announcement");
            Assert.Equal(0, kill(run.Process.Id, 2));
            var stopped = run.Wait(TimeSpan.FromMinutes(2));
            Assert.True(stopped.ExitCode == 2, stopped.ToString());
            Assert.Contains("rethink: stopped (Ctrl-C)", stopped.Stderr);
        }
        var done = JsonDocument.Parse(File.ReadAllText(Directory.GetFiles(cache, "state.json", SearchOption.AllDirectories).Single())).RootElement.GetProperty("blocksDone").GetInt32();
        Assert.InRange(done, 3, 19);
        var resumed = RethinkProcess.Run(Fit(output), TimeSpan.FromMinutes(5), Cache(cache));
        Assert.True(resumed.ExitCode == 0, resumed.ToString());
        Assert.Contains($"{20 - done} block(s) here", resumed.Stdout);
        Assert.Equal(File.ReadAllBytes(Directory.GetFiles(whole, "*-alpha.npy").Single()), File.ReadAllBytes(Directory.GetFiles(output, "*-alpha.npy").Single()));
    }
}
