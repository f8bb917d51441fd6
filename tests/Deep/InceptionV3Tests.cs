using Xunit;
using static TorchSharp.torch;

namespace Rethink.Deep.Tests;

/// <summary>Inception V3 for the paper's ImageNet table: the published parameter counts and the shapes through the network.</summary>
public sealed class InceptionV3Tests
{
    [Fact]
    public void Parameter_counts_are_the_published_ones()
    {
        using var plain = new InceptionV3();
        using var withAux = new InceptionV3(auxiliary: true);
        // The standard architecture (torchvision's inception_v3, Keras' InceptionV3): 23,834,568 without the
        // auxiliary head, 27,161,264 with it, for 1,000 classes.
        Assert.Equal(23_834_568, Models.CountParameters(plain));
        Assert.Equal(27_161_264, Models.CountParameters(withAux));
        using var ten = new InceptionV3(classes: 10);
        Assert.Equal(23_834_568 - 990 * 2049, Models.CountParameters(ten)); // the classifier shrinks by 990 × (2,048 + 1)
    }

    [Fact]
    public void A_299_pixel_image_gives_one_logit_per_class_and_the_auxiliary_head_trains_alongside()
    {
        using var model = new InceptionV3(classes: 7, auxiliary: true);
        model.eval();
        using (no_grad())
        {
            using var logits = model.forward(randn(1, 3, 299, 299));
            Assert.Equal([1L, 7], logits.shape);
            Assert.Null(model.AuxiliaryLogits);
        }
        model.train();
        using var train = model.forward(randn(2, 3, 299, 299));
        Assert.Equal([2L, 7], train.shape);
        Assert.NotNull(model.AuxiliaryLogits);
        Assert.Equal([2L, 7], model.AuxiliaryLogits!.shape);
    }
}
