using FsCheck.Xunit;
using MathNet.Numerics.LinearAlgebra;
using Rethink.Kernels;
using Rethink.Kernels.Devices;
using Xunit;

namespace Rethink.Properties;

/// <summary>
/// One suite, every device: each CPU device's test class derives from this contract and supplies
/// <see cref="Open"/>; the CUDA class runs the same <see cref="DeviceChecks"/> under an attribute that
/// skips only where there is no GPU; ScaLAPACK runs them under mpirun (<c>ScalapackTests</c>).
/// </summary>
public abstract class DeviceContract
{
    protected abstract IDenseDevice Open(Precision precision);

    /// <summary>Precisions the device computes in.</summary>
    protected virtual Precision[] Precisions => [Precision.Fp64, Precision.Fp32];

    [Property(Arbitrary = [typeof(KernelArbitraries)], MaxTest = 20)]
    public void Solves_positive_definite_systems_backward_stably(KernelCase c) => DeviceChecks.Solves_positive_definite_systems_backward_stably(Open, c, Precisions);

    [Property(Arbitrary = [typeof(KernelArbitraries)], MaxTest = 20)]
    public void Rank_deficient_systems_get_the_pseudo_inverse_solution(KernelCase c) => DeviceChecks.Rank_deficient_systems_get_the_pseudo_inverse_solution(Open, c);

    [Fact]
    public void Duplicate_points_fall_back_to_the_eigendecomposition() => DeviceChecks.Duplicate_points_fall_back_to_the_eigendecomposition(Open);

    [Property(Arbitrary = [typeof(KernelArbitraries)], MaxTest = 15)]
    public void Predictions_equal_the_direct_kernel_expansion(KernelCase c) => DeviceChecks.Predictions_equal_the_direct_kernel_expansion(Open, c);

    [Property(Arbitrary = [typeof(KernelArbitraries)], MaxTest = 10)]
    public void Small_tiles_give_the_same_solve(KernelCase c) => DeviceChecks.Small_tiles_give_the_same_solve(Open, c);

    [Property(Arbitrary = [typeof(KernelArbitraries)], MaxTest = 10)]
    public void Inner_products_solve_like_the_points(KernelCase c) => DeviceChecks.Inner_products_solve_like_the_points(Open, c);

    [Fact]
    public void Ridge_solves_the_regularized_system() => DeviceChecks.Ridge_solves_the_regularized_system(Open);

    [Fact]
    public void Bad_inputs_are_typed_errors() => DeviceChecks.Bad_inputs_are_typed_errors(Open);
}

public sealed class LapackDeviceTests : DeviceContract
{
    protected override IDenseDevice Open(Precision precision) => LapackDevice.Open(precision);

    [Property(Arbitrary = [typeof(KernelArbitraries)], MaxTest = 15)]
    public void Native_and_managed_devices_agree(KernelCase c)
    {
        c = c with { D = Math.Max(c.D, 4) };
        var x = c.Points();
        var y = c.Y();
        var kernel = new GaussianKernel(1.0 / c.D);
        using var lapack = LapackDevice.Open(Precision.Fp64);
        using var managed = new ManagedDevice();
        using var a = new MinimumNormSolver(lapack).Fit(x, y, c.Targets, kernel, new SolveOptions(Precision.Fp64));
        using var b = new MinimumNormSolver(managed).Fit(x, y, c.Targets, kernel, new SolveOptions(Precision.Fp64));
        var alphaA = Matrix<double>.Build.Dense(c.N, c.Targets, a.Alpha);
        var alphaB = Matrix<double>.Build.Dense(c.N, c.Targets, b.Alpha);
        var k = DeviceChecks.ReferenceGram(kernel, x);
        var tolerance = 1e-13 * k.ConditionNumber() * alphaB.FrobeniusNorm();
        Assert.True((alphaA - alphaB).FrobeniusNorm() <= tolerance + 1e-12, $"|lapack - managed| = {(alphaA - alphaB).FrobeniusNorm()}, allowed {tolerance}");
        Assert.Equal(b.Report.RkhsNorm, a.Report.RkhsNorm, 6);
        Assert.Equal(b.Report.KernelNorm, a.Report.KernelNorm, 9);
    }
}

public sealed class ManagedDeviceTests : DeviceContract
{
    protected override IDenseDevice Open(Precision precision) => new ManagedDevice();
    protected override Precision[] Precisions => [Precision.Fp64];
}
