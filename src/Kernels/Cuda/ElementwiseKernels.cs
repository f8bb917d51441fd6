using ILGPU;
using ILGPU.Runtime;
using Rethink.Kernels.Devices;
using Rethink.Kernels.Formulas;

namespace Rethink.Kernels.Cuda;

/// <summary>
/// The element-wise work of the GPU device as ILGPU kernels: the kernel transform of inner products
/// (one compiled kernel per kernel kind and precision, specialized to its <see cref="IKernelFormula"/>
/// struct, in float arithmetic for FP32), the diagonal (read, write), row scaling and the argmax of
/// scores. They run on any ILGPU accelerator — CUDA in production, ILGPU's CPU accelerator in CI, where
/// they are checked against the CPU transforms.
/// </summary>
public sealed class ElementwiseKernels(Accelerator accelerator)
{
    private readonly Dictionary<(Type Formula, Type Element), Delegate> _transforms = new();
    private readonly Action<Index1D, ArrayView1D<double, Stride1D.Dense>, ArrayView1D<double, Stride1D.Dense>, long, int> _diagonalD =
        accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView1D<double, Stride1D.Dense>, ArrayView1D<double, Stride1D.Dense>, long, int>(DiagonalKernel);
    private readonly Action<Index1D, ArrayView1D<float, Stride1D.Dense>, ArrayView1D<float, Stride1D.Dense>, long, int> _diagonalF =
        accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView1D<float, Stride1D.Dense>, ArrayView1D<float, Stride1D.Dense>, long, int>(DiagonalKernel);
    private readonly Action<Index2D, ArrayView1D<double, Stride1D.Dense>, long, ArrayView1D<double, Stride1D.Dense>> _scaleD =
        accelerator.LoadAutoGroupedStreamKernel<Index2D, ArrayView1D<double, Stride1D.Dense>, long, ArrayView1D<double, Stride1D.Dense>>(ScaleRowsKernel);
    private readonly Action<Index2D, ArrayView1D<float, Stride1D.Dense>, long, ArrayView1D<float, Stride1D.Dense>> _scaleF =
        accelerator.LoadAutoGroupedStreamKernel<Index2D, ArrayView1D<float, Stride1D.Dense>, long, ArrayView1D<float, Stride1D.Dense>>(ScaleRowsKernel);
    private readonly Action<Index1D, ArrayView1D<double, Stride1D.Dense>, long, int, ArrayView1D<int, Stride1D.Dense>> _argmax =
        accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView1D<double, Stride1D.Dense>, long, int, ArrayView1D<int, Stride1D.Dense>>(ArgMaxKernel);

    /// <summary>The ILGPU accelerator the kernels were compiled for.</summary>
    public Accelerator Accelerator => accelerator;

    /// <summary>
    /// In place on the column-major block with leading dimension <paramref name="ld"/>: entry (i, j) of
    /// columns [<paramref name="firstColumn"/>, +columns) becomes k(dot, rowNorms[i], columnNorms[j]).
    /// With <paramref name="symmetricRidge"/> ≥ 0 the block is part of a symmetric K whose diagonal
    /// (i = j) is k at distance exactly 0, plus the ridge.
    /// </summary>
    public void Transform<T>(ArrayView1D<T, Stride1D.Dense> k, long ld, int rows, int columns, long firstColumn,
        ArrayView1D<T, Stride1D.Dense> rowNorms, ArrayView1D<T, Stride1D.Dense> columnNorms, Kernel kernel, double symmetricRidge = -1)
        where T : unmanaged =>
        kernel.Apply(new TransformLauncher<T>(this, k, ld, rows, columns, firstColumn, rowNorms, columnNorms, symmetricRidge));

    private readonly struct TransformLauncher<T>(ElementwiseKernels owner, ArrayView1D<T, Stride1D.Dense> k, long ld, int rows, int columns, long firstColumn,
        ArrayView1D<T, Stride1D.Dense> rowNorms, ArrayView1D<T, Stride1D.Dense> columnNorms, double ridge) : IFormulaConsumer<bool> where T : unmanaged
    {
        public bool Use<TFormula>(TFormula formula) where TFormula : unmanaged, IKernelFormula
        {
            var extent = new Index2D(rows, columns);
            var accelerator = owner.Accelerator;
            if (typeof(T) == typeof(double))
            {
                var launch = (Action<Index2D, ArrayView1D<double, Stride1D.Dense>, long, ArrayView1D<double, Stride1D.Dense>, ArrayView1D<double, Stride1D.Dense>, long, TFormula, double>)
                    owner.Compiled<TFormula, double>(() => accelerator.LoadAutoGroupedStreamKernel<Index2D, ArrayView1D<double, Stride1D.Dense>, long,
                        ArrayView1D<double, Stride1D.Dense>, ArrayView1D<double, Stride1D.Dense>, long, TFormula, double>(TransformDouble));
                launch(extent, Views.As<T, double>(k), ld, Views.As<T, double>(rowNorms), Views.As<T, double>(columnNorms), firstColumn, formula, ridge);
            }
            else
            {
                var launch = (Action<Index2D, ArrayView1D<float, Stride1D.Dense>, long, ArrayView1D<float, Stride1D.Dense>, ArrayView1D<float, Stride1D.Dense>, long, TFormula, float>)
                    owner.Compiled<TFormula, float>(() => accelerator.LoadAutoGroupedStreamKernel<Index2D, ArrayView1D<float, Stride1D.Dense>, long,
                        ArrayView1D<float, Stride1D.Dense>, ArrayView1D<float, Stride1D.Dense>, long, TFormula, float>(TransformSingle));
                launch(extent, Views.As<T, float>(k), ld, Views.As<T, float>(rowNorms), Views.As<T, float>(columnNorms), firstColumn, formula, (float)ridge);
            }
            return true;
        }
    }

