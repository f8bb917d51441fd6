using Rethink.Kernels;
using Xunit;
using Rethink.Experiments;

namespace Rethink.Properties;

public class KernelRunnerTests
{
    [Fact]
    public void One_hot_targets_are_column_major()
    {
        var y = Targets.OneHot([2, 0, 1], 3);
        Assert.Equal([0.0, 1, 0, 0, 0, 1, 1, 0, 0], y.Values);
        Assert.Equal((3, 3, 1.0), (y.Rows, y.Columns, y[0, 2]));
    }

    [Fact]
    public void Evaluation_counts_argmax_errors_per_class()
    {
        // 3 points, 2 classes, column-major scores.
        var scores = new[] { 0.9, 0.1, 0.2, 0.1, 0.8, 0.7 };
        var (error, perClass) = KernelFitRunner.Evaluate(scores, [0, 1, 0], 2);
        Assert.Equal(1.0 / 3, error); // the same division, exactly
        Assert.Equal([0.5, 0.0], perClass);
    }

    [Fact]
    public void Npy_round_trips()
    {
        using var dir = new TempDirectory();
        var values = Enumerable.Range(0, 12).Select(i => i * 1.5).ToArray();
        NpyFile.WriteColumnMajor(dir.File("a.npy"), values, 4, 3);
        var (back, rows, columns) = NpyFile.ReadColumnMajor(dir.File("a.npy"));
        Assert.Equal((4, 3), (rows, columns));
        Assert.Equal(values, back);
        Assert.Equal(0, (10 + BitConverter.ToUInt16(File.ReadAllBytes(dir.File("a.npy")), 8)) % 64);
    }

    [Fact]
    public void Too_little_memory_gives_one_line_with_the_options()
    {
        using var device = Rethink.Kernels.Devices.LapackDevice.Open(Precision.Fp64);
        var e = Assert.Throws<InsufficientMemoryException>(() => device.EnsureCapacity(new Rethink.Kernels.Devices.MemoryRequest("The kernel matrix", 3_000_000, [(3_000_000L, 3_000_000L)])));
        // The library names what to change, not a console option.
        Assert.Contains("FP32 precision", e.Message);
        Assert.Contains("fewer training points", e.Message);
        Assert.Contains("the CUDA device", e.Message);
        Assert.DoesNotMatch("--[a-z]", e.Message);
        Assert.DoesNotContain("\n", e.Message);
    }

    [Fact]
    public void Median_bandwidth_rule_uses_the_median_squared_distance()
    {
        // Points 0, 1, 3 on a line: squared distances 1, 4, 9; median 4.
        var x = new Rethink.Core.FeatureMatrix([0.0, 1.0, 3.0], 3, 1);
        var b = Bandwidth.Resolve(BandwidthRule.Median, 2.0, x);
        Assert.Equal(4.0, b.Scale);
        Assert.Equal(0.5, b.Gamma);
    }
}
