using Rethink.Kernels;
using Rethink.Kernels.Cuda;
using Rethink.Kernels.Devices;
using Rethink.Testing;
using Xunit;

namespace Rethink.Properties;

/// <summary>The device checks on the GPU (run where a GPU is present, skipped otherwise), and GPU against CPU.</summary>
public sealed class CudaDeviceTests
{
    private static IDenseDevice Gpu(Precision precision) => CudaDevice.Open(precision);
    private static readonly KernelCase[] Cases = [new(40, 6, 3, 1), new(150, 24, 2, 2), new(9, 1, 1, 3), new(120, 4, 4, 4)];

    [CudaFact]
    public void Solves_positive_definite_systems_backward_stably()
    {
        foreach (var c in Cases) DeviceChecks.Solves_positive_definite_systems_backward_stably(Gpu, c, [Precision.Fp64, Precision.Fp32]);
    }

    [CudaFact]
    public void Rank_deficient_systems_get_the_pseudo_inverse_solution()
    {
        foreach (var c in Cases) DeviceChecks.Rank_deficient_systems_get_the_pseudo_inverse_solution(Gpu, c);
    }

    [CudaFact]
    public void Duplicate_points_fall_back_to_the_eigendecomposition() => DeviceChecks.Duplicate_points_fall_back_to_the_eigendecomposition(Gpu);

    [CudaFact]
    public void Predictions_equal_the_direct_kernel_expansion()
    {
        foreach (var c in Cases) DeviceChecks.Predictions_equal_the_direct_kernel_expansion(Gpu, c);
    }

    [CudaFact]
    public void Small_tiles_give_the_same_solve()
    {
        foreach (var c in Cases) DeviceChecks.Small_tiles_give_the_same_solve(Gpu, c);
    }

    [CudaFact]
    public void Inner_products_solve_like_the_points()
    {
        foreach (var c in Cases) DeviceChecks.Inner_products_solve_like_the_points(Gpu, c);
    }

    [CudaFact]
    public void Ridge_solves_the_regularized_system() => DeviceChecks.Ridge_solves_the_regularized_system(Gpu);

    [CudaFact]
    public void Bad_inputs_are_typed_errors() => DeviceChecks.Bad_inputs_are_typed_errors(Gpu);

    [CudaFact]
    public void Gpu_and_cpu_fp64_solves_agree()
    {
        var c = new KernelCase(500, 30, 10, 7);
        var x = c.Points();
        var y = c.Y();
        var kernel = new GaussianKernel(1.0 / 30);
        using var gpuDevice = Gpu(Precision.Fp64);
        using var cpuDevice = LapackDevice.Open(Precision.Fp64);
        using var gpu = new MinimumNormSolver(gpuDevice).Fit(x, new Targets(y, 10), kernel, new SolveOptions(Precision.Fp64));
        using var cpu = new MinimumNormSolver(cpuDevice).Fit(x, new Targets(y, 10), kernel, new SolveOptions(Precision.Fp64));
        var test = c.Points(rows: 200, salt: 9);
        // Both backward stable for the reference K, so they differ by at most |r_gpu − r_cpu|/λ_min(K); the
        // predictions by that through the cross kernel (tests/Shared).
        var system = new ReferenceSystem(DeviceChecks.ReferenceGram(kernel, x), DeviceChecks.Dense(y, 500, 10));
        var gramDifference = DeviceChecks.EntryBounds(kernel, x, x, Precision.Fp64).FrobeniusNorm();
        var (ag, ac) = (DeviceChecks.Dense(gpu.Alpha, 500, 10), DeviceChecks.Dense(cpu.Alpha, 500, 10));
        system.AssertBackwardStable(ag, gramDifference, ErrorBound.U64, "gpu");
        system.AssertBackwardStable(ac, gramDifference, ErrorBound.U64, "cpu");
        var cross = MathNet.Numerics.LinearAlgebra.Matrix<double>.Build.Dense(500, 200, kernel.Gram(test, x)).Transpose();
        var crossBounds = DeviceChecks.EntryBounds(kernel, test, x, Precision.Fp64);
        system.AssertPredictionsAgree(cross, ag, DeviceChecks.Dense(gpu.Predict(test), 200, 10), ac, DeviceChecks.Dense(cpu.Predict(test), 200, 10),
            i => crossBounds.Row(i).L2Norm(), ErrorBound.U64, "gpu vs cpu");
    }

