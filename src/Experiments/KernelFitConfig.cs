using Rethink.Core;
using Rethink.Kernels;
using Rethink.Data;
using Rethink.Kernels.Devices;
using Rethink.Features;

namespace Rethink.Experiments;

/// <summary>
/// One kernel interpolation experiment, typed (strings are parsed once, at the console), validated by
/// <see cref="Validate"/>, and written verbatim next to its result: what it computes, hashed into its cache
/// key. Where it computes (<see cref="DeviceRequest"/>) is given beside it, not in it.
/// </summary>
/// <param name="Dataset">MNIST, Fashion-MNIST, CIFAR-10, or a folder.</param>
/// <param name="Kernel">The kernel and how its bandwidth is chosen.</param>
/// <param name="Train">Training points (null: all).</param>
/// <param name="Test">Test points (null: all).</param>
/// <param name="Subset">How subsets are chosen.</param>
/// <param name="Precision">fp32 or fp64.</param>
/// <param name="Ridge">λ (0: exact interpolation).</param>
/// <param name="Method">auto, cholesky, eigen.</param>
/// <param name="Randomization">The randomization test applied to the training set (null: true labels).</param>
/// <param name="Seed">Master seed (subsets, bandwidth sample).</param>
/// <param name="Features">Feature map applied before the kernel (null: raw pixels ÷ 255).</param>
public sealed record KernelFitConfig(
    DatasetId Dataset,
    KernelSpec Kernel,
    int? Train = null,
    int? Test = null,
    SubsetKind Subset = SubsetKind.First,
    Precision Precision = Precision.Fp64,
    double Ridge = 0,
    SolveMethod Method = SolveMethod.Auto,
    Randomization? Randomization = null,
    int Seed = 0,
    FeatureMapConfig? Features = null)
{
    /// <summary>The randomization in effect (true labels when none is given).</summary>
    public Randomization Labels => Randomization ?? Data.Randomization.None;

    /// <summary>Throws <see cref="UserInputException"/> naming the first parameter out of range.</summary>
    public void Validate()
    {
        ArgumentNullException.ThrowIfNull(Kernel, nameof(Kernel));
        Kernel.Validate();
        if (Train is < 1) throw new UserInputException(nameof(Train), Train, "a fit needs at least one training point; give 1 or more, or leave it out for all.");
        if (Test is < 1) throw new UserInputException(nameof(Test), Test, "a fit needs at least one test point; give 1 or more, or leave it out for all.");
        if (!(Ridge >= 0) || double.IsInfinity(Ridge)) throw new UserInputException(nameof(Ridge), Ridge, "a finite number >= 0.");
        Randomization?.Validate();
        Features?.Validate();
    }
}
