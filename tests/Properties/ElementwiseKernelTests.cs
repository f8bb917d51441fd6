using System.Diagnostics;
using System.Reflection;
using ILGPU;
using ILGPU.Backends.EntryPoints;
using ILGPU.Backends.PTX;
using ILGPU.Runtime;
using ILGPU.Runtime.CPU;
using ILGPU.Runtime.Cuda;
using Rethink.Kernels;
using Rethink.Kernels.Cuda;
using Rethink.Kernels.Formulas;
using Rethink.Testing;
using Xunit;
using Xunit.Abstractions;
using Rethink.Experiments;

namespace Rethink.Properties;

/// <summary>
/// The GPU device's element-wise ILGPU kernels, run in CI on ILGPU's CPU accelerator against the CPU
/// implementations, and compiled to PTX for an H100 (SM 9.0) without a GPU, so that a kernel ILGPU
/// cannot compile, or one that falls back to a slow library routine, fails here and not on a lent GPU.
/// </summary>
public sealed class ElementwiseKernelTests(ITestOutputHelper output) : IDisposable
{
    private readonly Context _context = Context.Create(builder => builder.CPU().EnableAlgorithms());
    private Accelerator? _accelerator;
    private ElementwiseKernels? _kernels;

    private Accelerator Accelerator => _accelerator ??= _context.CreateCPUAccelerator(0);
    private ElementwiseKernels Kernels => _kernels ??= new ElementwiseKernels(Accelerator);

    public void Dispose()
    {
        _accelerator?.Dispose();
        _context.Dispose();
    }

    private static double[] Dots(FeatureMatrix x)
    {
        var n = x.Rows;
        var dots = new double[n * n];
        for (var j = 0; j < n; j++)
            for (var i = 0; i < n; i++)
            {
                double s = 0;
                for (var t = 0; t < x.Columns; t++) s += x.Row(i)[t] * x.Row(j)[t];
                dots[(long)j * n + i] = s;
            }
        return dots;
    }

    [Fact]
    public void Transform_matches_the_pure_definition_for_every_kernel()
    {
        var c = new KernelCase(37, 5, 1, 3);
        var x = c.Points();
        var norms = x.SquaredNorms();
        foreach (var kernel in KernelArbitraries.AllKernels)
        {
            using var k = Accelerator.Allocate1D(Dots(x));
            using var n = Accelerator.Allocate1D(norms);
            // Two column tiles, to exercise the column offset.
            Kernels.Transform(k.View, 37, 37, 20, 0, n.View, n.View, kernel, symmetricRidge: 0.25);
            Kernels.Transform(k.View, 37, 37, 17, 20, n.View, n.View, kernel, symmetricRidge: 0.25);
            Kernels.Synchronize();
            var gpu = k.GetAsArray1D();
            var reference = kernel.Gram(x); // row-major, symmetric, diagonal at distance 0
            var dots = Dots(x);
            for (var i = 0; i < 37; i++)
                for (var j = 0; j < 37; j++)
                {
                    var expected = reference[(long)i * 37 + j] + (i == j ? 0.25 : 0);
                    // The same inner product and norms go into the same formula on both sides (dimension 0: no product of
                    // its own to round), each within the formula's evaluation bound; the ridge's addition within u.
                    var bound = 2 * ErrorBound.KernelEntry(kernel, Math.Sqrt(norms[i]), Math.Sqrt(norms[j]), dots[(long)j * 37 + i], 0, single: false)
                                + ErrorBound.U64 * Math.Abs(expected);
                    Within.Bound(gpu[(long)j * 37 + i] - expected, bound, $"{kernel.Describe()} ({i},{j}): {gpu[(long)j * 37 + i]:R} vs {expected:R}",
                        "2 x the formula's evaluation bound at the same inputs (ErrorBound.KernelEntry, d = 0) + u|k|");
                }
        }
    }

