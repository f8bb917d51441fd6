using Rethink.Core;
using Rethink.Data;
using Rethink.ImageNet;

namespace Rethink.Deep;

/// <summary>
/// ImageNet for <see cref="Trainer"/>: the files of an <see cref="ImageNetFolder"/> (a stratified subset when
/// the config asks for one), decoded batch by batch in parallel through Inception V3's preprocessing
/// (<see cref="ImageNetTransform"/>: random-resized crops and flips with <see cref="TrainingConfig.Augment"/>,
/// else centre crops; evaluation always centre crops), and the paper's six randomizations over its classes:
/// labels corrupted or random (drawn once, stored with the run), shuffled pixels (one permutation of the
/// crop's positions, train and test), random pixels (a permutation per image) and Gaussian images (per
/// channel, with the normalized data's mean 0 and standard deviation 1), each image's draws a function of
/// (randomization seed, image index) as for CIFAR-10, the crops of (seed, step, index).
/// </summary>
public sealed class ImageNetTrainingData : ITrainingData
{
    /// <summary>The dataset name a config gives for ImageNet.</summary>
    public const string DatasetName = "imagenet";

    private const long TrainLabelStream = 1, TestLabelStream = 2, PermutationStream = 3;
    private const long TrainPixelStream = 1L << 32, TestPixelStream = 2L << 32, TrainGaussianStream = 3L << 32, TestGaussianStream = 4L << 32;

    private readonly IReadOnlyList<LabeledFile> _train, _test;
    private readonly ImageNetTransform _trainTransform, _evalTransform;
    private readonly int _seed;

    private ImageNetTrainingData(ImageNetFolder folder, IReadOnlyList<LabeledFile> train, IReadOnlyList<LabeledFile> test, TrainingConfig config, RandomizationRecord randomization)
    {
        Folder = folder;
        _train = train;
        _test = test;
        _seed = config.Seed;
        InputSide = config.ImageNetSide;
        _trainTransform = new ImageNetTransform(InputSide, config.Augment);
        _evalTransform = new ImageNetTransform(InputSide, Augment: false);
        Randomization = randomization;
        var kind = randomization.Randomization.Kind;
        Steps =
        [
            "decode JPEG (libjpeg-turbo, DCT-scaled)",
            config.Augment ? $"train: random-resized crop (8-100% of the area, aspect 3/4-4/3) to {InputSide}x{InputSide}, horizontal flip" : $"train: central 87.5% square resized to {InputSide}x{InputSide}",
            $"test: central 87.5% square resized to {InputSide}x{InputSide}",
            "per-channel normalization (ImageNet mean 0.485/0.456/0.406, std 0.229/0.224/0.225)",
            .. kind switch
            {
                RandomizationKind.ShuffledPixels => ["shuffled pixels: one permutation of the crop's positions (train and test)"],
                RandomizationKind.RandomPixels => ["random pixels: a permutation per image"],
                RandomizationKind.Gaussian => ["gaussian: N(0, 1) per channel, the normalized data's mean and standard deviation"],
                _ => Array.Empty<string>(),
            },
        ];
    }

    /// <summary>The folder read.</summary>
    public ImageNetFolder Folder { get; }
    /// <inheritdoc/>
    public int Channels => 3;
    /// <inheritdoc/>
    public int InputSide { get; }
    /// <inheritdoc/>
    public int TrainCount => _train.Count;
    /// <inheritdoc/>
    public int TestCount => _test.Count;
    /// <inheritdoc/>
    public int Classes => Folder.Classes;
    /// <inheritdoc/>
    public IReadOnlyList<string> Steps { get; }
    /// <inheritdoc/>
    public RandomizationRecord Randomization { get; }

