using Rethink.Features;
using Rethink.Plots.Cli;
using Xunit;

namespace Rethink.Plots.Tests;

/// <summary>--feature-options: every key known, whole numbers whole, switches 0 or 1; a refusal names the option and the key.</summary>
public sealed class FeatureOptionsTests
{
    [Theory]
    [InlineData("random-conv", "filterz=3", "--feature-options filterz=3: ")]
    [InlineData("random-conv", "filters=40000", "--feature-options filters=40000: ")]
    [InlineData("random-conv", "filters=1.5", "--feature-options filters=1.5: ")] // nothing is rounded
    [InlineData("random-conv", "normalize=2", "--feature-options normalize=2: ")] // nor read as "on"
    [InlineData("gabor", "scales=2.5", "--feature-options scales=2.5: ")]
    [InlineData("gabor", "pool=1,pool=2", "--feature-options pool=2: ")]
    public void Bad_feature_options_name_the_option(string map, string options, string start) =>
        Assert.StartsWith(start, Assert.Throws<CommandLineException>(() => FeatureOptions.Parse(map, options, 0)).Message);

    [Fact]
    public void Options_become_the_typed_config()
    {
        Assert.Equal(new RandomConvConfig(Filters: 64, Patch: 3, Source: FilterSource.Gaussian, Threshold: 0.5, Grid: 3, Seed: 7, Signs: 2, Normalize: true, Block: 8, Stream: false),
            FeatureOptions.Parse("random-conv", "filters=64,patch=3,gaussian=1,threshold=0.5,grid=3,signs=2,normalize=1,block=8,stream=0", 7));
        Assert.Equal(new GaborConfig(Scales: 2, Orientations: 4, Sigma0: 1.5, Pool: 7), FeatureOptions.Parse("gabor", "scales=2,orientations=4,sigma0=1.5,pool=7", 0));
    }

    [Fact]
    public void A_config_parameter_maps_to_its_option_key()
    {
        var e = Assert.Throws<Rethink.Core.UserInputException>(() => new RandomConvConfig(Source: FilterSource.Gaussian, Signs: 3).Validate());
        Assert.Equal("--feature-options signs", OptionNames.For(e.Parameter));
        Assert.StartsWith("--feature-options signs=3: ", OptionNames.Describe(e));
        Assert.Equal("--feature-options gaussian", OptionNames.For("RandomConvConfig.Source"));
        Assert.Equal("--feature-options sigma0", OptionNames.For("GaborConfig.Sigma0"));
    }
}
