using Rethink.Kernels.Devices;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Rethink.Kernels.Native;

/// <summary>
/// Kernel matrices in native memory, built tile by tile: BLAS computes the inner products of a block
/// of columns (syrk on the diagonal block, gemm below it), then the kernel's element-wise transform
/// runs on that block while it is in cache, and the block is mirrored into the upper triangle in
/// cache-sized squares. Column-major throughout; X is given as the d×n matrix whose columns are the
/// points (the row-major n×d array read by Fortran).
/// </summary>
public static unsafe class TiledGram
{
    private const int MirrorBlock = 64;

    /// <summary>
    /// Fills K (n×n, leading dimension n) with k(xᵢ, xⱼ) + λδᵢⱼ, the diagonal at distance exactly 0.
    /// Returns ‖K‖_F (including λ), accumulated in double while the tiles are in cache, and the seconds per phase.
    /// </summary>
    public static GramBuild BuildSymmetric<T>(T* x, int n, int d, T[] norms, Kernel kernel, double ridge, T* k, int tile,
        IProgress<KernelProgress>? progress, CancellationToken cancel) where T : unmanaged
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        // All inner products in one syrk (the lower triangle): BLAS blocks and threads it best as one call.
        progress?.Report(new KernelProgress("gram", 0));
        NativeLinearAlgebra.Syrk('T', n, d, One<T>(), x, d, Zero<T>(), k, n);
        var products = clock.Elapsed.TotalSeconds;
        clock.Restart();
        cancel.ThrowIfCancellationRequested();

