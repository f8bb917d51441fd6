using Rethink.Data;
using Rethink.Deep;
using Xunit;

namespace Rethink.Deep.Tests;

public class ResumeTests
{
    /// <summary>A small synthetic 10-class problem of 28×28×1 images: the class sets a bright square's position.</summary>
    private static LabeledDataset Synthetic(int train, int test)
    {
        ImageSet Make(int count, int seed)
        {
            var random = new Random(seed);
            var pixels = new byte[count * 784];
            var labels = new byte[count];
            for (var i = 0; i < count; i++)
            {
                labels[i] = (byte)random.Next(10);
                for (var k = 0; k < 784; k++) pixels[i * 784 + k] = (byte)random.Next(40);
                var (r0, c0) = (labels[i] / 5 * 12 + 2, labels[i] % 5 * 5 + 1);
                for (var r = 0; r < 4; r++)
                    for (var c = 0; c < 4; c++) pixels[i * 784 + (r0 + r) * 28 + c0 + c] = 250;
            }
            return new ImageSet(pixels, labels, 1, 28, 28, Enumerable.Range(0, 10).Select(c => c.ToString()).ToArray());
        }
        return new LabeledDataset("synthetic", Make(train, 1), Make(test, 2), "memory");
    }

    [TorchFact]
    public void Killed_and_resumed_run_ends_with_the_same_metrics_and_weights()
    {
        TorchFactAttribute.Require();
        var config = new TrainingConfig(ModelKind.Mlp1x512, "synthetic", Randomization.Parse("corrupted-0.5", seed: 3), Seed: 3,
            MaxSteps: 40, BatchSize: 32, Dropout: 0.2, DecayEvery: 5, StopWhenFitted: false, EvaluateEvery: 8);
        var dataset = Synthetic(256, 64);
        var root = Directory.CreateTempSubdirectory("rethink-resume").FullName;
        try
        {
            var whole = Trainer.Run(config, TrainingData.From(dataset, config), new TrainingSession(Directory: Path.Combine(root, "whole")));

            var dir = Path.Combine(root, "killed");
            StopAfterStep(config, dataset, dir, 16); // the end of epoch 2
            Assert.Equal(16, Checkpoint.Read(Path.Combine(dir, Trainer.CheckpointFile)).State.Step);
            var resumed = Trainer.Run(config, TrainingData.From(dataset, config), new TrainingSession(Directory: dir, Resume: true));

            Assert.Equal(1, resumed.Resumed);
            Assert.Equal(whole.Records.Count, resumed.Records.Count);
            for (var i = 0; i < whole.Records.Count; i++)
                Assert.Equal(whole.Records[i] with { Seconds = 0 }, resumed.Records[i] with { Seconds = 0 });
            Assert.Equal(whole.Losses.Select(l => l.Loss), resumed.Losses.Select(l => l.Loss));
            Assert.Equal(File.ReadAllLines(Path.Combine(root, "whole", Trainer.MetricsFile)).Length, File.ReadAllLines(Path.Combine(dir, Trainer.MetricsFile)).Length);

            // The final weights and momentum buffers are bitwise the same.
            var (a, b) = (LoadParameters(Path.Combine(root, "whole", Trainer.CheckpointFile), config), LoadParameters(Path.Combine(dir, Trainer.CheckpointFile), config));
            Assert.Equal(a.Count, b.Count);
            for (var i = 0; i < a.Count; i++) Assert.Equal(a[i], b[i]);
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    /// <summary>
    /// Trains in <paramref name="dir"/> and cancels once step <paramref name="step"/> is reported, as a kill would: the
    /// run stops before its next step, with the checkpoint of the epoch that step ended on disk.
    /// </summary>
    private static void StopAfterStep(TrainingConfig config, LabeledDataset dataset, string dir, int step)
    {
        using var cancel = new CancellationTokenSource();
        Assert.Throws<OperationCanceledException>(() => Trainer.Run(config, TrainingData.From(dataset, config), new TrainingSession(Directory: dir),
            new Core.SynchronousProgress<TrainingProgress>(p => { if (p.Step == step) cancel.Cancel(); }), cancel.Token));
    }

    private static List<float[]> LoadParameters(string checkpoint, TrainingConfig config)
    {
        using var model = Models.Create(config.Model, channels: 1);
        using var optimizer = new SgdMomentum(model.parameters(), config.Momentum, config.WeightDecay);
        Checkpoint.Read(checkpoint).Restore(model, optimizer);
        return model.parameters().Select(p => p.data<float>().ToArray()).Concat(optimizer.Buffers.Select(t => t.data<float>().ToArray())).ToList();
    }

    [TorchFact]
    public void Resume_refuses_a_checkpoint_of_another_config()
    {
        TorchFactAttribute.Require();
        var config = new TrainingConfig(ModelKind.Mlp1x512, "synthetic", MaxSteps: 8, BatchSize: 32, StopWhenFitted: false);
        var dataset = Synthetic(64, 16);
        var dir = Directory.CreateTempSubdirectory("rethink-resume").FullName;
        try
        {
            StopAfterStep(config, dataset, dir, 2);
            var other = config with { Seed = 9 };
            var e = Assert.Throws<Rethink.Core.UserInputException>(() => Trainer.Run(other, TrainingData.From(dataset, other), new TrainingSession(Directory: dir, Resume: true)));
            Assert.Contains("belongs to another configuration", e.Message);
            // Another model: refused from the state, before any tensor is loaded into the wrong shapes.
            var mlp3 = config with { Model = ModelKind.Mlp3x512 };
            Assert.Contains("belongs to another configuration", Assert.Throws<Rethink.Core.UserInputException>(() => Trainer.Run(mlp3, TrainingData.From(dataset, mlp3), new TrainingSession(Directory: dir, Resume: true))).Message);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    /// <summary>
    /// A checkpoint with bytes flipped, a key of its state renamed, or cut short is refused with the file named and
    /// what to do — never resumed from; the run's directory is left as it was.
    /// </summary>
    [TorchFact]
    public void A_damaged_checkpoint_is_refused_not_resumed()
    {
        TorchFactAttribute.Require();
        var config = new TrainingConfig(ModelKind.Mlp1x512, "synthetic", MaxSteps: 8, BatchSize: 32, StopWhenFitted: false);
        var dataset = Synthetic(64, 16);
        var dir = Directory.CreateTempSubdirectory("rethink-damaged").FullName;
        try
        {
            StopAfterStep(config, dataset, dir, 2);
            var path = Path.Combine(dir, Trainer.CheckpointFile);
            var good = File.ReadAllBytes(path);
            var text = System.Text.Encoding.Latin1.GetString(good);
            var damaged = new Dictionary<string, byte[]>
            {
                ["100 flipped bytes"] = Flip(good, 100),
                ["a renamed key"] = System.Text.Encoding.Latin1.GetBytes(text.Replace("\"step\"", "\"stap\"", StringComparison.Ordinal)),
                ["truncated"] = good[..(good.Length / 2)],
            };
            foreach (var (what, bytes) in damaged)
            {
                Assert.NotEqual(good, bytes);
                File.WriteAllBytes(path, bytes);
                var e = Assert.Throws<Rethink.Core.CorruptFileException>(() => Trainer.Run(config, TrainingData.From(dataset, config), new TrainingSession(Directory: dir, Resume: true)));
                Assert.StartsWith(path, e.Message);
                Assert.Contains("delete it", e.Message);
                Assert.Equal(bytes, File.ReadAllBytes(path)); // nothing was overwritten
            }
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    private static byte[] Flip(byte[] bytes, int count)
    {
        var copy = (byte[])bytes.Clone();
        var random = new Random(5);
        for (var k = 0; k < count; k++) copy[random.Next(copy.Length)] ^= (byte)(1 + random.Next(255));
        return copy;
    }

    /// <summary>A loss that is not finite ends the run and is recorded (a learning rate of 1e10 diverges at once).</summary>
    [TorchFact]
    public void A_diverging_run_stops_and_is_recorded_as_diverged()
    {
        TorchFactAttribute.Require();
        var config = new TrainingConfig(ModelKind.Mlp1x512, "synthetic", LearningRate: 1e10, MaxSteps: 50, BatchSize: 32, StopWhenFitted: false);
        var result = Trainer.Run(config, TrainingData.From(Synthetic(64, 16), config));
        Assert.NotNull(result.DivergedAtStep);
        Assert.True(result.DivergedAtStep < 50, $"diverged at {result.DivergedAtStep}");
        Assert.Equal(result.DivergedAtStep, result.Final!.Step);
        var healthy = Trainer.Run(config with { LearningRate = 0.01, MaxSteps = 4 }, TrainingData.From(Synthetic(64, 16), config));
        Assert.Null(healthy.DivergedAtStep);
    }

    [TorchFact]
    public void A_small_network_fits_random_labels()
    {
        TorchFactAttribute.Require();
        var config = new TrainingConfig(ModelKind.Mlp1x512, "synthetic", Randomization.Parse("random-labels", seed: 1), MaxSteps: 3000, BatchSize: 32, Seed: 1);
        var result = Trainer.Run(config, TrainingData.From(Synthetic(128, 32), config));
        Assert.True(result.StepsToFit is not null, $"not fitted: training accuracy {result.Final!.TrainAccuracy} after {result.Final.Step} steps");
        Assert.Equal(1.0, result.Final!.TrainAccuracy);
        Assert.InRange(result.RealizedLabelCorruption, 0.75, 0.98);
    }
}
