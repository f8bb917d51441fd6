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

/// <summary>
/// <see cref="IAcceleratorBlas"/> as plain ILGPU kernels (one thread per entry, a dot product each): correct on any
/// accelerator, fast on none — the reference the tests run on ILGPU's CPU accelerator, where cuBLAS is not.
/// </summary>
public sealed class IlgpuBlas(Accelerator accelerator) : IAcceleratorBlas
{
    private readonly Action<Index2D, ArrayView1D<double, Stride1D.Dense>, ArrayView1D<double, Stride1D.Dense>, ArrayView1D<double, Stride1D.Dense>, Shape> _double =
        accelerator.LoadAutoGroupedStreamKernel<Index2D, ArrayView1D<double, Stride1D.Dense>, ArrayView1D<double, Stride1D.Dense>, ArrayView1D<double, Stride1D.Dense>, Shape>(Product);
    private readonly Action<Index2D, ArrayView1D<float, Stride1D.Dense>, ArrayView1D<float, Stride1D.Dense>, ArrayView1D<float, Stride1D.Dense>, Shape> _single =
        accelerator.LoadAutoGroupedStreamKernel<Index2D, ArrayView1D<float, Stride1D.Dense>, ArrayView1D<float, Stride1D.Dense>, ArrayView1D<float, Stride1D.Dense>, Shape>(Product);

    /// <inheritdoc/>
    public Accelerator Accelerator => accelerator;

    /// <inheritdoc/>
    public string Name => $"ILGPU kernels on {accelerator.Name}";

    /// <inheritdoc/>
    public IDisposable Enter() => accelerator.BindScoped();

    /// <inheritdoc/>
    public long FreeMemory() => accelerator.AcceleratorType == AcceleratorType.CPU ? MemoryBudget.Available() : accelerator.MemorySize;

    /// <summary>The operands' shape: which are transposed, the inner dimension and leading dimensions, whether to add to C and keep to its lower triangle.</summary>
    internal readonly struct Shape(int transposeA, int transposeB, long k, long lda, long ldb, long ldc, int accumulate, int lower)
    {
        public readonly int TransposeA = transposeA, TransposeB = transposeB, Accumulate = accumulate, Lower = lower;
        public readonly long K = k, Lda = lda, Ldb = ldb, Ldc = ldc;
    }

    /// <inheritdoc/>
    public void Gemm<T>(bool transposeA, bool transposeB, long m, long n, long k, ArrayView1D<T, Stride1D.Dense> a, long lda,
        ArrayView1D<T, Stride1D.Dense> b, long ldb, ArrayView1D<T, Stride1D.Dense> c, long ldc, bool accumulate) where T : unmanaged =>
        Launch(m, n, a, b, c, new Shape(transposeA ? 1 : 0, transposeB ? 1 : 0, k, lda, ldb, ldc, accumulate ? 1 : 0, 0));

    /// <inheritdoc/>
    public void SyrkAccumulate<T>(long n, long k, ArrayView1D<T, Stride1D.Dense> a, ArrayView1D<T, Stride1D.Dense> c) where T : unmanaged =>
        Launch(n, n, a, a, c, new Shape(1, 0, k, k, k, n, 1, 1));

    private void Launch<T>(long m, long n, ArrayView1D<T, Stride1D.Dense> a, ArrayView1D<T, Stride1D.Dense> b, ArrayView1D<T, Stride1D.Dense> c, Shape shape) where T : unmanaged
    {
        if (m == 0 || n == 0) return;
        var extent = new Index2D(checked((int)m), checked((int)n));
        if (typeof(T) == typeof(double)) _double(extent, Views.As<T, double>(a), Views.As<T, double>(b), Views.As<T, double>(c), shape);
        else if (typeof(T) == typeof(float)) _single(extent, Views.As<T, float>(a), Views.As<T, float>(b), Views.As<T, float>(c), shape);
        else throw new NotSupportedException($"{typeof(T).Name}: float or double.");
    }

    private static void Product(Index2D index, ArrayView1D<double, Stride1D.Dense> a, ArrayView1D<double, Stride1D.Dense> b, ArrayView1D<double, Stride1D.Dense> c, Shape s)
    {
        long i = index.X, j = index.Y;
        if (s.Lower == 1 && i < j) return;
        double sum = 0;
        for (long p = 0; p < s.K; p++)
            sum += (s.TransposeA == 1 ? a[i * s.Lda + p] : a[p * s.Lda + i]) * (s.TransposeB == 1 ? b[p * s.Ldb + j] : b[j * s.Ldb + p]);
        var at = j * s.Ldc + i;
        c[at] = s.Accumulate == 1 ? c[at] + sum : sum;
    }

    private static void Product(Index2D index, ArrayView1D<float, Stride1D.Dense> a, ArrayView1D<float, Stride1D.Dense> b, ArrayView1D<float, Stride1D.Dense> c, Shape s)
    {
        long i = index.X, j = index.Y;
        if (s.Lower == 1 && i < j) return;
        float sum = 0;
        for (long p = 0; p < s.K; p++)
            sum += (s.TransposeA == 1 ? a[i * s.Lda + p] : a[p * s.Lda + i]) * (s.TransposeB == 1 ? b[p * s.Ldb + j] : b[j * s.Ldb + p]);
        var at = j * s.Ldc + i;
        c[at] = s.Accumulate == 1 ? c[at] + sum : sum;
    }
}

/// <summary>Reinterpreting a view whose element type is known only at run time.</summary>
public static class Views
{
    /// <summary>The view as <typeparamref name="TTo"/>, which it must already be.</summary>
    public static ArrayView1D<TTo, Stride1D.Dense> As<TFrom, TTo>(ArrayView1D<TFrom, Stride1D.Dense> view) where TFrom : unmanaged where TTo : unmanaged
    {
        if (typeof(TFrom) != typeof(TTo)) throw new InvalidCastException($"View of {typeof(TFrom).Name} used as {typeof(TTo).Name}.");
        return System.Runtime.CompilerServices.Unsafe.As<ArrayView1D<TFrom, Stride1D.Dense>, ArrayView1D<TTo, Stride1D.Dense>>(ref view);
    }

    /// <summary>The device address of the view's first element (for native libraries: cuBLAS).</summary>
    public static nint Address<T>(ArrayView1D<T, Stride1D.Dense> view) where T : unmanaged => view.BaseView.LoadEffectiveAddressAsPtr();
}
