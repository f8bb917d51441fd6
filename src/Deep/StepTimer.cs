using Rethink.Torch;
using System.Diagnostics;
using TorchSharp;
using static TorchSharp.torch;

namespace Rethink.Deep;

/// <summary>
/// Seconds per optimization step of a config's model on its device, timed on random inputs of the
/// config's shape after a few untimed warm-up steps (allocator, cuDNN autotuning, JIT): how a cost
/// model is calibrated before any run of that model has finished on this machine.
/// </summary>
public static class StepTimer
{
    /// <param name="config">Model, batch size and dropout of the runs to estimate.</param>
    /// <param name="channels">Input channels (3 for CIFAR-10, 1 for the MNIST-like datasets).</param>
    /// <param name="on">Where they train.</param>
    /// <param name="warmup">Untimed steps first.</param>
    /// <param name="steps">Timed steps.</param>
    /// <param name="batch">Images per timed step (default: the config's batch size); the result is scaled to the config's batch size
    /// (per-image cost is flat beyond a few images on a CPU: how Inception V3 at 299×299 is timed without a minute per step).</param>
    public static double Measure(TrainingConfig config, int channels, TrainingDevice on, int warmup = 1, int steps = 5, int? batch = null)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentOutOfRangeException.ThrowIfNegative(warmup);
        ArgumentOutOfRangeException.ThrowIfLessThan(steps, 1);
        var device = TorchDevices.Open(on);
        var side = config.IsImageNet ? config.ImageNetSide : 28;
        var classes = config.IsImageNet ? 1000 : 10;
        var images = batch ?? config.BatchSize;
        using var model = Models.Create(config.Model, channels, side, classes, config.Dropout);
        model.to(device);
        model.train();
        using var optimizer = new SgdMomentum(model.parameters(), config.Momentum, config.WeightDecay);
        var generator = new Generator(0x57E9);
        using var x = randn([images, channels, side, side], generator: generator).to(device);
        using var y = randint(0, classes, [images], generator: generator).to(device);
        var watch = new Stopwatch();
        for (var step = 0; step < warmup + steps; step++)
        {
            if (step == warmup) watch.Start();
            using var scope = NewDisposeScope();
            var loss = nn.functional.cross_entropy(model.forward(x), y);
            optimizer.ZeroGrad();
            loss.backward();
            optimizer.Step(config.LearningRateAt(step));
            _ = loss.item<float>(); // waits for the device, as the trainer does every step
        }
        return watch.Elapsed.TotalSeconds / steps * config.BatchSize / images;
    }
}