    [Fact]
    public void Single_precision_transform_computes_in_float_like_the_cpu_float_formula()
    {
        var c = new KernelCase(25, 4, 1, 8);
        var x = c.Points();
        var norms = x.SquaredNorms().Select(v => (float)v).ToArray();
        var dots = Dots(x).Select(v => (float)v).ToArray();
        foreach (var kernel in KernelArbitraries.AllKernels)
        {
            using var k = Accelerator.Allocate1D(dots);
            using var n = Accelerator.Allocate1D(norms);
            Kernels.Transform(k.View, 25, 25, 25, 0, n.View, n.View, kernel);
            Kernels.Synchronize();
            var gpu = k.GetAsArray1D();
            for (var j = 0; j < 25; j++)
                for (var i = 0; i < 25; i++)
                {
                    // The same float formula: identical bits (the CPU accelerator runs the same IL).
                    var expected = kernel.Evaluate(dots[j * 25 + i], norms[i], norms[j]);
                    Assert.Equal(BitConverter.SingleToInt32Bits(expected), BitConverter.SingleToInt32Bits(gpu[j * 25 + i]));
                    // And float arithmetic stays within float accuracy of the double definition.
                    var exact = kernel.Evaluate((double)dots[j * 25 + i], norms[i], norms[j]);
                    var bound = ErrorBound.KernelEntry(kernel, Math.Sqrt(norms[i]), Math.Sqrt(norms[j]), dots[j * 25 + i], 0, single: true)
                                + ErrorBound.KernelEntry(kernel, Math.Sqrt(norms[i]), Math.Sqrt(norms[j]), dots[j * 25 + i], 0, single: false);
                    Within.Bound(expected - exact, bound, $"{kernel.Describe()} ({i},{j}): float {expected} vs double {exact:R}",
                        "the formula's evaluation bound in float plus in double at the same inputs (ErrorBound.KernelEntry, d = 0)");
                }
        }
    }

    [Fact]
    public void Diagonal_save_and_restore_round_trip()
    {
        var values = Enumerable.Range(0, 36).Select(v => (double)v).ToArray();
        using var k = Accelerator.Allocate1D(values);
        using var d = Accelerator.Allocate1D<double>(6);
        Kernels.Diagonal(k.View, d.View, 6, restore: false);
        Kernels.Synchronize();
        Assert.Equal([0.0, 7, 14, 21, 28, 35], d.GetAsArray1D());
        d.CopyFromCPU([-1.0, -2, -3, -4, -5, -6]);
        Kernels.Diagonal(k.View, d.View, 6, restore: true);
        Kernels.Synchronize();
        var back = k.GetAsArray1D();
        Assert.Equal(-3.0, back[14]);
        Assert.Equal(1.0, back[1]);
    }

    [Fact]
    public void Row_scaling_scales_rows()
    {
        var values = Enumerable.Range(0, 12).Select(v => (double)v).ToArray(); // 4×3 column-major
        using var a = Accelerator.Allocate1D(values);
        using var f = Accelerator.Allocate1D(new[] { 1.0, 0, -2, 0.5 });
        Kernels.ScaleRows(a.View, 4, 3, f.View);
        Kernels.Synchronize();
        Assert.Equal([0.0, 0, -4, 1.5, 4, 0, -12, 3.5, 8, 0, -20, 5.5], a.GetAsArray1D());
    }

    [Fact]
    public void Argmax_matches_the_cpu_evaluation()
    {
        var random = new Random(3);
        const int m = 101, classes = 10;
        var scores = Enumerable.Range(0, m * classes).Select(_ => random.NextDouble()).ToArray();
        using var s = Accelerator.Allocate1D(scores);
        using var labels = Accelerator.Allocate1D<int>(m);
        Kernels.ArgMax(s.View, m, classes, labels.View);
        Kernels.Synchronize();
        var (error, _) = KernelFitRunner.Evaluate(scores, labels.GetAsArray1D(), classes);
        Assert.Equal(0.0, error);
    }