    private Delegate Compiled<TFormula, TElement>(Func<Delegate> load)
    {
        lock (_transforms)
        {
            if (!_transforms.TryGetValue((typeof(TFormula), typeof(TElement)), out var kernel))
                _transforms[(typeof(TFormula), typeof(TElement))] = kernel = load();
            return kernel;
        }
    }

    /// <summary>Copies the diagonal of the n×n matrix into <paramref name="diagonal"/> (save) or back (restore).</summary>
    public void Diagonal<T>(ArrayView1D<T, Stride1D.Dense> k, ArrayView1D<T, Stride1D.Dense> diagonal, long n, bool restore) where T : unmanaged
    {
        if (typeof(T) == typeof(double)) _diagonalD((int)n, Views.As<T, double>(k), Views.As<T, double>(diagonal), n, restore ? 1 : 0);
        else _diagonalF((int)n, Views.As<T, float>(k), Views.As<T, float>(diagonal), n, restore ? 1 : 0);
    }

    /// <summary>Row i of the rows×columns column-major matrix ← factors[i]·row i.</summary>
    public void ScaleRows<T>(ArrayView1D<T, Stride1D.Dense> a, int rows, int columns, ArrayView1D<T, Stride1D.Dense> factors) where T : unmanaged
    {
        var extent = new Index2D(rows, columns);
        if (typeof(T) == typeof(double)) _scaleD(extent, Views.As<T, double>(a), rows, Views.As<T, double>(factors));
        else _scaleF(extent, Views.As<T, float>(a), rows, Views.As<T, float>(factors));
    }

    /// <summary>labels[i] = argmax_c scores[c·m + i] for the m×classes column-major scores.</summary>
    public void ArgMax(ArrayView1D<double, Stride1D.Dense> scores, long m, int classes, ArrayView1D<int, Stride1D.Dense> labels) =>
        _argmax((int)m, scores, m, classes, labels);

    /// <summary>Waits until every launched kernel has finished.</summary>
    public void Synchronize() => accelerator.Synchronize();

    internal static void TransformDouble<TFormula>(Index2D index, ArrayView1D<double, Stride1D.Dense> k, long ld, ArrayView1D<double, Stride1D.Dense> rowNorms,
        ArrayView1D<double, Stride1D.Dense> columnNorms, long firstColumn, TFormula formula, double ridge) where TFormula : unmanaged, IKernelFormula
    {
        long i = index.X;
        var j = firstColumn + index.Y;
        var offset = j * ld + i;
        k[offset] = ridge >= 0 && i == j
            ? formula.Evaluate(rowNorms[i], rowNorms[i], rowNorms[i]) + ridge
            : formula.Evaluate(k[offset], rowNorms[i], columnNorms[j]);
    }

    internal static void TransformSingle<TFormula>(Index2D index, ArrayView1D<float, Stride1D.Dense> k, long ld, ArrayView1D<float, Stride1D.Dense> rowNorms,
        ArrayView1D<float, Stride1D.Dense> columnNorms, long firstColumn, TFormula formula, float ridge) where TFormula : unmanaged, IKernelFormula
    {
        long i = index.X;
        var j = firstColumn + index.Y;
        var offset = j * ld + i;
        k[offset] = ridge >= 0 && i == j
            ? formula.Evaluate(rowNorms[i], rowNorms[i], rowNorms[i]) + ridge
            : formula.Evaluate(k[offset], rowNorms[i], columnNorms[j]);
    }

    private static void DiagonalKernel<T>(Index1D index, ArrayView1D<T, Stride1D.Dense> k, ArrayView1D<T, Stride1D.Dense> diagonal, long n, int restore) where T : unmanaged
    {
        long i = index.X;
        if (restore == 1) k[i * n + i] = diagonal[i];
        else diagonal[i] = k[i * n + i];
    }

    private static void ScaleRowsKernel(Index2D index, ArrayView1D<double, Stride1D.Dense> a, long rows, ArrayView1D<double, Stride1D.Dense> factors)
    {
        var offset = index.Y * rows + index.X;
        a[offset] = a[offset] * factors[index.X];
    }

    private static void ScaleRowsKernel(Index2D index, ArrayView1D<float, Stride1D.Dense> a, long rows, ArrayView1D<float, Stride1D.Dense> factors)
    {
        var offset = index.Y * rows + index.X;
        a[offset] = a[offset] * factors[index.X];
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
