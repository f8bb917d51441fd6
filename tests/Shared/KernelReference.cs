using MathNet.Numerics.LinearAlgebra;
using Rethink.Core;
using Rethink.Kernels;

namespace Rethink.Testing;

/// <summary>Reference kernel matrices from the kernel's pure definition (<see cref="Kernel.Gram"/>, double), and how far a device's can be from them.</summary>
public static class KernelReference
{
    /// <summary>K(x1, x2) as a matrix: rows of x1, columns of x2.</summary>
    public static Matrix<double> Gram(Kernel kernel, FeatureMatrix x1, FeatureMatrix? x2 = null) =>
        Matrix<double>.Build.Dense(x2?.Rows ?? x1.Rows, x1.Rows, kernel.Gram(x1, x2)).Transpose();

    /// <summary>
    /// Entry by entry, how far a device's K(x1, x2) computed in float (<paramref name="single"/>) or double can be
    /// from the reference <see cref="Kernel.Gram"/> (double): the sum of both entries' bounds (<see cref="ErrorBound.KernelEntry"/>).
    /// </summary>
    public static Matrix<double> EntryBounds(Kernel kernel, FeatureMatrix x1, FeatureMatrix x2, bool single)
    {
        var (n1, n2) = (x1.SquaredNorms(), x2.SquaredNorms());
        var bounds = Matrix<double>.Build.Dense(x1.Rows, x2.Rows);
        Parallel.For(0, x1.Rows, i =>
        {
            var a = x1.Row(i);
            for (var j = 0; j < x2.Rows; j++)
            {
                var b = x2.Row(j);
                var dot = 0.0;
                for (var t = 0; t < a.Length; t++) dot += a[t] * b[t];
                var (nx, ny) = (Math.Sqrt(n1[i]), Math.Sqrt(n2[j]));
                bounds[i, j] = ErrorBound.KernelEntry(kernel, nx, ny, dot, x1.Columns, single) + ErrorBound.KernelEntry(kernel, nx, ny, dot, x1.Columns, false);
            }
        });
        return bounds;
    }
}