    /// <summary>The data of an ImageNet config from <paramref name="folder"/>: subsets and randomization applied.</summary>
    public static ImageNetTrainingData Load(TrainingConfig config, ImageNetFolder folder)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(folder);
        config.Validate();
        var train = Stratified(folder.Train, config.Train, folder.Classes, config.Seed, nameof(TrainingConfig.Train), "training");
        var test = Stratified(folder.Validation, config.Test, folder.Classes, config.Seed, nameof(TrainingConfig.Test), "validation");
        var r = config.Labels;
        r.Validate();
        var trainLabels = train.Select(f => f.Label).ToArray();
        var testLabels = test.Select(f => f.Label).ToArray();
        var newTrain = trainLabels;
        var newTest = testLabels;
        int[]? permutation = null;
        double[]? mean = null, std = null;
        switch (r.Kind)
        {
            case RandomizationKind.PartiallyCorrupted or RandomizationKind.RandomLabels:
                newTrain = Randomizer.CorruptLabels(trainLabels, r.LabelProbability, r.Rule, folder.Classes, SeedMixer.Mix(r.Seed, TrainLabelStream));
                if (r.ApplyToTest) newTest = Randomizer.CorruptLabels(testLabels, r.LabelProbability, r.Rule, folder.Classes, SeedMixer.Mix(r.Seed, TestLabelStream));
                break;
            case RandomizationKind.ShuffledPixels:
                permutation = Randomizer.Permutation(config.ImageNetSide * config.ImageNetSide, SeedMixer.Mix(r.Seed, PermutationStream));
                break;
            case RandomizationKind.Gaussian:
                (mean, std) = ([0, 0, 0], [1, 1, 1]);
                break;
        }
        var changed = newTrain.Where((l, i) => l != trainLabels[i]).Count();
        var record = new RandomizationRecord(r, newTrain, newTest, changed, newTrain.Length == 0 ? 0 : (double)changed / newTrain.Length, permutation, mean, std);
        return new ImageNetTrainingData(folder,
            train.Select((f, i) => f with { Label = newTrain[i] }).ToList(),
            test.Select((f, i) => f with { Label = newTest[i] }).ToList(), config, record);
    }

    /// <summary>A stratified subset of <paramref name="count"/> files (all when null), as CIFAR-10's (<see cref="Subset"/>), in the folder's order.</summary>
    private static List<LabeledFile> Stratified(IReadOnlyList<LabeledFile> files, int? count, int classes, int seed, string parameter, string what) =>
        Subset.Of(count, files.Count, what, DatasetName, parameter, SubsetKind.Stratified, seed) is { } subset
            ? [.. subset.Indices(files.Select(f => f.Label).ToList(), classes).Select(i => files[i])]
            : [.. files];

    /// <inheritdoc/>
    public HostBatch PrepareTrainBatch(ReadOnlySpan<int> indices, long step, int position = 0)
    {
        var images = new float[indices.Length * _trainTransform.Floats];
        var labels = new int[indices.Length];
        // The crops and flips of image i at step s: a function of (seed, s, i); a resumed run draws the same.
        ImageNetBatch.Read(_train, indices, _trainTransform, _seed, (int)step, images, labels);
        Randomize(images, indices, test: false);
        return new HostBatch(images, labels.Select(l => (long)l).ToArray());
    }

    /// <inheritdoc/>
    public HostBatch PrepareEvaluationBatch(bool test, int start, int count)
    {
        var indices = Enumerable.Range(start, count).ToArray();
        var images = new float[count * _evalTransform.Floats];
        var labels = new int[count];
        ImageNetBatch.Read(test ? _test : _train, indices, _evalTransform, _seed, 0, images, labels);
        Randomize(images, indices, test);
        return new HostBatch(images, labels.Select(l => (long)l).ToArray());
    }

    /// <summary>The pixel randomizations, image by image (labels were randomized once, in <see cref="Load"/>).</summary>
    private void Randomize(float[] images, ReadOnlySpan<int> indices, bool test)
    {
        var r = Randomization.Randomization;
        var floats = _evalTransform.Floats;
        var plane = InputSide * InputSide;
        var applies = r.Kind switch
        {
            RandomizationKind.ShuffledPixels => true,
            RandomizationKind.RandomPixels or RandomizationKind.Gaussian => !test || r.ApplyToTest,
            _ => false,
        };
        if (!applies) return;
        var chosen = indices.ToArray();
        Parallel.For(0, chosen.Length, k =>
        {
            var image = images.AsSpan(k * floats, floats);
            switch (r.Kind)
            {
                case RandomizationKind.ShuffledPixels:
                    Randomizer.Permute(image, 3, Randomization.PixelPermutation, new float[floats]);
                    break;
                case RandomizationKind.RandomPixels:
                    var permutation = Randomizer.Permutation(plane, SeedMixer.Mix(r.Seed, (test ? TestPixelStream : TrainPixelStream) + chosen[k]));
                    Randomizer.Permute(image, 3, permutation, new float[floats]);
                    break;
                case RandomizationKind.Gaussian:
                    var sampler = new GaussianSampler(SeedMixer.Random(r.Seed, (test ? TestGaussianStream : TrainGaussianStream) + chosen[k]));
                    foreach (ref var v in image) v = (float)sampler.Next();
                    break;
            }
        });
    }
}
