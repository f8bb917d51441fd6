using System.Runtime.InteropServices;

namespace Rethink.Kernels.Cuda;

/// <summary>
/// The CUDA driver and runtime, cuBLAS (64-bit integer API, <c>*_64</c>) and cuSOLVER's generic 64-bit
/// dense API (<c>cusolverDnX*</c>). Library names are logical; <see cref="CudaLibraries"/> resolves them
/// to one consistent set of versioned files. Column-major throughout.
/// </summary>
internal static unsafe partial class CudaNative
{
    public const string Driver = "cuda";
    public const string Runtime = "cudart";
    public const string Blas = "cublas";
    public const string Solver = "cusolver";

    // cudaDataType
    public const int R32F = 0;
    public const int R64F = 1;
    // cublasFillMode_t
    public const int Lower = 0;
    public const int Upper = 1;
    // cublasOperation_t
    public const int OpN = 0;
    public const int OpT = 1;
    // cublasSideMode_t
    public const int Left = 0;
    // cusolverEigMode_t
    public const int EigenVectors = 1;

    [LibraryImport(Driver)] public static partial int cuInit(uint flags);
    [LibraryImport(Driver)] public static partial int cuDriverGetVersion(int* version);
    [LibraryImport(Driver)] public static partial int cuDeviceGetCount(int* count);
    [LibraryImport(Driver, EntryPoint = "cuCtxSetCurrent")] public static partial int cuCtxSetCurrent(IntPtr context);

    [LibraryImport(Runtime)] public static partial int cudaMemGetInfo(nuint* free, nuint* total);
    [LibraryImport(Runtime)] public static partial int cudaDeviceSynchronize();
    [LibraryImport(Runtime)] public static partial int cudaRuntimeGetVersion(int* version);

    [LibraryImport(Blas, EntryPoint = "cublasCreate_v2")] public static partial int cublasCreate(IntPtr* handle);
    [LibraryImport(Blas, EntryPoint = "cublasDestroy_v2")] public static partial int cublasDestroy(IntPtr handle);
    [LibraryImport(Blas, EntryPoint = "cublasGetVersion_v2")] public static partial int cublasGetVersion(IntPtr handle, int* version);
    [LibraryImport(Blas, EntryPoint = "cublasSetStream_v2")] public static partial int cublasSetStream(IntPtr handle, IntPtr stream);
    [LibraryImport(Blas, EntryPoint = "cublasDgemm_v2_64")]
    public static partial int cublasDgemm(IntPtr handle, int transa, int transb, long m, long n, long k, double* alpha, double* a, long lda, double* b, long ldb, double* beta, double* c, long ldc);
    [LibraryImport(Blas, EntryPoint = "cublasSgemm_v2_64")]
    public static partial int cublasSgemm(IntPtr handle, int transa, int transb, long m, long n, long k, float* alpha, float* a, long lda, float* b, long ldb, float* beta, float* c, long ldc);
    [LibraryImport(Blas, EntryPoint = "cublasDsyrk_v2_64")]
    public static partial int cublasDsyrk(IntPtr handle, int uplo, int trans, long n, long k, double* alpha, double* a, long lda, double* beta, double* c, long ldc);
    [LibraryImport(Blas, EntryPoint = "cublasSsyrk_v2_64")]
    public static partial int cublasSsyrk(IntPtr handle, int uplo, int trans, long n, long k, float* alpha, float* a, long lda, float* beta, float* c, long ldc);
    [LibraryImport(Blas, EntryPoint = "cublasDsymm_v2_64")]
    public static partial int cublasDsymm(IntPtr handle, int side, int uplo, long m, long n, double* alpha, double* a, long lda, double* b, long ldb, double* beta, double* c, long ldc);
    [LibraryImport(Blas, EntryPoint = "cublasSsymm_v2_64")]
    public static partial int cublasSsymm(IntPtr handle, int side, int uplo, long m, long n, float* alpha, float* a, long lda, float* b, long ldb, float* beta, float* c, long ldc);
    [LibraryImport(Blas, EntryPoint = "cublasDnrm2_v2_64")]
    public static partial int cublasDnrm2(IntPtr handle, long n, double* x, long incx, double* result);
    [LibraryImport(Blas, EntryPoint = "cublasSnrm2_v2_64")]
    public static partial int cublasSnrm2(IntPtr handle, long n, float* x, long incx, float* result);

    [LibraryImport(Solver)] public static partial int cusolverGetVersion(int* version);
    [LibraryImport(Solver)] public static partial int cusolverDnCreate(IntPtr* handle);
    [LibraryImport(Solver)] public static partial int cusolverDnDestroy(IntPtr handle);
    [LibraryImport(Solver)] public static partial int cusolverDnSetStream(IntPtr handle, IntPtr stream);
    [LibraryImport(Solver)] public static partial int cusolverDnCreateParams(IntPtr* parameters);
    [LibraryImport(Solver)] public static partial int cusolverDnDestroyParams(IntPtr parameters);

    [LibraryImport(Solver)]
    public static partial int cusolverDnXpotrf_bufferSize(IntPtr handle, IntPtr parameters, int uplo, long n, int dataTypeA, void* a, long lda, int computeType, nuint* workDevice, nuint* workHost);
    [LibraryImport(Solver)]
    public static partial int cusolverDnXpotrf(IntPtr handle, IntPtr parameters, int uplo, long n, int dataTypeA, void* a, long lda, int computeType, void* bufferDevice, nuint workDevice, void* bufferHost, nuint workHost, int* info);
    [LibraryImport(Solver)]
    public static partial int cusolverDnXpotrs(IntPtr handle, IntPtr parameters, int uplo, long n, long nrhs, int dataTypeA, void* a, long lda, int dataTypeB, void* b, long ldb, int* info);
    [LibraryImport(Solver)]
    public static partial int cusolverDnXsyevd_bufferSize(IntPtr handle, IntPtr parameters, int jobz, int uplo, long n, int dataTypeA, void* a, long lda, int dataTypeW, void* w, int computeType, nuint* workDevice, nuint* workHost);
    [LibraryImport(Solver)]
    public static partial int cusolverDnXsyevd(IntPtr handle, IntPtr parameters, int jobz, int uplo, long n, int dataTypeA, void* a, long lda, int dataTypeW, void* w, int computeType, void* bufferDevice, nuint workDevice, void* bufferHost, nuint workHost, int* info);
}