        // Then the transform, column tile by column tile, and the mirror into the upper triangle.
        var totalWork = (double)n * (n + 1) / 2;
        double done = 0, sumSquares = 0, mirror = 0;
        var kAddress = (nint)k;
        for (var j0 = 0; j0 < n; j0 += tile)
        {
            cancel.ThrowIfCancellationRequested();
            var j1 = Math.Min(n, j0 + tile);
            var width = j1 - j0;
            var partial = new double[width];
            Parallel.For(j0, j1, j =>
            {
                var column = new Span<T>((T*)kAddress + (long)j * n + j, n - j);
                Transform(kernel, column, norms.AsSpan(j), norms[j]);
                column[0] = From<T>(kernel.Diagonal(ToDouble(norms[j])) + ridge);
                var diagonal = ToDouble(column[0]);
                partial[j - j0] = 2 * SumOfSquares<T>(column) - diagonal * diagonal;
            });
            sumSquares += partial.Sum();
            var mirrorStart = clock.Elapsed.TotalSeconds;
            Mirror(k, n, j0, j1);
            mirror += clock.Elapsed.TotalSeconds - mirrorStart;
            done += (double)width * (n - j0) - (double)width * (width - 1) / 2;
            progress?.Report(new KernelProgress("gram", done / totalWork));
        }
        return new GramBuild(Math.Sqrt(sumSquares), products, clock.Elapsed.TotalSeconds - mirror, mirror);
    }

    /// <summary>
    /// K (n×n) from stored inner products instead of points: columns copied in tiles, transformed with
    /// the stored squared norms, the diagonal at distance exactly 0 plus λ. Returns ‖K‖_F and the seconds
    /// spent copying (as the products phase) and transforming.
    /// </summary>
    public static GramBuild BuildFromProducts<T>(InnerProducts.IInnerProducts products, Kernel kernel, double ridge, T* k, int tile,
        IProgress<KernelProgress>? progress, CancellationToken cancel) where T : unmanaged
    {
        if (!products.Symmetric || products.Rows != products.Columns)
            throw new ArgumentException($"A kernel matrix needs the symmetric Gram of the training points; got {products.Rows}x{products.Columns} cross products.", nameof(products));
        var n = products.Rows;
        var norms = products.RowNorms.Select(From<T>).ToArray();
        var clock = System.Diagnostics.Stopwatch.StartNew();
        double copy = 0, transform = 0, sumSquares = 0;
        var kAddress = (nint)k;
        for (var j0 = 0; j0 < n; j0 += tile)
        {
            cancel.ThrowIfCancellationRequested();
            var width = Math.Min(tile, n - j0);
            CopyColumns(products, j0, width, k + (long)j0 * n, n);
            copy += clock.Elapsed.TotalSeconds;
            clock.Restart();
            var partial = new double[width];
            Parallel.For(j0, j0 + width, j =>
            {
                var column = new Span<T>((T*)kAddress + (long)j * n, n);
                Transform(kernel, column, norms, norms[j]);
                column[j] = From<T>(kernel.Diagonal(ToDouble(norms[j])) + ridge);
                partial[j - j0] = SumOfSquares<T>(column);
            });
            sumSquares += partial.Sum();
            transform += clock.Elapsed.TotalSeconds;
            clock.Restart();
            progress?.Report(new KernelProgress("gram", (double)(j0 + width) / n));
        }
        return new GramBuild(Math.Sqrt(sumSquares), copy, transform);
    }

    /// <summary>C (n×m) = k(train, test) from stored cross products and both sets' squared norms.</summary>
    public static void CrossFromProducts<T>(InnerProducts.IInnerProducts cross, T[] trainNorms, Kernel kernel, T* c) where T : unmanaged
    {
        var n = cross.Rows;
        if (trainNorms.Length != n) throw new ArgumentException($"Cross products have {n} rows; the model has {trainNorms.Length} training points.", nameof(cross));
        CopyColumns(cross, 0, cross.Columns, c, n);
        var address = (nint)c;
        var columnNorms = cross.ColumnNorms;
        Parallel.For(0, cross.Columns, t =>
            Transform(kernel, new Span<T>((T*)address + (long)t * n, n), trainNorms, From<T>(columnNorms[t])));
    }

    private static void CopyColumns<T>(InnerProducts.IInnerProducts products, int first, int count, T* destination, int rows) where T : unmanaged
    {
        // In pieces under 2³¹ values (spans are int-indexed).
        var step = Math.Max(1, int.MaxValue / 2 / Math.Max(1, rows));
        for (var j = 0; j < count; j += step)
        {
            var width = Math.Min(step, count - j);
            var length = (int)((long)width * rows);
            if (typeof(T) == typeof(float)) products.CopyColumns(first + j, width, new Span<float>((float*)(destination + (long)j * rows), length));
            else products.CopyColumns(first + j, width, new Span<double>((double*)(destination + (long)j * rows), length));
        }
    }

    /// <summary>Σ v² in double.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static double SumOfSquares<T>(ReadOnlySpan<T> values) where T : unmanaged
    {
        if (typeof(T) == typeof(double))
            return System.Numerics.Tensors.TensorPrimitives.SumOfSquares(MemoryMarshal.Cast<T, double>(values));
        // Float sums of squares lose digits over millions of terms: accumulate in double per chunk.
        var f = MemoryMarshal.Cast<T, float>(values);
        double s = 0;
        for (var i = 0; i < f.Length; i += 4096)
            s += System.Numerics.Tensors.TensorPrimitives.SumOfSquares(f.Slice(i, Math.Min(4096, f.Length - i)));
        return s;
    }

    /// <summary>Copies the whole lower triangle of the n×n matrix into the upper triangle (blocked).</summary>
    public static void MirrorLower<T>(T* k, int n) where T : unmanaged
    {
        for (var j0 = 0; j0 < n; j0 += 1024) Mirror(k, n, j0, Math.Min(n, j0 + 1024));
    }

    /// <summary>Copies the lower-triangle block below columns [j0, j1) into the upper triangle, square by square.</summary>
    private static void Mirror<T>(T* k, int n, int j0, int j1) where T : unmanaged
    {
        var kAddress = (nint)k;
        var blocks = (n - j0 + MirrorBlock - 1) / MirrorBlock;
        Parallel.For(0, blocks, b => MirrorRows((T*)kAddress, n, j0, j1, j0 + b * MirrorBlock));
    }

    /// <summary>The mirror of rows [i0, i0 + 64) below columns [j0, j1), square by square.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void MirrorRows<T>(T* km, int n, int j0, int j1, int i0) where T : unmanaged
    {
        var i1 = Math.Min(n, i0 + MirrorBlock);
        for (var jb = j0; jb < Math.Min(j1, i1); jb += MirrorBlock)
        {
            var jEnd = Math.Min(Math.Min(j1, i1), jb + MirrorBlock);
            // K[j, i] (upper, column i) ← K[i, j] (lower, column j) for j < i.
            for (var i = i0; i < i1; i++)
            {
                var target = km + (long)i * n;
                var end = Math.Min(i, jEnd);
                for (var j = jb; j < end; j++) target[j] = km[(long)j * n + i];
            }
        }
    }

    /// <summary>
    /// C (n×m, column t = test point t) = k(train, test): gemm for the inner products, then the transform.
    /// </summary>
    public static void BuildCross<T>(T* train, int n, T* test, int m, int d, T[] trainNorms, T[] testNorms, Kernel kernel, T* c) where T : unmanaged
    {
        NativeLinearAlgebra.Gemm('T', 'N', n, m, d, One<T>(), train, d, test, d, Zero<T>(), c, n);
        var cAddress = (nint)c;
        Parallel.For(0, m, t =>
        {
            var column = new Span<T>((T*)cAddress + (long)t * n, n);
            Transform(kernel, column, trainNorms, testNorms[t]);
        });
    }

    /// <summary>Applies <paramref name="kernel"/> in place to a column of inner products with the row points' squared norms and the column point's.</summary>
    public static void Transform<T>(Kernel kernel, Span<T> values, ReadOnlySpan<T> norms, T normY) where T : unmanaged
    {
        if (typeof(T) == typeof(float))
            kernel.Transform(MemoryMarshal.Cast<T, float>(values), MemoryMarshal.Cast<T, float>(norms), Unsafe.As<T, float>(ref normY));
        else
            kernel.Transform(MemoryMarshal.Cast<T, double>(values), MemoryMarshal.Cast<T, double>(norms), Unsafe.As<T, double>(ref normY));
    }

    /// <summary>1 in <typeparamref name="T"/> (float or double).</summary>
    public static T One<T>() where T : unmanaged => From<T>(1.0);
    /// <summary>0 in <typeparamref name="T"/> (float or double).</summary>
    public static T Zero<T>() where T : unmanaged => From<T>(0.0);

    /// <paramref name="value"/> rounded to <typeparamref name="T"/> (float or double).
    public static T From<T>(double value) where T : unmanaged
    {
        if (typeof(T) == typeof(float)) { var f = (float)value; return Unsafe.As<float, T>(ref f); }
        return Unsafe.As<double, T>(ref value);
    }

    /// <paramref name="value"/> (float or double) as a double.
    public static double ToDouble<T>(T value) where T : unmanaged =>
        typeof(T) == typeof(float) ? Unsafe.As<T, float>(ref value) : Unsafe.As<T, double>(ref value);
}
