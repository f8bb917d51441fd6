using Rethink.Data;
using Xunit;

namespace Rethink.Integration;

public class RealDatasetTests
{
    private static readonly DataOptions Data = DatasetFactAttribute.Options;

    [DatasetFact("mnist")]
    public void Mnist_has_the_published_label_counts()
    {
        var mnist = DatasetLoader.Load("mnist", Data);
        Assert.Equal([5923, 6742, 5958, 6131, 5842, 5421, 5918, 6265, 5851, 5949], mnist.Train.LabelHistogram());
        Assert.Equal(10_000, mnist.Test.Count);
        Assert.Equal((1, 28, 28), (mnist.Train.Channels, mnist.Train.Height, mnist.Train.Width));
        Assert.Equal(60_000L * 784, mnist.Train.Pixels.LongLength);
    }

    [DatasetFact("cifar10")]
    public void Cifar10_has_5000_training_and_1000_test_images_per_class()
    {
        var cifar = DatasetLoader.Load("cifar10", Data);
        Assert.All(cifar.Train.LabelHistogram(), count => Assert.Equal(5000, count));
        Assert.All(cifar.Test.LabelHistogram(), count => Assert.Equal(1000, count));
        Assert.Equal("airplane", cifar.Train.ClassNames[0]);
        Assert.Equal("truck", cifar.Train.ClassNames[9]);
    }

    [DatasetFact("fashion-mnist")]
    public void Fashion_mnist_has_6000_training_images_per_class()
    {
        var fashion = DatasetLoader.Load("fashion-mnist", Data);
        Assert.All(fashion.Train.LabelHistogram(), count => Assert.Equal(6000, count));
        Assert.Equal("Ankle boot", fashion.Train.ClassNames[9]);
    }

    [DatasetFact("cifar10")]
    public void Paper_preprocessing_of_cifar10_gives_whitened_28x28_images()
    {
        var cifar = DatasetLoader.Load("cifar10", Data);
        var prepared = DataPipeline.Prepare(cifar, new PipelineConfig(PipelineConfig.PaperCifar10,
            new Randomization(RandomizationKind.RandomLabels, Seed: 7), new Subset(1000, SubsetKind.Stratified, 1), new Subset(200, SubsetKind.First)));
        Assert.Equal((3, 28, 28), (prepared.Train.Channels, prepared.Train.Height, prepared.Train.Width));
        Assert.Equal(["scale-0-1", "randomize:random-labels", "center-crop-28", "per-image-whitening", "flatten"], prepared.Steps);
        // Random labels with the paper's rule change about 90% of them.
        Assert.InRange(prepared.Randomization.RealizedCorruption, 0.85, 0.95);
        Assert.All(prepared.Train.Data.Take(10_000), v => Assert.True(float.IsFinite(v)));
    }
}
