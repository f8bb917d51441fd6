using Rethink.Kernels;
using Rethink.Kernels.Cuda;
using Xunit;

namespace Rethink.Properties;

/// <summary>Sets Skip when no CUDA backend can be created here (no GPU, no driver or no CUDA libraries), with the reason.</summary>
public sealed class CudaFactAttribute : FactAttribute
{
    private static readonly Lazy<string?> Reason = new(() =>
    {
        try
        {
            return KernelBackends.Create("cuda", out _) is CudaKernelBackend ? null : "The CUDA backend did not load.";
        }
        catch (Exception e)
        {
            return $"No GPU backend here: {e.Message}";
        }
    });

    public CudaFactAttribute()
    {
        if (Reason.Value is { } reason) Skip = reason;
    }
}

/// <summary>The kernel backend checks on the GPU (run where a GPU is present, skipped otherwise), and GPU against CPU.</summary>
public sealed class CudaBackendTests
{
    private static IKernelBackend Gpu => KernelBackends.Create("cuda", out _);
    private static readonly KernelCase[] Cases = [new(40, 6, 3, 1), new(150, 24, 2, 2), new(9, 1, 1, 3), new(120, 4, 4, 4)];

    [CudaFact]
    public void Solves_positive_definite_systems_backward_stably()
    {
        foreach (var c in Cases) KernelBackendChecks.Solves_positive_definite_systems_backward_stably(Gpu, c, [Precision.Fp64, Precision.Fp32]);
    }

    [CudaFact]
    public void Rank_deficient_systems_get_the_pseudo_inverse_solution()
    {
        foreach (var c in Cases) KernelBackendChecks.Rank_deficient_systems_get_the_pseudo_inverse_solution(Gpu, c);
    }

    [CudaFact]
    public void Duplicate_points_fall_back_to_the_eigendecomposition() => KernelBackendChecks.Duplicate_points_fall_back_to_the_eigendecomposition(Gpu);

    [CudaFact]
    public void Predictions_equal_the_direct_kernel_expansion()
    {
        foreach (var c in Cases) KernelBackendChecks.Predictions_equal_the_direct_kernel_expansion(Gpu, c);
    }

    [CudaFact]
    public void Ridge_solves_the_regularized_system() => KernelBackendChecks.Ridge_solves_the_regularized_system(Gpu);

    [CudaFact]
    public void Bad_inputs_are_typed_errors() => KernelBackendChecks.Bad_inputs_are_typed_errors(Gpu);

    [CudaFact]
    public void Gpu_and_cpu_fp64_solves_agree()
    {
        var c = new KernelCase(500, 30, 10, 7);
        var x = c.Points();
        var y = c.Y();
        var kernel = new GaussianKernel(1.0 / 30);
        using var gpu = Gpu.Fit(x, y, 10, kernel, new SolveOptions(Precision.Fp64));
        using var cpu = LapackKernelBackend.Create().Fit(x, y, 10, kernel, new SolveOptions(Precision.Fp64));
        var test = c.Points(rows: 200, salt: 9);
        var a = gpu.Predict(test);
        var b = cpu.Predict(test);
        for (var i = 0; i < a.Length; i++) Assert.Equal(b[i], a[i], 8);
    }
}
