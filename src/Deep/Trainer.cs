using Rethink.Torch;
using System.Diagnostics;
using Rethink.Core;
using Rethink.Data;
using TorchSharp;
using static TorchSharp.torch;

namespace Rethink.Deep;

/// <summary>
/// Trains one <see cref="TrainingConfig"/>: minibatch SGD with momentum on cross-entropy, the paper's
/// per-step learning-rate schedule, evaluation on the whole training and test (sub)sets, time to
/// overfit, and a checkpoint after every epoch from which <c>resume</c> continues bit for bit.
/// </summary>
public static class Trainer
{
    /// <summary>The run folder's config file.</summary>
    public const string ConfigFile = "config.json";
    /// <summary>The run folder's checkpoint (written at every epoch's end).</summary>
    public const string CheckpointFile = "checkpoint.bin";
    /// <summary>The run folder's evaluations, one JSON record per line.</summary>
    public const string MetricsFile = "metrics.jsonl";
    /// <summary>The run folder's record of the randomization as applied.</summary>
    public const string RandomizationFile = "randomization.json";
    /// <summary>The run folder's result (written last).</summary>
    public const string ResultFile = "result.json";

    /// <param name="config">The run.</param>
    /// <param name="data">Its data (see <see cref="TrainingData.Load"/>).</param>
    /// <param name="session">Where it trains, its folder (config, metrics, checkpoints, result; none: nothing written) and whether to resume (default: the CPU, nothing written).</param>
    /// <param name="progress">Progress after every step.</param>
    /// <param name="cancel">Stops before the next step (the last checkpoint stays valid).</param>
    public static TrainingResult Run(TrainingConfig config, ITrainingData data, TrainingSession? session = null,
        IProgress<TrainingProgress>? progress = null, CancellationToken cancel = default)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(data);
        config.Validate();
        session ??= new TrainingSession();
        var (directory, resume, parallel) = (session.Directory, session.Resume, session.Parallel);
        // Across processes rank 0 alone writes; every rank reads the same checkpoint.
        var writes = parallel is null || parallel.Rank == 0;
        var device = TorchDevices.Open(session.Device);
        var hash = Json.Hash(config);

        manual_seed(config.Seed);
        using var model = Models.Create(config.Model, data.Channels, data.InputSide, data.Classes, config.Dropout);
        model.to(device);
        using var optimizer = new SgdMomentum(model.parameters(), config.Momentum, config.WeightDecay);
        var state = new TrainerState(hash, 0, 0, 0, 0, 0, 0, null, null, 0, [], []);

        string? checkpoint = directory is null ? null : Path.Combine(directory, CheckpointFile);
        if (directory is not null)
        {
            Directory.CreateDirectory(directory);
            if (writes) AtomicFile.RemoveOrphans(directory);
            if (resume && File.Exists(checkpoint))
            {
                // The state first: a checkpoint of another configuration is refused before any tensor is touched.
                var contents = Checkpoint.Read(checkpoint!);
                if (contents.State.ConfigHash != hash)
                    throw new UserInputException("Resume", null, $"{checkpoint} belongs to another configuration (config hash {contents.State.ConfigHash}; these options give {hash}, see {Path.Combine(directory, ConfigFile)}): resume with that run's options, or start this one in another directory.");
                contents.Restore(model, optimizer);
                state = contents.State with { Resumed = contents.State.Resumed + 1 };
            }
            else if (writes)
            {
                AtomicFile.WriteAllText(Path.Combine(directory, ConfigFile), Json.Serialize(config));
                AtomicFile.WriteAllText(Path.Combine(directory, RandomizationFile), Json.Serialize(data.Randomization));
            }
        }

        // Every process starts from rank 0's weights, buffers and momentum (identical by seed or checkpoint already; made certain).
        if (parallel is not null) parallel.BroadcastFromRoot([.. model.parameters(), .. model.buffers(), .. optimizer.Buffers]);

