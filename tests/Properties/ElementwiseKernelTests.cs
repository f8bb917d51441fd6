using ILGPU;
using ILGPU.Runtime;
using ILGPU.Runtime.CPU;
using Rethink.Kernels;
using Rethink.Kernels.Cuda;
using Xunit;

namespace Rethink.Properties;

/// <summary>
/// The GPU backend's element-wise ILGPU kernels, run in CI on ILGPU's CPU accelerator and compared
/// with the CPU implementations they replace.
/// </summary>
public sealed class ElementwiseKernelTests : IDisposable
{
    private readonly Context _context = Context.Create(builder => builder.CPU().EnableAlgorithms());
    private readonly Accelerator _accelerator;
    private readonly ElementwiseKernels _kernels;

    public ElementwiseKernelTests()
    {
        _accelerator = _context.CreateCPUAccelerator(0);
        _kernels = new ElementwiseKernels(_accelerator);
    }

    public void Dispose()
    {
        _accelerator.Dispose();
        _context.Dispose();
    }

    [Fact]
    public void Transform_matches_the_cpu_kernels_for_every_kernel()
    {
        var c = new KernelCase(37, 5, 1, 3);
        var x = c.Points();
        var norms = x.SquaredNorms();
        var dots = new double[37 * 37];
        for (var j = 0; j < 37; j++)
            for (var i = 0; i < 37; i++)
            {
                double s = 0;
                for (var t = 0; t < 5; t++) s += x.Row(i)[t] * x.Row(j)[t];
                dots[(long)j * 37 + i] = s;
            }
        foreach (var kernel in KernelArbitraries.AllKernels)
        {
            using var k = _accelerator.Allocate1D(dots);
            using var n = _accelerator.Allocate1D(norms);
            // Two column tiles, to exercise the column offset.
            _kernels.Transform(k.View, 37, 37, 20, 0, n.View, n.View, kernel, symmetricRidge: 0.25);
            _kernels.Transform(k.View, 37, 37, 17, 20, n.View, n.View, kernel, symmetricRidge: 0.25);
            _kernels.Synchronize();
            var gpu = k.GetAsArray1D();
            var reference = kernel.Gram(x); // row-major, symmetric
            for (var i = 0; i < 37; i++)
                for (var j = 0; j < 37; j++)
                {
                    var expected = reference[(long)i * 37 + j] + (i == j ? 0.25 : 0);
                    Assert.True(Math.Abs(gpu[(long)j * 37 + i] - expected) <= 1e-12 * Math.Max(1, Math.Abs(expected)), $"{kernel.Describe()} ({i},{j}): {gpu[(long)j * 37 + i]} vs {expected}");
                }
        }
    }

    [Fact]
    public void Single_precision_transform_matches_the_cpu_transform()
    {
        var c = new KernelCase(25, 4, 1, 8);
        var x = c.Points();
        var norms = x.SquaredNorms().Select(v => (float)v).ToArray();
        var kernel = new GaussianKernel(0.3);
        var column = new float[25];
        var all = new float[25 * 25];
        for (var j = 0; j < 25; j++)
            for (var i = 0; i < 25; i++)
            {
                double s = 0;
                for (var t = 0; t < 4; t++) s += x.Row(i)[t] * x.Row(j)[t];
                all[j * 25 + i] = (float)s;
            }
        using var k = _accelerator.Allocate1D(all);
        using var n = _accelerator.Allocate1D(norms);
        _kernels.Transform(k.View, 25, 25, 25, 0, n.View, n.View, kernel);
        _kernels.Synchronize();
        var gpu = k.GetAsArray1D();
        for (var j = 0; j < 25; j++)
        {
            all.AsSpan(j * 25, 25).CopyTo(column);
            kernel.Transform(column, norms, norms[j]);
            for (var i = 0; i < 25; i++) Assert.Equal(column[i], gpu[j * 25 + i], 5);
        }
    }

    [Fact]
    public void Diagonal_save_and_restore_round_trip()
    {
        var values = Enumerable.Range(0, 36).Select(v => (double)v).ToArray();
        using var k = _accelerator.Allocate1D(values);
        using var d = _accelerator.Allocate1D<double>(6);
        _kernels.Diagonal(k.View, d.View, 6, restore: false);
        _kernels.Synchronize();
        Assert.Equal([0.0, 7, 14, 21, 28, 35], d.GetAsArray1D());
        d.CopyFromCPU([-1.0, -2, -3, -4, -5, -6]);
        _kernels.Diagonal(k.View, d.View, 6, restore: true);
        _kernels.Synchronize();
        var back = k.GetAsArray1D();
        Assert.Equal(-3.0, back[14]);
        Assert.Equal(1.0, back[1]);
    }

    [Fact]
    public void Argmax_matches_the_cpu_evaluation()
    {
        var random = new Random(3);
        const int m = 101, classes = 10;
        var scores = Enumerable.Range(0, m * classes).Select(_ => random.NextDouble()).ToArray();
        using var s = _accelerator.Allocate1D(scores);
        using var labels = _accelerator.Allocate1D<int>(m);
        _kernels.ArgMax(s.View, m, classes, labels.View);
        _kernels.Synchronize();
        var gpu = labels.GetAsArray1D();
        var (error, _) = KernelFitRunner.Evaluate(scores, gpu, classes);
        Assert.Equal(0.0, error);
    }
}
