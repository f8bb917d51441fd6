using Rethink.Data;

namespace Rethink.Kernels;

/// <summary>
/// One kernel interpolation experiment, validated on construction by <see cref="Validate"/> and written
/// verbatim next to its result.
/// </summary>
/// <param name="Dataset">mnist, fashion-mnist, cifar10, or a path.</param>
/// <param name="Kernel">gaussian, laplacian, polynomial, linear, arc-cosine.</param>
/// <param name="BandwidthRule">given (γ = <paramref name="Bandwidth"/>), median or variance (multiplier = <paramref name="Bandwidth"/>).</param>
/// <param name="Bandwidth">γ for a given Gaussian bandwidth (σ for Laplacian), else the multiplier of the rule.</param>
/// <param name="Train">Training points (null: all).</param>
/// <param name="Test">Test points (null: all).</param>
/// <param name="Subset">How subsets are chosen.</param>
/// <param name="Precision">fp32 or fp64.</param>
/// <param name="Ridge">λ (0: exact interpolation).</param>
/// <param name="Device">cpu, cuda or auto.</param>
/// <param name="Method">auto, cholesky, eigen.</param>
/// <param name="Randomization">A randomization name from Data (true-labels, random-labels, …).</param>
/// <param name="Seed">Master seed (subsets, bandwidth sample, randomization).</param>
/// <param name="Features">Feature pipeline applied before the kernel (null: raw pixels ÷ 255).</param>
/// <param name="Degree">Polynomial degree.</param>
/// <param name="FeatureOptions">Parameters of the feature pipeline, "key=value,…" (e.g. "filters=2048").</param>
public sealed record KernelFitConfig(
    string Dataset,
    string Kernel = "gaussian",
    BandwidthRule BandwidthRule = BandwidthRule.Given,
    double Bandwidth = 0.02,
    int? Train = null,
    int? Test = null,
    SubsetKind Subset = SubsetKind.First,
    Precision Precision = Precision.Fp64,
    double Ridge = 0,
    string Device = "cpu",
    SolveMethod Method = SolveMethod.Auto,
    string Randomization = "true-labels",
    int Seed = 0,
    string? Features = null,
    int Degree = 2,
    string? FeatureOptions = null)
{
    public static readonly IReadOnlyList<string> KernelNames = ["gaussian", "laplacian", "polynomial", "linear", "arc-cosine"];

    public void Validate()
    {
        if (string.IsNullOrWhiteSpace(Dataset)) throw new ArgumentException("--dataset is required.", nameof(Dataset));
        if (!KernelNames.Contains(Kernel)) throw new ArgumentException($"--kernel {Kernel}: choose {string.Join(", ", KernelNames)}.", nameof(Kernel));
        if (!(Bandwidth > 0) || double.IsInfinity(Bandwidth)) throw new ArgumentOutOfRangeException(nameof(Bandwidth), Bandwidth, "--gamma/--bandwidth must be a positive number.");
        if (Train is < 1) throw new ArgumentOutOfRangeException(nameof(Train), Train, "--train must be at least 1.");
        if (Test is < 0) throw new ArgumentOutOfRangeException(nameof(Test), Test, "--test must be at least 0.");
        if (!(Ridge >= 0) || double.IsInfinity(Ridge)) throw new ArgumentOutOfRangeException(nameof(Ridge), Ridge, "--ridge must be a finite number >= 0.");
        if (Degree < 1) throw new ArgumentOutOfRangeException(nameof(Degree), Degree, "--degree must be at least 1.");
        _ = Data.Randomization.Parse(Randomization, seed: Seed);
    }
}
