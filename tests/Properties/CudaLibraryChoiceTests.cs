using Rethink.Kernels.Cuda;
using Xunit;

namespace Rethink.Properties;

/// <summary>
/// Which cudart/cuBLAS/cuSOLVER set the CUDA device loads, decided from the driver's CUDA version with
/// no GPU needed: the newest set the driver can run whose three libraries all load, never a mix of
/// majors (cuBLAS 13 with cuSOLVER 11 breaks at the first call).
/// </summary>
public class CudaLibraryChoiceTests
{
    private static Func<string, bool> Present(params string[] files) => name => files.Contains(name);

    [Fact]
    public void A_cuda_13_driver_with_both_toolkits_takes_the_13_set()
    {
        var (set, tried) = CudaLibraries.Choose(13000, Present("libcudart.so.13", "libcublas.so.13", "libcusolver.so.12", "libcudart.so.12", "libcublas.so.12", "libcusolver.so.11"));
        Assert.Equal((13, "libcudart.so.13", "libcublas.so.13", "libcusolver.so.12"), set);
        Assert.Empty(tried);
    }

    [Fact]
    public void A_cuda_12_driver_never_takes_cuda_13_libraries()
    {
        var (set, _) = CudaLibraries.Choose(12040, Present("libcudart.so.13", "libcublas.so.13", "libcusolver.so.12", "libcudart.so.12", "libcublas.so.12", "libcusolver.so.11"));
        Assert.Equal(12, set?.Major);
        Assert.Equal("libcusolver.so.11", set?.Solver);
    }

    [Fact]
    public void An_incomplete_newer_set_falls_back_to_a_complete_older_one_and_says_what_was_missing()
    {
        // cuBLAS 13 present, cuSOLVER 12 absent: mixing cuBLAS 13 with cuSOLVER 11 is not an option.
        var (set, tried) = CudaLibraries.Choose(13010, Present("libcudart.so.13", "libcublas.so.13", "libcudart.so.12", "libcublas.so.12", "libcusolver.so.11"));
        Assert.Equal((12, "libcudart.so.12", "libcublas.so.12", "libcusolver.so.11"), set);
        Assert.Equal(["CUDA 13: libcudart.so.13, libcublas.so.13, libcusolver.so.12 (missing)"], tried);
    }

    [Fact]
    public void No_complete_set_is_no_choice()
    {
        var (set, tried) = CudaLibraries.Choose(13000, Present("libcublas.so.13", "libcusolver.so.11"));
        Assert.Null(set);
        Assert.Equal(2, tried.Count);
        Assert.Empty(CudaLibraries.Choose(11080, Present("libcudart.so.12", "libcublas.so.12", "libcusolver.so.11")).Tried);
        Assert.Null(CudaLibraries.Choose(11080, Present("libcudart.so.12", "libcublas.so.12", "libcusolver.so.11")).Set);
    }
}