    private static void ExpKernel(Index1D i, ArrayView1D<double, Stride1D.Dense> x) => x[i] = KernelMath.Exp(x[i]);
    private static void ExpKernelSingle(Index1D i, ArrayView1D<float, Stride1D.Dense> x) => x[i] = KernelMath.Exp(x[i]);
    private static void LibraryExpKernel(Index1D i, ArrayView1D<double, Stride1D.Dense> x) => x[i] = Math.Exp(x[i]);

    private static long Ulps(double a, double b) => Math.Abs(BitConverter.DoubleToInt64Bits(a) - BitConverter.DoubleToInt64Bits(b));
    private static long Ulps(float a, float b) => Math.Abs(BitConverter.SingleToInt32Bits(a) - BitConverter.SingleToInt32Bits(b));

    /// <summary>
    /// The kernels meet exp on (−∞, 0]: −γ‖x − x′‖² and −‖x − x′‖/σ. Over that whole range (uniform in
    /// value down to the underflow and log-uniform near 0), in device code, within 2 ulp of Math.Exp.
    /// </summary>
    [Fact]
    public void Own_exponential_is_within_two_ulp_of_math_exp_in_device_code()
    {
        // ILGPU's CPU accelerator emulates GPU threads (microseconds each): a smaller sample there, a large one below in plain .NET.
        const int count = 1 << 15;
        var random = new Random(12);
        var x = new double[count];
        for (var i = 0; i < count; i++) x[i] = i % 2 == 0 ? -random.NextDouble() * 746 : -Math.Exp(random.NextDouble() * 40 - 35);
        x[0] = 0; x[2] = -745.1332191019411; x[4] = -708.3964185322641; x[6] = -1e-300; x[8] = -0.34657359027997264;
        var xf = x.Select(v => (float)(v / 7.2)).ToArray();
        var launch = Accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView1D<double, Stride1D.Dense>>(ExpKernel);
        var launchF = Accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView1D<float, Stride1D.Dense>>(ExpKernelSingle);
        using var buffer = Accelerator.Allocate1D(x);
        using var bufferF = Accelerator.Allocate1D(xf);
        var watch = Stopwatch.StartNew();
        launch(count, buffer.View);
        Accelerator.Synchronize();
        var seconds = watch.Elapsed.TotalSeconds;
        launchF(count, bufferF.View);
        Accelerator.Synchronize();
        var y = buffer.GetAsArray1D();
        var yf = bufferF.GetAsArray1D();
        long worst = 0, worstF = 0;
        for (var i = 0; i < count; i++)
        {
            var u = Ulps(y[i], Math.Exp(x[i]));
            Assert.True(u <= 2, $"exp({x[i]:R}) = {y[i]:R}, Math.Exp {Math.Exp(x[i]):R}: {u} ulp");
            worst = Math.Max(worst, u);
            var uf = Ulps(yf[i], MathF.Exp(xf[i]));
            Assert.True(uf <= 2, $"expf({xf[i]:R}) = {yf[i]:R}, MathF.Exp {MathF.Exp(xf[i]):R}: {uf} ulp");
            worstF = Math.Max(worstF, uf);
        }
        output.WriteLine($"KernelMath.Exp on ILGPU's CPU accelerator: worst {worst} ulp (fp64), {worstF} ulp (fp32) over {count:N0} arguments in [-746, 0]; {seconds * 1e9 / count:F1} ns per element (emulated threads, includes launch)");

        // The same function as plain .NET code over 4 million arguments, timed beside Math.Exp.
        const int large = 1 << 22;
        var z = new double[large];
        for (var i = 0; i < large; i++) z[i] = i % 2 == 0 ? -random.NextDouble() * 746 : -Math.Exp(random.NextDouble() * 40 - 35);
        var ours = new double[large];
        var theirs = new double[large];
        watch.Restart();
        for (var i = 0; i < large; i++) ours[i] = KernelMath.Exp(z[i]);
        var oursSeconds = watch.Elapsed.TotalSeconds;
        watch.Restart();
        for (var i = 0; i < large; i++) theirs[i] = Math.Exp(z[i]);
        var theirsSeconds = watch.Elapsed.TotalSeconds;
        long worstLarge = 0;
        for (var i = 0; i < large; i++)
        {
            var u = Ulps(ours[i], theirs[i]);
            Assert.True(u <= 2, $"exp({z[i]:R}) = {ours[i]:R}, Math.Exp {theirs[i]:R}: {u} ulp");
            worstLarge = Math.Max(worstLarge, u);
        }
        output.WriteLine($"KernelMath.Exp as .NET code: worst {worstLarge} ulp over {large:N0} arguments; {oursSeconds * 1e9 / large:F1} ns per element vs Math.Exp {theirsSeconds * 1e9 / large:F1} ns");
        Assert.Equal(0.0, KernelMath.Exp(-746.0));
        Assert.Equal(1.0, KernelMath.Exp(0.0));
        Assert.True(double.IsNaN(KernelMath.Exp(double.NaN)));
    }

