using Rethink.Deep;

namespace Rethink.Experiments;

/// <summary>Numbers reported in Zhang et al. (ICLR 2017), for tables that put them beside ours.</summary>
public static class PaperNumbers
{
    /// <summary>One row of the paper's Table 1 (CIFAR-10): train and test accuracy in percent.</summary>
    public sealed record Table1Row(ModelKind Model, bool RandomCrop, bool WeightDecay, bool RandomLabels, double Train, double Test);

    /// <summary>The paper's Table 1, in its order.</summary>
    public static readonly IReadOnlyList<Table1Row> Table1 =
    [
        new(ModelKind.Inception, true, true, false, 100.0, 89.05),
        new(ModelKind.Inception, true, false, false, 100.0, 89.31),
        new(ModelKind.Inception, false, true, false, 100.0, 86.03),
        new(ModelKind.Inception, false, false, false, 100.0, 85.75),
        new(ModelKind.Inception, false, false, true, 100.0, 9.78),
        new(ModelKind.InceptionNoBatchNorm, false, true, false, 100.0, 83.00),
        new(ModelKind.InceptionNoBatchNorm, false, false, false, 100.0, 82.00),
        new(ModelKind.InceptionNoBatchNorm, false, false, true, 100.0, 10.12),
        new(ModelKind.AlexNet, true, true, false, 99.90, 81.22),
        new(ModelKind.AlexNet, true, false, false, 99.82, 79.66),
        new(ModelKind.AlexNet, false, true, false, 100.0, 77.36),
        new(ModelKind.AlexNet, false, false, false, 100.0, 76.07),
        new(ModelKind.AlexNet, false, false, true, 99.82, 9.86),
        new(ModelKind.Mlp3x512, false, true, false, 100.0, 53.35),
        new(ModelKind.Mlp3x512, false, false, false, 100.0, 52.39),
        new(ModelKind.Mlp3x512, false, false, true, 100.0, 10.48),
        new(ModelKind.Mlp1x512, false, true, false, 99.80, 50.39),
        new(ModelKind.Mlp1x512, false, false, false, 100.0, 50.51),
        new(ModelKind.Mlp1x512, false, false, true, 99.34, 10.61),
    ];

    /// <summary>
    /// One row of the paper's Table 2 (Inception V3 on ImageNet): top-1 and top-5 accuracy in percent on the
    /// training and the validation set; the test numbers with early stopping where the paper gives them.
    /// </summary>
    public sealed record Table2Row(bool RandomLabels, bool DataAugmentation, bool Dropout, bool WeightDecay,
        double Top1Train, double Top5Train, double Top1Test, double Top5Test, double? Top1TestEarlyStopping = null, double? Top5TestEarlyStopping = null);

    /// <summary>The paper's Table 2, in its order.</summary>
    public static readonly IReadOnlyList<Table2Row> Table2 =
    [
        new(false, true, true, true, 92.18, 99.21, 77.84, 93.92),
        new(false, true, false, false, 92.33, 99.17, 72.95, 90.43),
        new(false, false, false, true, 90.60, 100.0, 67.18, 86.44, 72.57, 91.31),
        new(false, false, false, false, 99.53, 100.0, 59.80, 80.38, 63.16, 84.49),
        new(true, false, true, true, 91.18, 97.95, 0.09, 0.49),
        new(true, false, false, true, 87.81, 96.15, 0.12, 0.50),
        new(true, false, false, false, 95.20, 99.14, 0.11, 0.56),
    ];

    /// <summary>AlexNet's top-5 test accuracy on ImageNet the paper cites beside Table 2 (Krizhevsky et al. 2012).</summary>
    public const double AlexNetImageNetTop5Test = 83.6;

    /// <summary>Section 5: minimum-norm kernel interpolation, test error in percent.</summary>
    public const double MnistRawTestError = 1.2;

    /// <summary>MNIST raw pixels with the authors' reference code (Gaussian, gamma 0.02): 1.22%.</summary>
    public const double MnistRawTestErrorReferenceCode = 1.22;

    /// <summary>MNIST on Gabor wavelet features.</summary>
    public const double MnistGaborTestError = 0.6;

    /// <summary>CIFAR-10 raw pixels.</summary>
    public const double Cifar10RawTestError = 46;

    /// <summary>CIFAR-10 on 32,000 random convolutional features, interpolating.</summary>
    public const double Cifar10RandomFeaturesTestError = 17;

    /// <summary>CIFAR-10 on the same features with a small ℓ2 regularization.</summary>
    public const double Cifar10RandomFeaturesL2TestError = 15;

    /// <summary>RKHS norms of the MNIST solutions (raw pixels about 220, Gabor wavelets about 390).</summary>
    public const double MnistRawNorm = 220;

    /// <summary>RKHS norm of the MNIST Gabor-feature solution (about 390).</summary>
    public const double MnistGaborNorm = 390;

    /// <summary>Weight decay coefficient used for Table 1's "weight decay: yes" rows.</summary>
    public const double WeightDecay = 5e-4;
}
