using ILGPU;
using ILGPU.Runtime;

namespace Rethink.Kernels.Cuda;

/// <summary>A kernel's parameters as a value ILGPU can pass to device code.</summary>
public readonly record struct KernelParameters(int Kind, double Gamma, double Sigma, double Coef0, int Degree)
{
    public const int Gaussian = 0, Laplacian = 1, Linear = 2, Polynomial = 3, ArcCosine = 4;

    public static KernelParameters From(Kernel kernel) => kernel switch
    {
        GaussianKernel g => new(Gaussian, g.Gamma, 0, 0, 0),
        LaplacianKernel l => new(Laplacian, 0, l.Sigma, 0, 0),
        LinearKernel => new(Linear, 0, 0, 0, 0),
        PolynomialKernel p => new(Polynomial, p.Gamma, 0, p.Coef0, p.Degree),
        ArcCosineKernel => new(ArcCosine, 0, 0, 0, 0),
        _ => throw new NotSupportedException($"{kernel.Describe()} has no GPU transform."),
    };

    /// <summary>The same formulas as <see cref="Kernel.Evaluate"/>, in device code.</summary>
    public double Evaluate(double dot, double nx, double ny)
    {
        var d2 = nx + ny - 2 * dot;
        if (d2 < 0) d2 = 0;
        switch (Kind)
        {
            case Gaussian: return Math.Exp(-Gamma * d2);
            case Laplacian: return Math.Exp(-Math.Sqrt(d2) / Sigma);
            case Linear: return dot;
            case Polynomial:
            {
                var b = Gamma * dot + Coef0;
                var r = 1.0;
                for (var t = 0; t < Degree; t++) r *= b;
                return r;
            }
            default:
            {
                var norms = Math.Sqrt(nx * ny);
                if (norms == 0) return 0;
                var c = dot / norms;
                if (c > 1) c = 1;
                if (c < -1) c = -1;
                var theta = Math.Acos(c);
                return norms / Math.PI * (Math.Sin(theta) + (Math.PI - theta) * c);
            }
        }
    }
}

/// <summary>
/// The element-wise work of the GPU backend as ILGPU kernels: the kernel transform of inner products
/// (with the ridge on the diagonal), saving and restoring the diagonal, and the argmax of scores.
/// They run on any ILGPU accelerator — CUDA in production, ILGPU's CPU accelerator in CI, where they
/// are checked against <see cref="Kernel.Transform(Span{double}, ReadOnlySpan{double}, double)"/>.
/// </summary>
public sealed class ElementwiseKernels
{
    private readonly Accelerator _accelerator;
    private readonly Action<Index2D, ArrayView1D<double, Stride1D.Dense>, long, ArrayView1D<double, Stride1D.Dense>, ArrayView1D<double, Stride1D.Dense>, long, KernelParameters, double> _transformD;
    private readonly Action<Index2D, ArrayView1D<float, Stride1D.Dense>, long, ArrayView1D<float, Stride1D.Dense>, ArrayView1D<float, Stride1D.Dense>, long, KernelParameters, double> _transformF;
    private readonly Action<Index1D, ArrayView1D<double, Stride1D.Dense>, ArrayView1D<double, Stride1D.Dense>, long, int> _diagonalD;
    private readonly Action<Index1D, ArrayView1D<float, Stride1D.Dense>, ArrayView1D<float, Stride1D.Dense>, long, int> _diagonalF;
    private readonly Action<Index1D, ArrayView1D<double, Stride1D.Dense>, long, int, ArrayView1D<int, Stride1D.Dense>> _argmax;

    public ElementwiseKernels(Accelerator accelerator)
    {
        _accelerator = accelerator;
        _transformD = accelerator.LoadAutoGroupedStreamKernel<Index2D, ArrayView1D<double, Stride1D.Dense>, long, ArrayView1D<double, Stride1D.Dense>, ArrayView1D<double, Stride1D.Dense>, long, KernelParameters, double>(TransformDouble);
        _transformF = accelerator.LoadAutoGroupedStreamKernel<Index2D, ArrayView1D<float, Stride1D.Dense>, long, ArrayView1D<float, Stride1D.Dense>, ArrayView1D<float, Stride1D.Dense>, long, KernelParameters, double>(TransformSingle);
        _diagonalD = accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView1D<double, Stride1D.Dense>, ArrayView1D<double, Stride1D.Dense>, long, int>(DiagonalDouble);
        _diagonalF = accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView1D<float, Stride1D.Dense>, ArrayView1D<float, Stride1D.Dense>, long, int>(DiagonalSingle);
        _argmax = accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView1D<double, Stride1D.Dense>, long, int, ArrayView1D<int, Stride1D.Dense>>(ArgMaxKernel);
    }

