using ILGPU;
using ILGPU.Runtime;
using Rethink.Kernels.Devices;

namespace Rethink.Kernels.Cuda;

/// <summary>cuBLAS (64-bit API) on the runtime's stream, on matrices in ILGPU buffers: the GPU's <see cref="IAcceleratorBlas"/>.</summary>
internal sealed unsafe class CudaBlas(CudaRuntime runtime) : IAcceleratorBlas
{
    public Accelerator Accelerator => runtime.Accelerator;

    public string Name => $"the GPU ({runtime.Hardware}; cuBLAS)";

    public IDisposable Enter() => runtime.Enter();

    public long FreeMemory() => runtime.MemoryInfo().Free;

    public void Gemm<T>(bool transposeA, bool transposeB, long m, long n, long k, ArrayView1D<T, Stride1D.Dense> a, long lda,
        ArrayView1D<T, Stride1D.Dense> b, long ldb, ArrayView1D<T, Stride1D.Dense> c, long ldc, bool accumulate) where T : unmanaged
    {
        var (ta, tb) = (transposeA ? CudaNative.OpT : CudaNative.OpN, transposeB ? CudaNative.OpT : CudaNative.OpN);
        var (pa, pb, pc) = (Views.Address(a), Views.Address(b), Views.Address(c));
        int status;
        if (typeof(T) == typeof(double))
        {
            double one = 1, beta = accumulate ? 1 : 0;
            status = CudaNative.cublasDgemm(runtime.Blas, ta, tb, m, n, k, &one, (double*)pa, lda, (double*)pb, ldb, &beta, (double*)pc, ldc);
        }
        else
        {
            float one = 1, beta = accumulate ? 1 : 0;
            status = CudaNative.cublasSgemm(runtime.Blas, ta, tb, m, n, k, &one, (float*)pa, lda, (float*)pb, ldb, &beta, (float*)pc, ldc);
        }
        CudaException.ThrowIfFailed("cublas", typeof(T) == typeof(double) ? "cublasDgemm_v2_64" : "cublasSgemm_v2_64", status);
    }

    public void SyrkAccumulate<T>(long n, long k, ArrayView1D<T, Stride1D.Dense> a, ArrayView1D<T, Stride1D.Dense> c) where T : unmanaged
    {
        var (pa, pc) = (Views.Address(a), Views.Address(c));
        int status;
        if (typeof(T) == typeof(double))
        {
            double one = 1;
            status = CudaNative.cublasDsyrk(runtime.Blas, CudaNative.Lower, CudaNative.OpT, n, k, &one, (double*)pa, k, &one, (double*)pc, n);
        }
        else
        {
            float one = 1;
            status = CudaNative.cublasSsyrk(runtime.Blas, CudaNative.Lower, CudaNative.OpT, n, k, &one, (float*)pa, k, &one, (float*)pc, n);
        }
        CudaException.ThrowIfFailed("cublas", typeof(T) == typeof(double) ? "cublasDsyrk_v2_64" : "cublasSsyrk_v2_64", status);
    }
}
