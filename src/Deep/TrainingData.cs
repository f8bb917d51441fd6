using Rethink.Core;
using Rethink.Data;
using TorchSharp;
using static TorchSharp.torch;

namespace Rethink.Deep;

/// <summary>
/// A randomized, preprocessed dataset ready for training, and the minibatches drawn from it.
/// CIFAR-10 follows the paper: pixels ÷ 255 → randomization → 28×28 centre crop → per-image
/// whitening; with augmentation the 32×32 images are kept and each minibatch takes a random 28×28
/// crop per image (seeded by step) before whitening. MNIST-like datasets are 28×28×1, ÷ 255.
/// </summary>
public sealed class TrainingData : ITrainingData
{
    private const int Side = 28;
    private readonly ImageTensor _train;
    private readonly ImageTensor _test;
    private readonly bool _augment;
    private readonly int _seed;

    private TrainingData(PreparedData prepared, bool augment, int seed)
    {
        Prepared = prepared;
        _augment = augment;
        _seed = seed;
        _train = prepared.Train;
        // The test set is always centre-cropped and whitened.
        _test = augment ? Whitened(Preprocessing.CenterCrop(prepared.Test, Side)) : prepared.Test;
        if (_test.Height != Side || _test.Width != Side)
            throw new UserInputException(nameof(TrainingConfig.Dataset), prepared.Dataset, $"the models take 28x28 images; this dataset has {_test.Height}x{_test.Width} after preprocessing.");
    }

    /// <summary>The data after subsets, randomization and preprocessing.</summary>
    public PreparedData Prepared { get; }
    /// <summary>Image channels.</summary>
    public int Channels => _train.Channels;
    /// <summary>The side of the images the models see (28).</summary>
    public int InputSide => Side;
    /// <summary>Training examples.</summary>
    public int TrainCount => _train.Count;
    /// <summary>Test examples.</summary>
    public int TestCount => _test.Count;
    /// <summary>Classes.</summary>
    public int Classes => Prepared.Classes;
    /// <inheritdoc/>
    public RandomizationRecord Randomization => Prepared.Randomization;
    /// <summary>The preprocessing steps, as results record them (with the random crops when augmenting).</summary>
    public IReadOnlyList<string> Steps => _augment ? [.. Prepared.Steps, "random-crop-28 (train), center-crop-28 (test)", "per-image-whitening"] : Prepared.Steps;

    /// <summary>Loads and prepares the data of a config (subsets and randomization included).</summary>
    public static TrainingData Load(TrainingConfig config, DataOptions options) => From(DatasetLoader.Load(config.Dataset, options), config);

    /// <summary>Prepares an in-memory dataset for a config.</summary>
    public static TrainingData From(LabeledDataset dataset, TrainingConfig config)
    {
        var cifar = dataset.Train.Height == 32;
        if (config.Augment && !cifar)
            throw new UserInputException(nameof(TrainingConfig.Augment), true, "random 28x28 crops need 32x32 images (CIFAR-10); this dataset is already 28x28.");
        IReadOnlyList<PreprocessingStep> steps = !cifar ? [PreprocessingStep.Scale01]
            : config.Augment ? [PreprocessingStep.Scale01]
            : PipelineConfig.PaperCifar10;
        var randomization = config.Labels;
        var pipeline = new PipelineConfig(steps, randomization,
            Subset.Of(config.Train, dataset.Train.Count, "training", dataset.Name, nameof(config.Train), SubsetKind.Stratified, config.Seed),
            Subset.Of(config.Test, dataset.Test.Count, "test", dataset.Name, nameof(config.Test), SubsetKind.Stratified, config.Seed));
        return new TrainingData(DataPipeline.Prepare(dataset, pipeline), config.Augment, config.Seed);
    }

    /// <summary>A training minibatch of the images at <paramref name="indices"/> (N×C×28×28) and their labels.</summary>
    public (Tensor Images, Tensor Labels) TrainBatch(ReadOnlySpan<int> indices, long step, Device device) =>
        ToDevice(PrepareTrainBatch(indices, step), device);

    /// <summary>
    /// The host side of <see cref="TrainBatch"/>: crops, whitening and labels in plain arrays. It depends
    /// only on (indices, step), so the trainer prepares the next batch on another thread while the
    /// device runs the current step.
    /// </summary>
    public HostBatch PrepareTrainBatch(ReadOnlySpan<int> indices, long step, int position = 0)
    {
        var d = Channels * Side * Side;
        var buffer = new float[indices.Length * d];
        var labels = new long[indices.Length];
        var random = _augment ? SeedMixer.Random(_seed, 0x7A1E0000L + step) : null;
        // Two draws per image: skip those of the images before this share of the global batch.
        for (var skip = 0; random is not null && skip < position; skip++) (_, _) = (random.Next(_train.Height - Side + 1), random.Next(_train.Width - Side + 1));
        for (var k = 0; k < indices.Length; k++)
        {
            var target = buffer.AsSpan(k * d, d);
            if (random is null) _train.Image(indices[k]).CopyTo(target);
            else
            {
                Crop(_train.Image(indices[k]), _train.Height, _train.Width, random.Next(_train.Height - Side + 1), random.Next(_train.Width - Side + 1), target);
                Preprocessing.Whiten(target);
            }
            labels[k] = Prepared.TrainLabels[indices[k]];
        }
        return new HostBatch(buffer, labels);
    }

    /// <summary>Tensors of a host batch on <paramref name="device"/> (see <see cref="HostBatches.ToDevice(HostBatch, int, int, Device)"/>).</summary>
    public (Tensor Images, Tensor Labels) ToDevice(HostBatch batch, Device device) => batch.ToDevice(Channels, Side, device);

    /// <summary>Contiguous range [start, start + count) of the training or test images, for evaluation.</summary>
    public (Tensor Images, Tensor Labels) EvaluationBatch(bool test, int start, int count, Device device) => ToDevice(PrepareEvaluationBatch(test, start, count), device);

    /// <inheritdoc/>
    public HostBatch PrepareEvaluationBatch(bool test, int start, int count)
    {
        var source = test ? _test : (_augment ? null : _train);
        var d = Channels * Side * Side;
        var buffer = new float[count * d];
        var labels = new long[count];
        var labelSource = test ? Prepared.TestLabels : Prepared.TrainLabels;
        for (var k = 0; k < count; k++)
        {
            var target = buffer.AsSpan(k * d, d);
            if (source is not null) source.Image(start + k).CopyTo(target);
            else
            {
                // Training accuracy with augmentation is measured on centre crops.
                var offset = (_train.Height - Side) / 2;
                Crop(_train.Image(start + k), _train.Height, _train.Width, offset, offset, target);
                Preprocessing.Whiten(target);
            }
            labels[k] = labelSource[start + k];
        }
        return new HostBatch(buffer, labels);
    }

    private void Crop(ReadOnlySpan<float> image, int height, int width, int top, int left, Span<float> target)
    {
        for (var c = 0; c < Channels; c++)
            for (var r = 0; r < Side; r++)
                image.Slice(c * height * width + (top + r) * width + left, Side).CopyTo(target.Slice(c * Side * Side + r * Side, Side));
    }


    private static ImageTensor Whitened(ImageTensor images)
    {
        Preprocessing.WhitenPerImage(images);
        return images;
    }
}

/// <summary>A minibatch in host memory: images (count × channels × side × side, row-major) and labels.</summary>
public sealed record HostBatch(float[] Images, long[] Labels);
