namespace Rethink.Experiments;

/// <summary>Numbers reported in Zhang et al. (ICLR 2017), for tables that put them beside ours.</summary>
public static class PaperNumbers
{
    /// <summary>One row of the paper's Table 1 (CIFAR-10): train and test accuracy in percent.</summary>
    public sealed record Table1Row(string Model, bool RandomCrop, bool WeightDecay, bool RandomLabels, double Train, double Test);

    public static readonly IReadOnlyList<Table1Row> Table1 =
    [
        new("inception", true, true, false, 100.0, 89.05),
        new("inception", true, false, false, 100.0, 89.31),
        new("inception", false, true, false, 100.0, 86.03),
        new("inception", false, false, false, 100.0, 85.75),
        new("inception", false, false, true, 100.0, 9.78),
        new("inception-no-bn", false, true, false, 100.0, 83.00),
        new("inception-no-bn", false, false, false, 100.0, 82.00),
        new("inception-no-bn", false, false, true, 100.0, 10.12),
        new("alexnet", true, true, false, 99.90, 81.22),
        new("alexnet", true, false, false, 99.82, 79.66),
        new("alexnet", false, true, false, 100.0, 77.36),
        new("alexnet", false, false, false, 100.0, 76.07),
        new("alexnet", false, false, true, 99.82, 9.86),
        new("mlp3x512", false, true, false, 100.0, 53.35),
        new("mlp3x512", false, false, false, 100.0, 52.39),
        new("mlp3x512", false, false, true, 100.0, 10.48),
        new("mlp1x512", false, true, false, 99.80, 50.39),
        new("mlp1x512", false, false, false, 100.0, 50.51),
        new("mlp1x512", false, false, true, 99.34, 10.61),
    ];

    /// <summary>Section 5: minimum-norm kernel interpolation, test error in percent.</summary>
    public const double MnistRawTestError = 1.2;
    public const double MnistRawTestErrorReferenceCode = 1.22;
    public const double MnistGaborTestError = 0.6;
    public const double Cifar10RawTestError = 46;
    public const double Cifar10RandomFeaturesTestError = 17;
    public const double Cifar10RandomFeaturesL2TestError = 15;

    /// <summary>RKHS norms of the MNIST solutions (raw pixels about 220, Gabor wavelets about 390).</summary>
    public const double MnistRawNorm = 220;
    public const double MnistGaborNorm = 390;

    /// <summary>Weight decay coefficient used for Table 1's "weight decay: yes" rows.</summary>
    public const double WeightDecay = 5e-4;
}
