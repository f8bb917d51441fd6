using FsCheck.Xunit;
using MathNet.Numerics.LinearAlgebra;
using Rethink.Kernels;
using Rethink.Kernels.Native;
using Rethink.Testing;
using Xunit;

namespace Rethink.Properties;

[Properties(Arbitrary = [typeof(KernelArbitraries)], MaxTest = 25)]
public class GramProperties
{
    /// <summary>Independent reference: k from the points themselves, not from inner products and norms.</summary>
    private static double Naive(Kernel kernel, ReadOnlySpan<double> x, ReadOnlySpan<double> y)
    {
        double dot = 0, dist = 0, nx = 0, ny = 0;
        for (var t = 0; t < x.Length; t++)
        {
            dot += x[t] * y[t];
            var diff = x[t] - y[t];
            dist += diff * diff;
            nx += x[t] * x[t];
            ny += y[t] * y[t];
        }
        return kernel switch
        {
            GaussianKernel g => Math.Exp(-g.Gamma * dist),
            LaplacianKernel l => Math.Exp(-Math.Sqrt(dist) / l.Sigma),
            PolynomialKernel p => Math.Pow(p.Gamma * dot + p.Coef0, p.Degree),
            LinearKernel => dot,
            ArcCosineKernel => ArcCos(dot, Math.Sqrt(nx), Math.Sqrt(ny)),
            _ => throw new NotSupportedException(),
        };
    }

    private static double ArcCos(double dot, double a, double b)
    {
        if (a == 0 || b == 0) return 0;
        var theta = Math.Acos(Math.Clamp(dot / (a * b), -1, 1));
        return a * b / Math.PI * (Math.Sin(theta) + (Math.PI - theta) * Math.Cos(theta));
    }

    private const string EntryDerivation = "ErrorBound.KernelEntry: the inner product within gamma_d (Higham (3.5)) carried through the kernel's formula, plus the inputs' and the result's rounding";

    private static double Entry(Kernel kernel, FeatureMatrix x1, int i, FeatureMatrix x2, int j, bool single)
    {
        var a = x1.Row(i);
        var b = x2.Row(j);
        double dot = 0, na = 0, nb = 0;
        for (var t = 0; t < a.Length; t++) { dot += a[t] * b[t]; na += a[t] * a[t]; nb += b[t] * b[t]; }
        return ErrorBound.KernelEntry(kernel, Math.Sqrt(na), Math.Sqrt(nb), dot, a.Length, single);
    }

    [Property]
    public void Gram_equals_a_naive_double_loop(KernelCase c)
    {
        var x1 = c.Points();
        var x2 = c.Points(rows: Math.Max(1, c.N / 2), salt: 7);
        foreach (var kernel in KernelArbitraries.AllKernels)
        {
            var k = kernel.Gram(x1, x2);
            for (var i = 0; i < x1.Rows; i++)
                for (var j = 0; j < x2.Rows; j++)
                {
                    var expected = Naive(kernel, x1.Row(i), x2.Row(j));
                    var actual = k[(long)i * x2.Rows + j];
                    // The library's entry (from the inner product and norms) and the naive one (from differences) are
                    // each within the entry bound of the exact value.
                    Within.Bound(actual - expected, 2 * Entry(kernel, x1, i, x2, j, single: false), $"{kernel.Describe()} [{i},{j}]: {actual:R} vs {expected:R}", EntryDerivation);
                }
        }
    }

    [Property]
    public unsafe void Tiled_native_gram_equals_the_pure_definition(KernelCase c)
    {
        var x = c.Points();
        foreach (var kernel in KernelArbitraries.AllKernels)
        {
            var reference = kernel.Gram(x);
            var n = c.N;
            var xs = x.Values;
            var norms = x.SquaredNorms();
            var k = new double[n * n];
            fixed (double* px = xs)
            fixed (double* pk = k)
                TiledGram.BuildSymmetric(px, n, c.D, norms, kernel, 0.0, pk, tile: 16, null, default);
            for (var i = 0; i < n; i++)
                for (var j = 0; j < n; j++)
                    Within.Bound(k[(long)j * n + i] - reference[(long)i * n + j], 2 * Entry(kernel, x, i, x, j, single: false),
                        $"{kernel.Describe()} ({i},{j}): tiled {k[(long)j * n + i]:R} vs {reference[(long)i * n + j]:R}", EntryDerivation);

            // The same in single precision, to single-precision accuracy.
            var xf = x.Values.Select(v => (float)v).ToArray();
            var normsF = norms.Select(v => (float)v).ToArray();
            var kf = new float[n * n];
            fixed (float* px = xf)
            fixed (float* pk = kf)
                TiledGram.BuildSymmetric(px, n, c.D, normsF, kernel, 0.0, pk, tile: 16, null, default);
            for (var i = 0; i < n; i++)
                for (var j = 0; j < n; j++)
                    Within.Bound(kf[(long)j * n + i] - reference[(long)i * n + j], Entry(kernel, x, i, x, j, single: true) + Entry(kernel, x, i, x, j, single: false),
                        $"{kernel.Describe()} fp32 ({i},{j}): {kf[(long)j * n + i]} vs {reference[(long)i * n + j]:R}", EntryDerivation);
        }
    }

    [Property]
    public unsafe void Tiled_cross_kernel_equals_the_pure_definition(KernelCase c)
    {
        var train = c.Points();
        var test = c.Points(rows: 5, salt: 3);
        var kernel = new GaussianKernel(1.0 / c.D);
        var reference = kernel.Gram(test, train); // 5 × n, row-major
        var tr = train.Values;
        var te = test.Values;
        var cross = new double[c.N * 5];
        fixed (double* ptr = tr)
        fixed (double* pte = te)
        fixed (double* pc = cross)
            TiledGram.BuildCross(ptr, c.N, pte, 5, c.D, train.SquaredNorms(), test.SquaredNorms(), kernel, pc);
        for (var t = 0; t < 5; t++)
            for (var i = 0; i < c.N; i++)
                Within.Bound(cross[(long)t * c.N + i] - reference[(long)t * c.N + i], 2 * Entry(kernel, test, t, train, i, single: false),
                    $"cross ({t},{i})", EntryDerivation);
    }

    [Property]
    public void Gaussian_and_laplacian_matrices_are_positive_definite_on_distinct_points(KernelCase c)
    {
        // Positive definite in exact arithmetic for any distinct points; numerically only while K is well
        // conditioned, so the points are kept few and spread out (d >= 8).
        c = c with { N = Math.Min(c.N, 40), D = Math.Max(c.D, 8) };
        var x = c.Points();
        foreach (var kernel in new Kernel[] { new GaussianKernel(1.0 / c.D), new LaplacianKernel(Math.Sqrt(c.D)) })
        {
            var k = Matrix<double>.Build.Dense(c.N, c.N, kernel.Gram(x)).Transpose();
            // Each off-diagonal entry is the same product and formula in the same order for (i, j) and (j, i): exactly symmetric.
            Assert.True((k - k.Transpose()).InfinityNorm() == 0, "K is not exactly symmetric");
            var eigenvalues = k.Evd(Symmetricity.Symmetric).EigenValues.Select(e => e.Real);
            Assert.True(eigenvalues.Min() > 0, $"{kernel.Describe()}: smallest eigenvalue {eigenvalues.Min()}");
        }
    }
}
