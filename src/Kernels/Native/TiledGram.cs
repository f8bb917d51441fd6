using System.Runtime.CompilerServices;

namespace Rethink.Kernels.Native;

/// <summary>
/// Kernel matrices in native memory, built tile by tile: BLAS computes the inner products of a block
/// of columns (syrk on the diagonal block, gemm below it), then the kernel's element-wise transform
/// runs on that block while it is in cache. Column-major throughout; X is given as the d×n matrix
/// whose columns are the points (the row-major n×d array read by Fortran).
/// </summary>
internal static unsafe class TiledGram
{
    /// <summary>
    /// Fills the lower triangle of K (n×n) with k(xᵢ, xⱼ) + λδᵢⱼ and mirrors it into the upper
    /// triangle. Returns ‖K‖_F (including λ).
    /// </summary>
    public static double BuildSymmetric<T>(T* x, int n, int d, T[] norms, Kernel kernel, double ridge, T* k, int tile,
        IProgress<KernelProgress>? progress, CancellationToken cancel) where T : unmanaged
    {
        var totalWork = (double)n * (n + 1) / 2;
        double done = 0, sumSquares = 0;
        for (var j0 = 0; j0 < n; j0 += tile)
        {
            cancel.ThrowIfCancellationRequested();
            var j1 = Math.Min(n, j0 + tile);
            var width = j1 - j0;
            var kj = k + (long)j0 * n;
            NativeLinearAlgebra.Syrk('T', width, d, One<T>(), x + (long)j0 * d, d, Zero<T>(), kj + j0, n);
            if (j1 < n)
                NativeLinearAlgebra.Gemm('T', 'N', n - j1, width, d, One<T>(), x + (long)j1 * d, d, x + (long)j0 * d, d, Zero<T>(), kj + j1, n);

            var partial = new double[width];
            var kAddress = (nint)k;
            Parallel.For(j0, j1, j =>
            {
                var column = new Span<T>((T*)kAddress + (long)j * n + j, n - j);
                Transform(kernel, column, norms.AsSpan(j), norms[j]);
                // The Laplacian's square root turns the rounding of ‖x‖² + ‖x‖² − 2⟨x,x⟩ into a visible
                // error on the diagonal, whose distance is exactly 0: evaluate it exactly there. (Other
                // kernels keep the formula's value, as a float64 reference computes it.)
                if (kernel is LaplacianKernel) column[0] = From<T>(kernel.Evaluate(ToDouble(norms[j]), ToDouble(norms[j]), ToDouble(norms[j])));
                if (ridge != 0) column[0] = From<T>(ToDouble(column[0]) + ridge);
                double s = 0;
                foreach (var v in column) { var f = ToDouble(v); s += f * f; }
                var diagonal = ToDouble(column[0]);
                partial[j - j0] = 2 * s - diagonal * diagonal;
            });
            sumSquares += partial.Sum();
            Mirror(k, n, j0, j1);
            done += (double)width * (n - j0) - (double)width * (width - 1) / 2;
            progress?.Report(new KernelProgress("gram", done / totalWork));
        }
        return Math.Sqrt(sumSquares);
    }

    /// <summary>Copies the lower-triangle block below columns [j0, j1) into the upper triangle.</summary>
    private static void Mirror<T>(T* k, int n, int j0, int j1) where T : unmanaged
    {
        var kAddress = (nint)k;
        Parallel.For(j0 + 1, n, i =>
        {
            var km = (T*)kAddress;
            var end = Math.Min(i, j1);
            var target = km + (long)i * n;
            for (var j = j0; j < end; j++) target[j] = km[(long)j * n + i];
        });
    }

    /// <summary>
    /// C (n×m, column t = test point t) = k(train, test): gemm for the inner products, then the transform.
    /// </summary>
    public static void BuildCross<T>(T* train, int n, T* test, int m, int d, T[] trainNorms, ReadOnlySpan<T> testNorms, Kernel kernel, T* c) where T : unmanaged
    {
        NativeLinearAlgebra.Gemm('T', 'N', n, m, d, One<T>(), train, d, test, d, Zero<T>(), c, n);
        var cAddress = (nint)c;
        var norms = testNorms.ToArray();
        Parallel.For(0, m, t =>
        {
            var column = new Span<T>((T*)cAddress + (long)t * n, n);
            Transform(kernel, column, trainNorms, norms[t]);
        });
    }

    public static void Transform<T>(Kernel kernel, Span<T> values, ReadOnlySpan<T> norms, T normY) where T : unmanaged
    {
        if (typeof(T) == typeof(float))
            kernel.Transform(System.Runtime.InteropServices.MemoryMarshal.Cast<T, float>(values),
                System.Runtime.InteropServices.MemoryMarshal.Cast<T, float>(norms), Unsafe.As<T, float>(ref normY));
        else
            kernel.Transform(System.Runtime.InteropServices.MemoryMarshal.Cast<T, double>(values),
                System.Runtime.InteropServices.MemoryMarshal.Cast<T, double>(norms), Unsafe.As<T, double>(ref normY));
    }

    public static T One<T>() where T : unmanaged => From<T>(1.0);
    public static T Zero<T>() where T : unmanaged => From<T>(0.0);

    public static T From<T>(double value) where T : unmanaged
    {
        if (typeof(T) == typeof(float)) { var f = (float)value; return Unsafe.As<float, T>(ref f); }
        return Unsafe.As<double, T>(ref value);
    }

    public static double ToDouble<T>(T value) where T : unmanaged =>
        typeof(T) == typeof(float) ? Unsafe.As<T, float>(ref value) : Unsafe.As<T, double>(ref value);

}
