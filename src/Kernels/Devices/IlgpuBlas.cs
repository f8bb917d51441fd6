using ILGPU;
using ILGPU.Runtime;

namespace Rethink.Kernels.Devices;

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
