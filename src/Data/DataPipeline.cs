namespace Rethink.Data;

/// <summary>What to do to a dataset before learning: subsets, preprocessing steps and a randomization.</summary>
public sealed record PipelineConfig(
    IReadOnlyList<PreprocessingStep> Steps,
    Randomization Randomization,
    Subset? TrainSubset = null,
    Subset? TestSubset = null)
{
    /// <summary>The paper's CIFAR-10 input: scale, crop to 28×28, per-image whitening.</summary>
    public static IReadOnlyList<PreprocessingStep> PaperCifar10 { get; } =
        [PreprocessingStep.Scale01, PreprocessingStep.CenterCrop28, PreprocessingStep.PerImageWhitening, PreprocessingStep.Flatten];

    /// <summary>Pixels ÷ 255, flattened: the kernel experiments' input.</summary>
    public static IReadOnlyList<PreprocessingStep> Scaled { get; } = [PreprocessingStep.Scale01, PreprocessingStep.Flatten];
}

/// <summary>
/// Runs a <see cref="PipelineConfig"/>: subset → scale to [0, 1] → randomization → centre crop →
/// whitening/normalization → flatten. Scaling comes first because the randomizations act on pixel
/// values (the Gaussian test matches the scaled data's per-channel mean and variance); cropping after
/// randomization matches the paper, which corrupts the stored 32×32 images and crops at input time.
/// </summary>
public static class DataPipeline
{
    /// <summary>Applies <paramref name="config"/>'s subsets, randomization and steps to <paramref name="dataset"/>, recording what was done.</summary>
    public static PreparedData Prepare(LabeledDataset dataset, PipelineConfig config)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        ArgumentNullException.ThrowIfNull(config);
        if (config.Steps.Count == 0 || config.Steps[0] != PreprocessingStep.Scale01)
            throw new ArgumentException("The first preprocessing step must be scale-0-1: the randomizations and all later steps act on floats in [0, 1].", nameof(config));
        var classes = dataset.Train.Classes;
        var trainIndices = config.TrainSubset?.Indices(dataset.Train.Labels, classes) ?? Enumerable.Range(0, dataset.Train.Count).ToArray();
        var testIndices = config.TestSubset?.Indices(dataset.Test.Labels, classes) ?? Enumerable.Range(0, dataset.Test.Count).ToArray();
        var trainSet = config.TrainSubset is null ? dataset.Train : dataset.Train.Select(trainIndices);
        var testSet = config.TestSubset is null ? dataset.Test : dataset.Test.Select(testIndices);

        var train = ImageTensor.FromBytes(trainSet);
        var test = ImageTensor.FromBytes(testSet);
        var record = Randomizer.Apply(config.Randomization, train, trainSet.Labels.Select(l => (int)l).ToArray(),
            test, testSet.Labels.Select(l => (int)l).ToArray(), classes);

        foreach (var step in config.Steps.Skip(1))
        {
            switch (step)
            {
                case PreprocessingStep.Scale01:
                    throw new ArgumentException("scale-0-1 may appear only once, first.", nameof(config));
                case PreprocessingStep.CenterCrop28:
                    train = Preprocessing.CenterCrop(train, 28);
                    test = Preprocessing.CenterCrop(test, 28);
                    break;
                case PreprocessingStep.PerImageWhitening:
                    Preprocessing.WhitenPerImage(train);
                    Preprocessing.WhitenPerImage(test);
                    break;
                case PreprocessingStep.PerChannelNormalization:
                    var (mean, std) = Preprocessing.ChannelStatistics(train);
                    Preprocessing.NormalizeChannels(train, mean, std);
                    Preprocessing.NormalizeChannels(test, mean, std);
                    break;
                case PreprocessingStep.Flatten:
                    break;
                default:
                    throw new ArgumentOutOfRangeException(nameof(config), step, "Unknown preprocessing step.");
            }
        }
        var steps = config.Steps.Select(PreprocessingSteps.Name).ToList();
        steps.Insert(1, "randomize:" + config.Randomization.Name);
        return new PreparedData(dataset.Name, train, record.TrainLabels, test, record.TestLabels, classes, steps, record, trainIndices, testIndices);
    }
}
