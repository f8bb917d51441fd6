using System.Runtime.CompilerServices;

namespace Rethink.Kernels.Native;

/// <summary>
/// Typed calls into the system BLAS/LAPACK for float and double (column-major, lower triangle by
/// convention). Argument errors throw <see cref="LapackException"/>; numerical outcomes (a matrix
/// that is not positive definite, an eigensolver that did not converge) come back as info.
/// </summary>
public static unsafe class NativeLinearAlgebra
{
    static NativeLinearAlgebra() => NativeLibraries.Register(typeof(NativeLinearAlgebra).Assembly);

    private static byte C(char c) => (byte)c;

    /// <summary>Loads BLAS and LAPACK now; throws <see cref="NativeLibraryMissingException"/> naming what was tried.</summary>
    public static (string Blas, string Lapack) Probe()
    {
        try
        {
            // A 1x1 Cholesky touches both libraries' symbols.
            double a = 4, b = 2;
            int n = 1, info;
            byte u = C('L'), t = C('T');
            double one = 1, zero = 0;
            Lapack.dsyrk(&u, &t, &n, &n, &one, &b, &n, &zero, &a, &n, 1, 1);
            Lapack.dpotrf(&u, &n, &a, &n, &info, 1);
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            throw new NativeLibraryMissingException(
                $"No native BLAS/LAPACK could be loaded (blas: {NativeLibraries.Failure("blas") ?? e.Message}; lapack: {NativeLibraries.Failure("lapack") ?? "not tried"}). " +
                "Install it with: sudo apt-get install libopenblas0-pthread liblapack3", e);
        }
        return (NativeLibraries.LoadedFile("blas") ?? "blas", NativeLibraries.LoadedFile("lapack") ?? "lapack");
    }

    /// <summary>C := alpha·Aᵀ·A + beta·C (trans = 'T', A is k×n) or alpha·A·Aᵀ + beta·C (trans = 'N'), lower triangle.</summary>
    public static void Syrk<T>(char trans, int n, int k, T alpha, T* a, int lda, T beta, T* c, int ldc) where T : unmanaged
    {
        byte u = C('L'), t = C(trans);
        if (typeof(T) == typeof(double))
            Lapack.dsyrk(&u, &t, &n, &k, (double*)&alpha, (double*)a, &lda, (double*)&beta, (double*)c, &ldc, 1, 1);
        else
            Lapack.ssyrk(&u, &t, &n, &k, (float*)&alpha, (float*)a, &lda, (float*)&beta, (float*)c, &ldc, 1, 1);
    }

    /// <summary>C := alpha·op(A)·op(B) + beta·C.</summary>
    public static void Gemm<T>(char transA, char transB, int m, int n, int k, T alpha, T* a, int lda, T* b, int ldb, T beta, T* c, int ldc) where T : unmanaged
    {
        byte ta = C(transA), tb = C(transB);
        if (typeof(T) == typeof(double))
            Lapack.dgemm(&ta, &tb, &m, &n, &k, (double*)&alpha, (double*)a, &lda, (double*)b, &ldb, (double*)&beta, (double*)c, &ldc, 1, 1);
        else
            Lapack.sgemm(&ta, &tb, &m, &n, &k, (float*)&alpha, (float*)a, &lda, (float*)b, &ldb, (float*)&beta, (float*)c, &ldc, 1, 1);
    }

    /// <summary>C := alpha·A·B + beta·C with A symmetric m×m, referenced through its <paramref name="uplo"/> triangle.</summary>
    public static void Symm<T>(char uplo, int m, int n, T alpha, T* a, int lda, T* b, int ldb, T beta, T* c, int ldc) where T : unmanaged
    {
        byte s = C('L'), u = C(uplo);
        if (typeof(T) == typeof(double))
            Lapack.dsymm(&s, &u, &m, &n, (double*)&alpha, (double*)a, &lda, (double*)b, &ldb, (double*)&beta, (double*)c, &ldc, 1, 1);
        else
            Lapack.ssymm(&s, &u, &m, &n, (float*)&alpha, (float*)a, &lda, (float*)b, &ldb, (float*)&beta, (float*)c, &ldc, 1, 1);
    }

    /// <summary>Cholesky A = L·Lᵀ of the lower triangle, in place. Returns info: 0 on success, k &gt; 0 when the leading minor of order k is not positive definite.</summary>
    public static int Potrf<T>(int n, T* a, int lda) where T : unmanaged
    {
        byte u = C('L');
        int info;
        if (typeof(T) == typeof(double)) Lapack.dpotrf(&u, &n, (double*)a, &lda, &info, 1);
        else Lapack.spotrf(&u, &n, (float*)a, &lda, &info, 1);
        LapackException.ThrowIfIllegal(typeof(T) == typeof(double) ? "dpotrf" : "spotrf", info);
        return info;
    }

    /// <summary>Solves A·X = B in place in B, given the Cholesky factor from <see cref="Potrf{T}"/>.</summary>
    public static void Potrs<T>(int n, int nrhs, T* a, int lda, T* b, int ldb) where T : unmanaged
    {
        byte u = C('L');
        int info;
        if (typeof(T) == typeof(double)) Lapack.dpotrs(&u, &n, &nrhs, (double*)a, &lda, (double*)b, &ldb, &info, 1);
        else Lapack.spotrs(&u, &n, &nrhs, (float*)a, &lda, (float*)b, &ldb, &info, 1);
        LapackException.ThrowIfIllegal(typeof(T) == typeof(double) ? "dpotrs" : "spotrs", info);
    }

    /// <summary>
    /// Eigendecomposition of the symmetric matrix in the lower triangle of A (divide and conquer):
    /// eigenvalues ascending in W, eigenvectors overwrite A. Returns info (&gt; 0: did not converge).
    /// Workspace is 1 + 6n + 2n² values: the caller checks memory first.
    /// </summary>
    public static int Syevd<T>(int n, T* a, int lda, T* w) where T : unmanaged
    {
        var name = typeof(T) == typeof(double) ? "dsyevd" : "ssyevd";
        T workQuery;
        int iworkQuery;
        var info = SyevdCall(n, a, lda, w, &workQuery, -1, &iworkQuery, -1);
        LapackException.ThrowIfIllegal(name, info);
        var lwork = (int)Math.Min(int.MaxValue, Math.Ceiling(ToDouble(workQuery)));
        var liwork = iworkQuery;
        using var work = new NativeBuffer<T>(lwork);
        using var iwork = new NativeBuffer<int>(liwork);
        info = SyevdCall(n, a, lda, w, work.Pointer, lwork, iwork.Pointer, liwork);
        LapackException.ThrowIfIllegal(name, info);
        return info;
    }

    private static int SyevdCall<T>(int n, T* a, int lda, T* w, T* work, int lwork, int* iwork, int liwork) where T : unmanaged
    {
        byte j = C('V'), u = C('L');
        int info;
        if (typeof(T) == typeof(double)) Lapack.dsyevd(&j, &u, &n, (double*)a, &lda, (double*)w, (double*)work, &lwork, iwork, &liwork, &info, 1, 1);
        else Lapack.ssyevd(&j, &u, &n, (float*)a, &lda, (float*)w, (float*)work, &lwork, iwork, &liwork, &info, 1, 1);
        return info;
    }

    private static double ToDouble<T>(T value) where T : unmanaged =>
        typeof(T) == typeof(double) ? Unsafe.As<T, double>(ref value) : Unsafe.As<T, float>(ref value);
}
