using ILGPU;
using ILGPU.Runtime;

namespace Rethink.Kernels.Devices;

/// <summary>
/// The two BLAS products a stream needs, on matrices in an ILGPU accelerator's memory (column-major, float or
/// double): cuBLAS on a GPU, <see cref="IlgpuBlas"/>'s plain kernels on any accelerator (ILGPU's CPU accelerator in
/// the tests). Calls are queued on the accelerator's stream in order; <see cref="Enter"/> binds the calling thread.
/// </summary>
public interface IAcceleratorBlas
{
    /// <summary>The accelerator the matrices live on.</summary>
    Accelerator Accelerator { get; }

    /// <summary>Which library computes (written into results).</summary>
    string Name { get; }

    /// <summary>Makes the accelerator current on this thread (and holds whatever lock guards it) until disposed.</summary>
    IDisposable Enter();

    /// <summary>Bytes free on the accelerator now (call inside <see cref="Enter"/>).</summary>
    long FreeMemory();

    /// <summary>C ← op(A)·op(B) (+ C when <paramref name="accumulate"/>), op(A) m×k, op(B) k×n, C m×n.</summary>
    void Gemm<T>(bool transposeA, bool transposeB, long m, long n, long k, ArrayView1D<T, Stride1D.Dense> a, long lda,
        ArrayView1D<T, Stride1D.Dense> b, long ldb, ArrayView1D<T, Stride1D.Dense> c, long ldc, bool accumulate) where T : unmanaged;

    /// <summary>C ← AᵀA + C in C's lower triangle; A k×n (leading dimension k), C n×n.</summary>
    void SyrkAccumulate<T>(long n, long k, ArrayView1D<T, Stride1D.Dense> a, ArrayView1D<T, Stride1D.Dense> c) where T : unmanaged;
}