    /// <summary>
    /// In place on the column-major block with leading dimension <paramref name="ld"/>: entry (i, j) of
    /// columns [<paramref name="firstColumn"/>, +columns) becomes k(dot, rowNorms[i], columnNorms[j]).
    /// With <paramref name="symmetricRidge"/> ≥ 0 the block is part of a symmetric K whose diagonal
    /// (i = j) is evaluated at distance exactly 0 and gets the ridge added.
    /// </summary>
    public void Transform<T>(ArrayView1D<T, Stride1D.Dense> k, long ld, int rows, int columns, long firstColumn,
        ArrayView1D<T, Stride1D.Dense> rowNorms, ArrayView1D<T, Stride1D.Dense> columnNorms, Kernel kernel, double symmetricRidge = -1)
        where T : unmanaged
    {
        var p = KernelParameters.From(kernel);
        var extent = new Index2D(rows, columns);
        if (typeof(T) == typeof(double))
            _transformD(extent, As<T, double>(k), ld, As<T, double>(rowNorms), As<T, double>(columnNorms), firstColumn, p, symmetricRidge);
        else
            _transformF(extent, As<T, float>(k), ld, As<T, float>(rowNorms), As<T, float>(columnNorms), firstColumn, p, symmetricRidge);
    }

    /// <summary>Copies the diagonal of the n×n matrix into <paramref name="diagonal"/> (save) or back (restore).</summary>
    public void Diagonal<T>(ArrayView1D<T, Stride1D.Dense> k, ArrayView1D<T, Stride1D.Dense> diagonal, long n, bool restore) where T : unmanaged
    {
        if (typeof(T) == typeof(double)) _diagonalD((int)n, As<T, double>(k), As<T, double>(diagonal), n, restore ? 1 : 0);
        else _diagonalF((int)n, As<T, float>(k), As<T, float>(diagonal), n, restore ? 1 : 0);
    }

    /// <summary>labels[i] = argmax_c scores[c·m + i] for the m×classes column-major scores.</summary>
    public void ArgMax(ArrayView1D<double, Stride1D.Dense> scores, long m, int classes, ArrayView1D<int, Stride1D.Dense> labels) =>
        _argmax((int)m, scores, m, classes, labels);

    public void Synchronize() => _accelerator.Synchronize();

    /// <summary>Reinterprets a view whose element type is known to be <typeparamref name="TTo"/> at run time.</summary>
    private static ArrayView1D<TTo, Stride1D.Dense> As<TFrom, TTo>(ArrayView1D<TFrom, Stride1D.Dense> view)
        where TFrom : unmanaged where TTo : unmanaged
    {
        if (typeof(TFrom) != typeof(TTo)) throw new InvalidCastException($"View of {typeof(TFrom).Name} used as {typeof(TTo).Name}.");
        return System.Runtime.CompilerServices.Unsafe.As<ArrayView1D<TFrom, Stride1D.Dense>, ArrayView1D<TTo, Stride1D.Dense>>(ref view);
    }

    private static void TransformDouble(Index2D index, ArrayView1D<double, Stride1D.Dense> k, long ld, ArrayView1D<double, Stride1D.Dense> rowNorms,
        ArrayView1D<double, Stride1D.Dense> columnNorms, long firstColumn, KernelParameters p, double ridge)
    {
        long i = index.X;
        var j = firstColumn + index.Y;
        var offset = j * ld + i;
        var value = p.Evaluate(k[offset], rowNorms[i], columnNorms[j]);
        if (ridge >= 0 && i == j)
            value = p.Evaluate(rowNorms[i], rowNorms[i], rowNorms[i]) + ridge;
        k[offset] = value;
    }

    private static void TransformSingle(Index2D index, ArrayView1D<float, Stride1D.Dense> k, long ld, ArrayView1D<float, Stride1D.Dense> rowNorms,
        ArrayView1D<float, Stride1D.Dense> columnNorms, long firstColumn, KernelParameters p, double ridge)
    {
        long i = index.X;
        var j = firstColumn + index.Y;
        var offset = j * ld + i;
        var value = p.Evaluate(k[offset], rowNorms[i], columnNorms[j]);
        if (ridge >= 0 && i == j)
            value = p.Evaluate(rowNorms[i], rowNorms[i], rowNorms[i]) + ridge;
        k[offset] = (float)value;
    }

    private static void DiagonalDouble(Index1D index, ArrayView1D<double, Stride1D.Dense> k, ArrayView1D<double, Stride1D.Dense> diagonal, long n, int restore)
    {
        long i = index.X;
        if (restore == 1) k[i * n + i] = diagonal[i];
        else diagonal[i] = k[i * n + i];
    }

    private static void DiagonalSingle(Index1D index, ArrayView1D<float, Stride1D.Dense> k, ArrayView1D<float, Stride1D.Dense> diagonal, long n, int restore)
    {
        long i = index.X;
        if (restore == 1) k[i * n + i] = diagonal[i];
        else diagonal[i] = k[i * n + i];
    }

    private static void ArgMaxKernel(Index1D index, ArrayView1D<double, Stride1D.Dense> scores, long m, int classes, ArrayView1D<int, Stride1D.Dense> labels)
    {
        long i = index.X;
        var best = 0;
        var bestValue = scores[i];
        for (var c = 1; c < classes; c++)
        {
            var v = scores[c * m + i];
            if (v > bestValue) { bestValue = v; best = c; }
        }
        labels[i] = best;
    }
}
