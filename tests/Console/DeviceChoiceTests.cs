using System.Text.Json;
using Rethink.Kernels;
using Rethink.Kernels.Cuda;
using Rethink.Kernels.Devices;
using Xunit;

namespace Rethink.Console.Tests;

/// <summary>Runs only where CUDA cannot start (every CI machine): the console's answer to a missing GPU.</summary>
public sealed class NoGpuFactAttribute : FactAttribute
{
    public NoGpuFactAttribute()
    {
        try
        {
            CudaDevice.Open(Precision.Fp64).Dispose();
            Skip = "A GPU is usable here; these tests check the console without one.";
        }
        catch (DeviceUnavailableException)
        {
        }
    }
}

/// <summary>--device cuda without a GPU is one line and exit code 2; --device auto computes on the CPU and says so once.</summary>
public sealed class DeviceChoiceTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    private static readonly string[] Problem = ["kernels", "fit", "--dataset", "mnist", "--gamma", "0.02", "--train", "60", "--test", "30"];

    [NoGpuFact]
    public void Cuda_without_a_gpu_is_one_line_and_exit_code_2()
    {
        var run = RethinkProcess.Run([.. Problem, "--device", "cuda", "--out", _dir.Path]);
        Assert.Equal(2, run.ExitCode);
        var lines = run.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.True(lines.Length == 1, run.ToString());
        Assert.StartsWith("rethink: --device cuda: ", lines[0]);
        Assert.Contains("use --device cpu", lines[0]);
        Assert.Empty(Directory.GetFiles(_dir.Path));
    }

    [NoGpuFact]
    public void Auto_without_a_gpu_computes_on_the_cpu_with_one_warning()
    {
        var run = RethinkProcess.Run([.. Problem, "--device", "auto", "--out", _dir.Path]);
        Assert.True(run.ExitCode == 0, run.ToString());
        var warnings = run.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.True(warnings.Length == 1 && warnings[0].StartsWith("warning: --device auto: no usable GPU", StringComparison.Ordinal), run.ToString());
        var result = JsonDocument.Parse(File.ReadAllText(Directory.GetFiles(_dir.Path, "*.json").Single())).RootElement;
        Assert.Equal("lapack", result.GetProperty("solve").GetProperty("backend").GetString());
        Assert.Equal("auto", result.GetProperty("config").GetProperty("device").GetString());
        Assert.Contains("no usable GPU", result.GetProperty("backendWarning").GetString());
    }
}