    [CudaFact]
    public void Streamed_products_accumulate_on_the_gpu_as_on_the_cpu()
    {
        Accumulate<double>(Precision.Fp64);
        Accumulate<float>(Precision.Fp32);
    }

    /// <summary>
    /// K += AᵀA and C += AᵀB over blocks of different widths, from non-zero starting matrices (a resumed
    /// stream), on the GPU's accumulator and on the host's BLAS: the same lower triangle of K and the same C.
    /// </summary>
    private static unsafe void Accumulate<T>(Precision precision) where T : unmanaged, System.Numerics.IFloatingPoint<T>
    {
        var (n, m) = (300, 70);
        var random = new Random(21);
        T Next() => T.CreateTruncating(random.NextDouble() - 0.3);
        using var hostK = new Kernels.Native.NativeBuffer<T>((long)n * n);
        using var hostC = new Kernels.Native.NativeBuffer<T>((long)n * m);
        using var gpuK = new Kernels.Native.NativeBuffer<T>((long)n * n);
        using var gpuC = new Kernels.Native.NativeBuffer<T>((long)n * m);
        for (var j = 0; j < n; j++)
            for (var i = j; i < n; i++)
                hostK.Pointer[(long)j * n + i] = hostK.Pointer[(long)i * n + j] = gpuK.Pointer[(long)j * n + i] = gpuK.Pointer[(long)i * n + j] = Next();
        for (long i = 0; i < (long)n * m; i++) hostC.Pointer[i] = gpuC.Pointer[i] = Next();
        using var device = Gpu(precision);
        using var gpu = GramAccumulators.Open(device as IStreamingDevice, precision, (nint)gpuK.Pointer, (nint)gpuC.Pointer, n, m);
        using var cpu = GramAccumulators.Open(null, precision, (nint)hostK.Pointer, (nint)hostC.Pointer, n, m);
        Assert.Contains("GPU", gpu.Where);
        Assert.Contains("CPU", cpu.Where);
        // Entry by entry, each side within γ_w(u)·(|K₀| + Σ|a||a|) of the exact sum of its w = 106 products and the
        // starting value (Higham (3.5)): the two within twice that of each other.
        var absK = new double[(long)n * n];
        var absC = new double[(long)n * m];
        for (var j = 0; j < n; j++) for (var i = 0; i < n; i++) absK[(long)j * n + i] = Math.Abs(double.CreateTruncating(hostK.Pointer[(long)j * n + i]));
        for (long i = 0; i < (long)n * m; i++) absC[i] = Math.Abs(double.CreateTruncating(hostC.Pointer[i]));
        foreach (var width in new[] { 37, 64, 5 })
        {
            var a = Enumerable.Range(0, n * width).Select(_ => Next()).ToArray();
            var b = Enumerable.Range(0, m * width).Select(_ => Next()).ToArray();
            for (var j = 0; j < n; j++)
                for (var i = j; i < n; i++)
                    for (var t = 0; t < width; t++) absK[(long)j * n + i] += Math.Abs(double.CreateTruncating(a[i * width + t]) * double.CreateTruncating(a[j * width + t]));
            for (var j = 0; j < m; j++)
                for (var i = 0; i < n; i++)
                    for (var t = 0; t < width; t++) absC[(long)j * n + i] += Math.Abs(double.CreateTruncating(a[i * width + t]) * double.CreateTruncating(b[j * width + t]));
            fixed (T* pa = a)
            fixed (T* pb = b)
            {
                gpu.Add((nint)pa, (nint)pb, width);
                cpu.Add((nint)pa, (nint)pb, width);
            }
        }
        gpu.Flush();
        cpu.Flush();
        var gamma = 2 * ErrorBound.Gamma(37 + 64 + 5 + 1, ErrorBound.UnitRoundoff(precision == Precision.Fp32));
        for (var j = 0; j < n; j++)
            for (var i = j; i < n; i++)
                Within.Bound(double.CreateTruncating(gpuK.Pointer[(long)j * n + i]) - double.CreateTruncating(hostK.Pointer[(long)j * n + i]), gamma * absK[(long)j * n + i],
                    $"{precision} K({i},{j})", "2 gamma_{w+1}(u)(|K0| + sum|a||a|)");
        for (long i = 0; i < (long)n * m; i++)
            Within.Bound(double.CreateTruncating(gpuC.Pointer[i]) - double.CreateTruncating(hostC.Pointer[i]), gamma * absC[i], $"{precision} C[{i}]", "2 gamma_{w+1}(u)(|C0| + sum|a||b|)");
    }
}
