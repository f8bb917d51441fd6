using System.Runtime.InteropServices;

namespace Rethink.Kernels.Scalapack;

/// <summary>
/// BLACS's C interface (process grid, reductions; <c>Cblacs_pinfo</c> initializes MPI) and ScaLAPACK's
/// Fortran routines (LP64: 32-bit integers by reference, character arguments followed by their hidden
/// lengths) from Debian's libscalapack-openmpi. Descriptors are the 9-integer array descinit_ fills.
/// </summary>
internal static unsafe partial class ScalapackNative
{
    public const string Library = "scalapack";

    [LibraryImport(Library)] public static partial void Cblacs_pinfo(int* rank, int* processes);
    [LibraryImport(Library)] public static partial void Cblacs_get(int context, int what, int* value);
    [LibraryImport(Library)] public static partial void Cblacs_gridinit(int* context, byte* order, int rows, int columns);
    [LibraryImport(Library)] public static partial void Cblacs_gridinfo(int context, int* rows, int* columns, int* myRow, int* myColumn);
    [LibraryImport(Library)] public static partial void Cblacs_gridexit(int context);
    [LibraryImport(Library)] public static partial void Cblacs_exit(int notDone);
    [LibraryImport(Library)] public static partial void Cblacs_abort(int context, int error);
    [LibraryImport(Library)] public static partial void Cblacs_barrier(int context, byte* scope);
    [LibraryImport(Library)] public static partial void Cdgsum2d(int context, byte* scope, byte* top, int m, int n, double* a, int lda, int rowDestination, int columnDestination);
    [LibraryImport(Library)] public static partial void Cdgamx2d(int context, byte* scope, byte* top, int m, int n, double* a, int lda, int* rA, int* cA, int ldia, int rowDestination, int columnDestination);

    [LibraryImport(Library, EntryPoint = "numroc_")] public static partial int numroc(int* n, int* nb, int* process, int* sourceProcess, int* processes);
    [LibraryImport(Library, EntryPoint = "descinit_")] public static partial void descinit(int* desc, int* m, int* n, int* mb, int* nb, int* rowSource, int* columnSource, int* context, int* lld, int* info);

    [LibraryImport(Library, EntryPoint = "pdpotrf_")] public static partial void pdpotrf(byte* uplo, int* n, double* a, int* ia, int* ja, int* desc, int* info, nuint l1);
    [LibraryImport(Library, EntryPoint = "pspotrf_")] public static partial void pspotrf(byte* uplo, int* n, float* a, int* ia, int* ja, int* desc, int* info, nuint l1);
    [LibraryImport(Library, EntryPoint = "pdpotrs_")] public static partial void pdpotrs(byte* uplo, int* n, int* nrhs, double* a, int* ia, int* ja, int* descA, double* b, int* ib, int* jb, int* descB, int* info, nuint l1);
    [LibraryImport(Library, EntryPoint = "pspotrs_")] public static partial void pspotrs(byte* uplo, int* n, int* nrhs, float* a, int* ia, int* ja, int* descA, float* b, int* ib, int* jb, int* descB, int* info, nuint l1);

    [LibraryImport(Library, EntryPoint = "pdsyevd_")]
    public static partial void pdsyevd(byte* jobz, byte* uplo, int* n, double* a, int* ia, int* ja, int* descA, double* w, double* z, int* iz, int* jz, int* descZ, double* work, int* lwork, int* iwork, int* liwork, int* info, nuint l1, nuint l2);
    [LibraryImport(Library, EntryPoint = "pssyevd_")]
    public static partial void pssyevd(byte* jobz, byte* uplo, int* n, float* a, int* ia, int* ja, int* descA, float* w, float* z, int* iz, int* jz, int* descZ, float* work, int* lwork, int* iwork, int* liwork, int* info, nuint l1, nuint l2);

    [LibraryImport(Library, EntryPoint = "pdgemm_")]
    public static partial void pdgemm(byte* transA, byte* transB, int* m, int* n, int* k, double* alpha, double* a, int* ia, int* ja, int* descA, double* b, int* ib, int* jb, int* descB, double* beta, double* c, int* ic, int* jc, int* descC, nuint l1, nuint l2);
    [LibraryImport(Library, EntryPoint = "psgemm_")]
    public static partial void psgemm(byte* transA, byte* transB, int* m, int* n, int* k, float* alpha, float* a, int* ia, int* ja, int* descA, float* b, int* ib, int* jb, int* descB, float* beta, float* c, int* ic, int* jc, int* descC, nuint l1, nuint l2);

    [LibraryImport(Library, EntryPoint = "pdsymm_")]
    public static partial void pdsymm(byte* side, byte* uplo, int* m, int* n, double* alpha, double* a, int* ia, int* ja, int* descA, double* b, int* ib, int* jb, int* descB, double* beta, double* c, int* ic, int* jc, int* descC, nuint l1, nuint l2);
    [LibraryImport(Library, EntryPoint = "pssymm_")]
    public static partial void pssymm(byte* side, byte* uplo, int* m, int* n, float* alpha, float* a, int* ia, int* ja, int* descA, float* b, int* ib, int* jb, int* descB, float* beta, float* c, int* ic, int* jc, int* descC, nuint l1, nuint l2);

    [LibraryImport("blas", EntryPoint = "openblas_set_num_threads")] public static partial void openblas_set_num_threads(int threads);
}
