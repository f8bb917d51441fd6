using System.Runtime.InteropServices;

namespace Rethink.Kernels.Native;

/// <summary>
/// Fortran BLAS/LAPACK entry points (LP64: 32-bit integers, every argument by reference, character
/// arguments followed by their hidden lengths as gfortran passes them). Column-major throughout.
/// </summary>
internal static unsafe partial class Lapack
{
    private const string Blas = "blas";
    private const string LapackLib = "lapack";

    [LibraryImport(Blas, EntryPoint = "dsyrk_")]
    internal static partial void dsyrk(byte* uplo, byte* trans, int* n, int* k, double* alpha, double* a, int* lda, double* beta, double* c, int* ldc, nuint l1, nuint l2);

    [LibraryImport(Blas, EntryPoint = "ssyrk_")]
    internal static partial void ssyrk(byte* uplo, byte* trans, int* n, int* k, float* alpha, float* a, int* lda, float* beta, float* c, int* ldc, nuint l1, nuint l2);

    [LibraryImport(Blas, EntryPoint = "dgemm_")]
    internal static partial void dgemm(byte* transa, byte* transb, int* m, int* n, int* k, double* alpha, double* a, int* lda, double* b, int* ldb, double* beta, double* c, int* ldc, nuint l1, nuint l2);

    [LibraryImport(Blas, EntryPoint = "sgemm_")]
    internal static partial void sgemm(byte* transa, byte* transb, int* m, int* n, int* k, float* alpha, float* a, int* lda, float* b, int* ldb, float* beta, float* c, int* ldc, nuint l1, nuint l2);

    [LibraryImport(Blas, EntryPoint = "dsymm_")]
    internal static partial void dsymm(byte* side, byte* uplo, int* m, int* n, double* alpha, double* a, int* lda, double* b, int* ldb, double* beta, double* c, int* ldc, nuint l1, nuint l2);

    [LibraryImport(Blas, EntryPoint = "ssymm_")]
    internal static partial void ssymm(byte* side, byte* uplo, int* m, int* n, float* alpha, float* a, int* lda, float* b, int* ldb, float* beta, float* c, int* ldc, nuint l1, nuint l2);

    [LibraryImport(LapackLib, EntryPoint = "dpotrf_")]
    internal static partial void dpotrf(byte* uplo, int* n, double* a, int* lda, int* info, nuint l1);

    [LibraryImport(LapackLib, EntryPoint = "spotrf_")]
    internal static partial void spotrf(byte* uplo, int* n, float* a, int* lda, int* info, nuint l1);

    [LibraryImport(LapackLib, EntryPoint = "dpotrs_")]
    internal static partial void dpotrs(byte* uplo, int* n, int* nrhs, double* a, int* lda, double* b, int* ldb, int* info, nuint l1);

    [LibraryImport(LapackLib, EntryPoint = "spotrs_")]
    internal static partial void spotrs(byte* uplo, int* n, int* nrhs, float* a, int* lda, float* b, int* ldb, int* info, nuint l1);

    [LibraryImport(LapackLib, EntryPoint = "dsyevd_")]
    internal static partial void dsyevd(byte* jobz, byte* uplo, int* n, double* a, int* lda, double* w, double* work, int* lwork, int* iwork, int* liwork, int* info, nuint l1, nuint l2);

    [LibraryImport(LapackLib, EntryPoint = "ssyevd_")]
    internal static partial void ssyevd(byte* jobz, byte* uplo, int* n, float* a, int* lda, float* w, float* work, int* lwork, int* iwork, int* liwork, int* info, nuint l1, nuint l2);
}
