using System.Runtime.InteropServices;

namespace Rethink.Kernels.Cuda;

/// <summary>A cuBLAS handle; destroyed on dispose (never throwing from the release).</summary>
internal sealed unsafe class CublasHandle : SafeHandle
{
    public CublasHandle() : base(IntPtr.Zero, true)
    {
        IntPtr h;
        CudaException.ThrowIfFailed("cublas", "cublasCreate", CudaNative.cublasCreate(&h));
        SetHandle(h);
    }

    public override bool IsInvalid => handle == IntPtr.Zero;
    public IntPtr Value => handle;
    protected override bool ReleaseHandle() => CudaNative.cublasDestroy(handle) == 0;
}

/// <summary>A cuSOLVER dense handle with its parameter object.</summary>
internal sealed unsafe class CusolverHandle : SafeHandle
{
    public CusolverHandle() : base(IntPtr.Zero, true)
    {
        IntPtr h, p;
        CudaException.ThrowIfFailed("cusolver", "cusolverDnCreate", CudaNative.cusolverDnCreate(&h));
        SetHandle(h);
        var status = CudaNative.cusolverDnCreateParams(&p);
        if (status != 0)
        {
            Dispose();
            CudaException.ThrowIfFailed("cusolver", "cusolverDnCreateParams", status);
        }
        Parameters = p;
    }

    public IntPtr Parameters { get; }
    public override bool IsInvalid => handle == IntPtr.Zero;
    public IntPtr Value => handle;

    protected override bool ReleaseHandle()
    {
        var ok = Parameters == IntPtr.Zero || CudaNative.cusolverDnDestroyParams(Parameters) == 0;
        return CudaNative.cusolverDnDestroy(handle) == 0 && ok;
    }
}
