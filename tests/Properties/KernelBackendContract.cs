using FsCheck.Xunit;
using MathNet.Numerics.LinearAlgebra;
using Rethink.Kernels;
using Xunit;

namespace Rethink.Properties;

/// <summary>
/// One suite, every backend: each CPU backend's test class derives from this contract and supplies
/// <see cref="Backend"/>; the CUDA class runs the same <see cref="KernelBackendChecks"/> under an
/// attribute that skips without a GPU.
/// </summary>
public abstract class KernelBackendContract
{
    protected abstract IKernelBackend Backend { get; }

    /// <summary>Precisions the backend computes in.</summary>
    protected virtual Precision[] Precisions => [Precision.Fp64, Precision.Fp32];

    [Property(Arbitrary = [typeof(KernelArbitraries)], MaxTest = 20)]
    public void Solves_positive_definite_systems_backward_stably(KernelCase c) => KernelBackendChecks.Solves_positive_definite_systems_backward_stably(Backend, c, Precisions);

    [Property(Arbitrary = [typeof(KernelArbitraries)], MaxTest = 20)]
    public void Rank_deficient_systems_get_the_pseudo_inverse_solution(KernelCase c) => KernelBackendChecks.Rank_deficient_systems_get_the_pseudo_inverse_solution(Backend, c);

    [Fact]
    public void Duplicate_points_fall_back_to_the_eigendecomposition() => KernelBackendChecks.Duplicate_points_fall_back_to_the_eigendecomposition(Backend);

    [Property(Arbitrary = [typeof(KernelArbitraries)], MaxTest = 15)]
    public void Predictions_equal_the_direct_kernel_expansion(KernelCase c) => KernelBackendChecks.Predictions_equal_the_direct_kernel_expansion(Backend, c);

    [Fact]
    public void Ridge_solves_the_regularized_system() => KernelBackendChecks.Ridge_solves_the_regularized_system(Backend);

    [Fact]
    public void Bad_inputs_are_typed_errors() => KernelBackendChecks.Bad_inputs_are_typed_errors(Backend);
}

public sealed class LapackBackendTests : KernelBackendContract
{
    protected override IKernelBackend Backend { get; } = LapackKernelBackend.Create();

    public void Native_and_managed_backends_agree(KernelCase c)
    {
        c = c with { D = Math.Max(c.D, 4) };
        var x = c.Points();
        var y = c.Y();
        var kernel = new GaussianKernel(1.0 / c.D);
        using var native = Backend.Fit(x, y, c.Targets, kernel, new SolveOptions(Precision.Fp64));
        using var managed = new ManagedKernelBackend().Fit(x, y, c.Targets, kernel, new SolveOptions(Precision.Fp64));
        var a = Matrix<double>.Build.Dense(c.N, c.Targets, native.Alpha);
        var b = Matrix<double>.Build.Dense(c.N, c.Targets, managed.Alpha);
        var k = Matrix<double>.Build.Dense(c.N, c.N, kernel.Gram(x));
        var tolerance = 1e-13 * k.ConditionNumber() * b.FrobeniusNorm();
        Assert.True((a - b).FrobeniusNorm() <= tolerance + 1e-12, $"|native - managed| = {(a - b).FrobeniusNorm()}, allowed {tolerance}");
        Assert.Equal(managed.Report.RkhsNorm, native.Report.RkhsNorm, 6);
    }
}

public sealed class ManagedBackendTests : KernelBackendContract
{
    protected override IKernelBackend Backend { get; } = new ManagedKernelBackend();
    protected override Precision[] Precisions => [Precision.Fp64];
}