        // Evaluations (a forward pass over the training and test sets) cost about as much as 2 epochs of
        // steps on a small subset: by default evaluate at the first epoch boundary at least 20 steps on.
        var epochSteps = Math.Max(1, (data.TrainCount + config.BatchSize - 1) / config.BatchSize);
        var evaluateEvery = config.EvaluateEvery ?? epochSteps * (int)Math.Ceiling(20.0 / epochSteps);
        var watch = new Stopwatch();
        var fitted = state.StepsToFit is not null && config.StopWhenFitted;
        // A loss that is not finite ends the run: it cannot recover, and every later number would be noise.
        bool Stopped() => fitted || state.DivergedAtStep is not null;
        while (state.Step < config.MaxSteps && !Stopped())
        {
            var order = Enumerable.Range(0, data.TrainCount).ToArray();
            SeedMixer.Random(config.Seed, 0x0E90C000L + state.Epoch).Shuffle(order);
            // The next minibatch is prepared on another thread while this one trains (on CUDA its copy
            // goes through pinned memory): the host work hides behind the device's.
            Task<HostBatch>? next = null;
            for (var start = 0; start < order.Length && state.Step < config.MaxSteps && !Stopped(); start += config.BatchSize)
            {
                cancel.ThrowIfCancellationRequested();
                var batch = order.AsSpan(start, Math.Min(config.BatchSize, order.Length - start));
                // Across processes each prepares its share of the global batch (its position in it given, so
                // the random crops are the ones one process would draw).
                var (lo, hi) = parallel?.Share(batch.Length) ?? (0, batch.Length);
                var host = next?.Result ?? data.PrepareTrainBatch(batch[lo..hi], state.Step, lo);
                var following = start + config.BatchSize;
                next = null;
                if (following < order.Length && state.Step + 1 < config.MaxSteps)
                {
                    var indices = order[following..Math.Min(following + config.BatchSize, order.Length)];
                    var step = state.Step + 1;
                    var (nextLo, nextHi) = parallel?.Share(indices.Length) ?? (0, indices.Length);
                    next = Task.Run(() => data.PrepareTrainBatch(indices[nextLo..nextHi], step, nextLo));
                }
                watch.Start();
                var (loss, accuracy) = TrainStep(model, optimizer, data, config, host, state.Step, device, parallel, batch.Length);
                watch.Stop();
                var lr = config.LearningRateAt(state.Step);
                state.Losses.Add(new StepLoss(state.Step + 1, loss, accuracy));
                state = state with { Step = state.Step + 1, LossSum = state.LossSum + loss, LossCount = state.LossCount + 1, Seconds = state.Seconds + watch.Elapsed.TotalSeconds };
                watch.Reset();
                if (!double.IsFinite(loss)) state = state with { DivergedAtStep = state.Step };
                if (state.Step % evaluateEvery == 0 || state.Step == config.MaxSteps)
                {
                    state = Evaluate(model, data, config, state, lr, device, parallel);
                    fitted = config.StopWhenFitted && state.StepsToFit is not null;
                    if (directory is not null && writes) WriteMetrics(directory, state);
                }
                var last = state.Records.LastOrDefault();
                progress?.Report(new TrainingProgress(state.Step, config.MaxSteps, state.Epoch, loss, last?.TrainAccuracy ?? double.NaN, last?.TestAccuracy ?? double.NaN));
            }
            state = state with { Epoch = state.Epoch + 1 };
            if (checkpoint is not null && writes) Checkpoint.Save(checkpoint, state, model, optimizer);
        }
        if (state.Records.LastOrDefault()?.Step != state.Step)
        {
            state = Evaluate(model, data, config, state, config.LearningRateAt(Math.Max(0, state.Step - 1)), device, parallel);
            if (directory is not null && writes) WriteMetrics(directory, state);
        }
        var result = Result(config, data, model, state, device);
        if (directory is not null && writes) AtomicFile.WriteAllText(Path.Combine(directory, ResultFile), SealedJson.Serialize(result));
        return result;
    }

    private static (double Loss, double Accuracy) TrainStep(nn.Module<Tensor, Tensor> model, SgdMomentum optimizer, ITrainingData data,
        TrainingConfig config, HostBatch batch, long step, Device device, DataParallel? parallel, int globalBatch)
    {
        using var scope = NewDisposeScope();
        // Dropout draws depend only on (seed, step): a resumed run draws the same masks. libtorch's
        // generator is process-wide, so runs are reproducible one training at a time per process.
        manual_seed(SeedMixer.Mix(config.Seed, 0x5D0000L + step));
        model.train();
        var share = batch.Labels.Length;
        optimizer.ZeroGrad();
        double loss = 0, correct = 0;
        if (share > 0)
        {
            var (x, y) = data.ToDevice(batch, device);
            var logits = model.forward(x);
            var lossTensor = nn.functional.cross_entropy(logits, y);
            lossTensor.backward();
            loss = lossTensor.item<float>();
            correct = logits.argmax(1).eq(y).sum().item<long>();
        }
        if (parallel is null)
        {
            optimizer.Step(config.LearningRateAt(step));
            return (loss, correct / share);
        }
        // The gradient of the global batch's mean loss: each process's weighted by its share, summed.
        parallel.AverageGradients(optimizer.Parameters, share, globalBatch);
        optimizer.Step(config.LearningRateAt(step));
        // BatchNorm's running statistics: rank 0's everywhere (DDP's broadcast_buffers).
        var buffers = model.buffers().ToList();
        if (buffers.Count > 0) parallel.BroadcastFromRoot(buffers);
        var sums = parallel.Sum(loss * share, correct, share);
        return (sums[0] / sums[2], sums[1] / sums[2]);
    }

    private static TrainerState Evaluate(nn.Module<Tensor, Tensor> model, ITrainingData data, TrainingConfig config, TrainerState state, double lr, Device device, DataParallel? parallel)
    {
        var train = Accuracies(model, data, test: false, device, parallel);
        var test = data.TestCount > 0 ? Accuracies(model, data, test: true, device, parallel) : (Top1: double.NaN, Top5: double.NaN);
        var best = double.IsNaN(test.Top1) ? state.BestTestAccuracy : Math.Max(state.BestTestAccuracy, test.Top1);
        var record = new TrainingRecord(state.Step, state.Epoch, lr, state.LossCount > 0 ? state.LossSum / state.LossCount : double.NaN, train.Top1, test.Top1, best, state.Seconds,
            double.IsNaN(train.Top5) ? null : train.Top5, double.IsNaN(test.Top5) ? null : test.Top5);
        state.Records.Add(record);
        var fit = state.StepsToFit is null && train.Top1 >= config.OverfitThreshold;
        return state with
        {
            LossSum = 0,
            LossCount = 0,
            BestTestAccuracy = best,
            StepsToFit = fit ? state.Step : state.StepsToFit,
            SecondsToFit = fit ? state.Seconds : state.SecondsToFit,
        };
    }

    /// <summary>
    /// Images per forward pass when evaluating (accuracy on the training and test sets): the training
    /// batch size. Larger batches are slower per image on a CPU (measured on a 2-core EPYC, libtorch 2.10,
    /// eval mode: AlexNet 570 images/s at 128 against 316 at 500, small Inception 64 against 49: the
    /// activations of 500 images leave the caches), and on a GPU 128 already fills the device for these models.
    /// </summary>
    public const int EvaluationBatch = 128;

    /// <summary>
    /// The predicted classes of a batch, the model in evaluation mode: in libtorch's inference mode (no
    /// autograd records, no version counters), as every evaluation computes them.
    /// </summary>
    public static Tensor Predict(nn.Module<Tensor, Tensor> model, Tensor images)
    {
        using var _ = inference_mode();
        return model.forward(images).argmax(1);
    }

    /// <summary>Accuracy on the whole training or test (sub)set, in evaluation mode.</summary>
    public static double Accuracy(nn.Module<Tensor, Tensor> model, ITrainingData data, bool test, Device device) => Accuracies(model, data, test, device).Top1;

    /// <summary>
    /// Top-1 and top-5 accuracy on the whole training or test (sub)set, in evaluation mode and inference mode
    /// (top-5: the label is among the five largest logits; NaN with five classes or fewer, where it is 1).
    /// The next batch is prepared on another thread while this one is evaluated (ImageNet decodes its JPEGs there).
    /// </summary>
    public static (double Top1, double Top5) Accuracies(nn.Module<Tensor, Tensor> model, ITrainingData data, bool test, Device device, DataParallel? parallel = null)
    {
        model.eval();
        var count = test ? data.TestCount : data.TrainCount;
        if (count == 0) return (double.NaN, double.NaN);
        long correct = 0, top5 = 0;
        var k = Math.Min(5, data.Classes);
        // Across processes each evaluates its contiguous share and the counts are summed.
        var (from, to) = parallel?.Share(count) ?? (0, count);
        Task<HostBatch>? next = null;
        for (var start = from; start < to; start += EvaluationBatch)
        {
            using var scope = NewDisposeScope();
            var host = next?.Result ?? data.PrepareEvaluationBatch(test, start, Math.Min(EvaluationBatch, to - start));
            var following = start + EvaluationBatch;
            next = following < to ? Task.Run(() => data.PrepareEvaluationBatch(test, following, Math.Min(EvaluationBatch, to - following))) : null;
            var (x, y) = data.ToDevice(host, device);
            using var _ = inference_mode();
            var logits = model.forward(x);
            correct += logits.argmax(1).eq(y).sum().item<long>();
            if (data.Classes > 5) top5 += logits.topk(k, 1).indexes.eq(y.unsqueeze(1)).any(1).sum().item<long>();
        }
        if (parallel is not null)
        {
            var sums = parallel.Sum(correct, top5);
            (correct, top5) = ((long)sums[0], (long)sums[1]);
        }
        return ((double)correct / count, data.Classes > 5 ? (double)top5 / count : double.NaN);
    }

    private static void WriteMetrics(string directory, TrainerState state) =>
        AtomicFile.WriteAllText(Path.Combine(directory, MetricsFile), string.Join('\n', state.Records.Select(r => Json.Serialize(r, indented: false))) + "\n");

    private static TrainingResult Result(TrainingConfig config, ITrainingData data, nn.Module model, TrainerState state, Device device)
    {
        var thin = Math.Max(1, state.Losses.Count / 2000);
        var losses = state.Losses.Where((_, i) => i % thin == 0 || i == state.Losses.Count - 1).ToList();
        return new TrainingResult(config, Models.CountParameters(model), data.TrainCount, data.TestCount, data.Steps,
            data.Randomization.RealizedCorruption, state.Records, losses, state.StepsToFit, state.SecondsToFit, device.type == DeviceType.CUDA ? TrainingDevice.Cuda : TrainingDevice.Cpu, state.Resumed, TorchRuntime.Description,
            state.DivergedAtStep);
    }
}
