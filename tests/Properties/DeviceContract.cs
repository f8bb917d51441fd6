using FsCheck.Xunit;
using MathNet.Numerics.LinearAlgebra;
using Rethink.Kernels;
using Rethink.Kernels.Devices;
using Rethink.Testing;
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
        using var a = new MinimumNormSolver(lapack).Fit(x, new Targets(y, c.Targets), kernel, new SolveOptions(Precision.Fp64));
        using var b = new MinimumNormSolver(managed).Fit(x, new Targets(y, c.Targets), kernel, new SolveOptions(Precision.Fp64));
        var alphaA = Matrix<double>.Build.Dense(c.N, c.Targets, a.Alpha);
        var alphaB = Matrix<double>.Build.Dense(c.N, c.Targets, b.Alpha);
        // Two backward-stable solves of the same K (each within the Gram's rounding of the reference): their
        // difference is K⁻¹(r_a − r_b), so at most |r_a − r_b|/λ_min(K); the norms move by the Gram's rounding.
        var system = new ReferenceSystem(DeviceChecks.ReferenceGram(kernel, x), Matrix<double>.Build.Dense(c.N, c.Targets, y));
        var gramDifference = DeviceChecks.EntryBounds(kernel, x, x, Precision.Fp64).FrobeniusNorm();
        system.AssertBackwardStable(alphaA, gramDifference, ErrorBound.U64, "lapack");
        system.AssertBackwardStable(alphaB, gramDifference, ErrorBound.U64, "managed");
        Within.Bound((alphaA - alphaB).FrobeniusNorm(), system.SolutionDifferenceBound(alphaA, alphaB), "|alpha(lapack) - alpha(managed)|",
            "|r_a - r_b| / lambda_min(K); " + ErrorBound.Inputs(("lambda_min", system.SmallestEigenvalueLowerBound)));
        var alphaNorm = Math.Max(alphaA.FrobeniusNorm(), alphaB.FrobeniusNorm());
        var quadratic = (2 * gramDifference + 2 * ErrorBound.Gamma(c.N + 2, ErrorBound.U64) * c.N) * alphaNorm * alphaNorm
                        + 2 * system.LargestEigenvalue * alphaNorm * (alphaA - alphaB).FrobeniusNorm();
        Within.Bound(a.Report.RkhsNorm - b.Report.RkhsNorm, quadratic / Math.Max(b.Report.RkhsNorm, 1e-300), "RKHS norm lapack vs managed",
            "(2|dK|_F + 2 gamma_{n+2} n)|alpha|^2 + 2 lambda_max |alpha||alpha_a - alpha_b|, over sqrt(alpha'K alpha)");
        Within.Bound(a.Report.KernelNorm - b.Report.KernelNorm, 2 * (gramDifference + ErrorBound.Gamma(c.N * c.N, ErrorBound.U64) * system.KernelNorm),
            "|K|_F lapack vs managed", "2(|dK|_F + gamma_{n^2}|K|_F)");
    }
}

public sealed class ManagedDeviceTests : DeviceContract
{
    protected override IDenseDevice Open(Precision precision) => new ManagedDevice();
    protected override Precision[] Precisions => [Precision.Fp64];
}