    private static readonly Type[] Formulas = [typeof(GaussianFormula), typeof(LaplacianFormula), typeof(PolynomialFormula), typeof(LinearFormula), typeof(ArcCosineFormula)];

    private static string Ptx(Context context, MethodInfo kernel)
    {
        using var backend = new PTXBackend(context, CudaArchitecture.SM_90, CudaInstructionSet.ISA_88, null!);
        var compiled = (PTXCompiledKernel)backend.Compile(EntryPointDescription.FromImplicitlyGroupedKernel(kernel), KernelSpecialization.Empty);
        return compiled.PTXAssembly;
    }

    /// <summary>
    /// Every transform kernel (each kernel kind, both precisions) compiles to PTX for SM 9.0 here, with
    /// no GPU; the exponential kernels are straight-line code (no calls: ILGPU's own FP64 exp is a
    /// CORDIC loop of non-inlined helpers, which a kernel using Math.Exp shows).
    /// </summary>
    [Fact]
    public void Transform_kernels_compile_to_ptx_for_an_h100_without_library_calls()
    {
        using var context = Context.Create(builder => builder.Cuda().EnableAlgorithms());
        var methods = typeof(ElementwiseKernels).GetMethods(BindingFlags.NonPublic | BindingFlags.Static);
        foreach (var name in new[] { "TransformDouble", "TransformSingle" })
            foreach (var formula in Formulas)
            {
                var ptx = Ptx(context, methods.Single(m => m.Name == name).MakeGenericMethod(formula));
                // ILGPU 1.5.3 writes PTX ISA 8.8 for an SM 9.0 backend with target sm_80 code, which the driver JIT-compiles for the H100.
                Assert.Contains(".version 8.8", ptx);
                Assert.Contains(".target sm_", ptx);
                var calls = System.Text.RegularExpressions.Regex.Matches(ptx, @"\bcall(\.uni)?\s").Count;
                output.WriteLine($"{name}<{formula.Name}>: {ptx.Length:N0} characters of PTX, {calls} calls");
                if (formula == typeof(GaussianFormula) || formula == typeof(LaplacianFormula))
                    Assert.True(calls == 0, $"{name}<{formula.Name}> calls {calls} functions; the exponential must be inline");
            }
        var library = Ptx(context, typeof(ElementwiseKernelTests).GetMethod(nameof(LibraryExpKernel), BindingFlags.NonPublic | BindingFlags.Static)!);
        Assert.True(System.Text.RegularExpressions.Regex.Matches(library, @"\bcall(\.uni)?\s").Count > 0, "Math.Exp in device code was expected to compile to a library call");
    }
}
