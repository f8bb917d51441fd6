using Rethink.Kernels;
using Rethink.Data;
using Rethink.Kernels.Devices;
using Rethink.Features;

namespace Rethink.Experiments;

/// <summary>
/// One kernel interpolation experiment, typed (strings are parsed once, at the console), validated by
/// <see cref="Validate"/>, and written verbatim next to its result.
/// </summary>
/// <param name="Dataset">mnist, fashion-mnist, cifar10, or a path.</param>
/// <param name="Kernel">The kernel and how its bandwidth is chosen.</param>
/// <param name="Train">Training points (null: all).</param>
/// <param name="Test">Test points (null: all).</param>
/// <param name="Subset">How subsets are chosen.</param>
/// <param name="Precision">fp32 or fp64.</param>
/// <param name="Ridge">λ (0: exact interpolation).</param>
/// <param name="Device">Where to compute.</param>
/// <param name="Method">auto, cholesky, eigen.</param>
/// <param name="Randomization">The randomization test applied to the training set (null: true labels).</param>
/// <param name="Seed">Master seed (subsets, bandwidth sample).</param>
/// <param name="Features">Feature map applied before the kernel (null: raw pixels ÷ 255).</param>
/// <param name="Layout">Process grid and block size for <see cref="ComputeDevice.Scalapack"/> (null: defaults).</param>
public sealed record KernelFitConfig(
    string Dataset,
    KernelSpec Kernel,
    int? Train = null,
    int? Test = null,
    SubsetKind Subset = SubsetKind.First,
    Precision Precision = Precision.Fp64,
    double Ridge = 0,
    ComputeDevice Device = ComputeDevice.Cpu,
    SolveMethod Method = SolveMethod.Auto,
    Randomization? Randomization = null,
    int Seed = 0,
    FeatureMapConfig? Features = null,
    DistributedLayout? Layout = null)
{
    /// <summary>The randomization in effect (true labels when none is given).</summary>
    public Randomization Labels => Randomization ?? Data.Randomization.None;

    public void Validate()
    {
        if (string.IsNullOrWhiteSpace(Dataset)) throw new ArgumentException("--dataset is required.", nameof(Dataset));
        ArgumentNullException.ThrowIfNull(Kernel, nameof(Kernel));
        Kernel.Validate();
        if (Train is < 1) throw new ArgumentOutOfRangeException(nameof(Train), Train, "--train must be at least 1.");
        if (Test is < 0) throw new ArgumentOutOfRangeException(nameof(Test), Test, "--test must be at least 0.");
        if (!(Ridge >= 0) || double.IsInfinity(Ridge)) throw new ArgumentOutOfRangeException(nameof(Ridge), Ridge, "--ridge must be a finite number >= 0.");
        Randomization?.Validate();
        Features?.Validate();
        Layout?.Validate();
    }
}
