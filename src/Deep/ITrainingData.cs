using Rethink.Data;
using TorchSharp;
using static TorchSharp.torch;

namespace Rethink.Deep;

/// <summary>
/// What <see cref="Trainer"/> trains on: minibatches drawn by index (a function of the indices and the step
/// alone, so a resumed run draws the same ones), and evaluation batches over the whole training and test
/// (sub)sets. In memory for CIFAR-10 and MNIST (<see cref="TrainingData"/>), decoded from JPEGs for
/// ImageNet (<see cref="ImageNetTrainingData"/>).
/// </summary>
public interface ITrainingData
{
    /// <summary>Image channels.</summary>
    int Channels { get; }
    /// <summary>The side of the square images the models see.</summary>
    int InputSide { get; }
    /// <summary>Training examples.</summary>
    int TrainCount { get; }
    /// <summary>Test examples.</summary>
    int TestCount { get; }
    /// <summary>Classes.</summary>
    int Classes { get; }
    /// <summary>The preprocessing steps, as results record them.</summary>
    IReadOnlyList<string> Steps { get; }
    /// <summary>The randomization as applied (the labels trained on, stored with the run).</summary>
    RandomizationRecord Randomization { get; }

    /// <summary>
    /// The host side of a training minibatch: images and labels in plain arrays, a function of (indices, step,
    /// position). <paramref name="position"/>: where <paramref name="indices"/> begin in the global batch (a
    /// process's share under data parallelism), so per-image random draws are those of the whole batch.
    /// </summary>
    HostBatch PrepareTrainBatch(ReadOnlySpan<int> indices, long step, int position = 0);

    /// <summary>Contiguous range [start, start + count) of the training or test images, for evaluation.</summary>
    HostBatch PrepareEvaluationBatch(bool test, int start, int count);
}

/// <summary>Moving host batches to a device.</summary>
public static class HostBatches
{
    /// <summary>
    /// Tensors of a host batch of <paramref name="channels"/>×<paramref name="side"/>² images on <paramref name="device"/>;
    /// on CUDA through pinned memory with an asynchronous copy, so the transfer overlaps the work already queued on the GPU.
    /// </summary>
    public static (Tensor Images, Tensor Labels) ToDevice(this HostBatch batch, int channels, int side, Device device)
    {
        var count = batch.Labels.Length;
        var images = tensor(batch.Images, [count, channels, side, side]);
        var labels = tensor(batch.Labels);
        if (device.type != DeviceType.CUDA) return (images, labels);
        using (images)
        using (labels)
        using (var pinnedImages = images.pin_memory())
        using (var pinnedLabels = labels.pin_memory())
            return (pinnedImages.to(device, non_blocking: true), pinnedLabels.to(device, non_blocking: true));
    }

    /// <summary>Tensors of a host batch of <paramref name="data"/>'s images on <paramref name="device"/>.</summary>
    public static (Tensor Images, Tensor Labels) ToDevice(this ITrainingData data, HostBatch batch, Device device) =>
        batch.ToDevice(data.Channels, data.InputSide, device);
}
