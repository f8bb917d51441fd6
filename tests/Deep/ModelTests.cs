using Rethink.Deep;
using Xunit;
using static TorchSharp.torch;

namespace Rethink.Deep.Tests;

public class ModelTests
{
    [TorchFact]
    public void Parameter_counts_match_the_paper()
    {
        TorchFactAttribute.Require();
        foreach (var (model, expected) in Models.PaperParameterCounts)
        {
            var (side, classes) = model.PaperInput();
            using var module = Models.Create(model, side: side, classes: classes);
            Assert.Equal(expected, Models.CountParameters(module));
        }
    }

    [TorchFact]
    public void Models_map_28x28_images_to_10_logits()
    {
        TorchFactAttribute.Require();
        // Inception V3 is ImageNet's (75x75 and up; tested in InceptionV3Tests).
        foreach (var model in Models.All.Where(m => m != ModelKind.InceptionV3))
        {
            using var module = Models.Create(model);
            module.eval();
            using var x = randn(2, 3, 28, 28);
            using var y = module.forward(x);
            Assert.Equal([2L, 10L], y.shape);
        }
    }

    [TorchFact]
    public void Mnist_sized_variants_take_one_channel()
    {
        TorchFactAttribute.Require();
        foreach (var model in new[] { ModelKind.Mlp1x512, ModelKind.Mlp3x512, ModelKind.AlexNet })
        {
            using var module = Models.Create(model, channels: 1);
            using var x = randn(4, 1, 28, 28);
            using var y = module.forward(x);
            Assert.Equal([4L, 10L], y.shape);
        }
        using var mlp = Models.Create(ModelKind.Mlp1x512, channels: 1);
        Assert.Equal(784L * 512 + 512 + 512 * 10 + 10, Models.CountParameters(mlp));
    }

    [Fact]
    public void Learning_rate_decays_per_391_steps()
    {
        var config = new TrainingConfig(ModelKind.AlexNet, "cifar10");
        Assert.Equal(0.01, config.LearningRateAt(0));
        Assert.Equal(0.01, config.LearningRateAt(390));
        // 0.01 · 0.95¹: one rounded product (and 0.01, 0.95, 0.0095 each rounded): within 4u of 0.0095.
        Assert.True(Math.Abs(config.LearningRateAt(391) - 0.0095) <= 4 * 1.1102230246251565E-16 * 0.0095, $"lr {config.LearningRateAt(391):R}");
        Assert.Equal(0.1, new TrainingConfig(ModelKind.Inception, "cifar10").InitialLearningRate);
    }

    [Fact]
    public void Invalid_configs_name_the_parameter()
    {
        Assert.Equal("Model", Assert.Throws<Core.UserInputException>(() => new TrainingConfig((ModelKind)99, "cifar10").Validate()).Parameter);
        Assert.Equal("Dropout", Assert.Throws<Core.UserInputException>(() => new TrainingConfig(ModelKind.Mlp1x512, "cifar10", Dropout: 1.5).Validate()).Parameter);
        Assert.Equal("Randomization", Assert.Throws<Core.UserInputException>(() => Data.Randomization.Parse("noise")).Parameter);
        Assert.Equal("Randomization", Assert.Throws<Core.UserInputException>(() =>
            new TrainingConfig(ModelKind.Mlp1x512, "cifar10", new Data.Randomization(Data.RandomizationKind.PartiallyCorrupted, P: 1.5)).Validate()).Parameter);
    }
}
