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
        // Where it ran is beside the config, not in it (one cache key whatever the device).
        Assert.Equal("auto", result.GetProperty("device").GetProperty("device").GetString());
        Assert.False(result.GetProperty("config").TryGetProperty("device", out _));
        Assert.Contains("no usable GPU", result.GetProperty("backendWarning").GetString());
    }

    private static readonly string[] DeepProblem = ["deep", "run", "--model", "mlp1x512", "--dataset", "mnist", "--train", "128", "--test", "32", "--steps", "2"];

    /// <summary>A CPU libtorch where a CUDA one is named: deep runs refuse in one line, or fall back under auto.</summary>
    private Dictionary<string, string?> CpuLibTorch()
    {
        var lib = Directory.CreateDirectory(Path.Combine(_dir.Path, "fake-torch", "lib")).FullName;
        foreach (var library in new[] { "libc10.so", "libtorch_cpu.so", "libtorch.so" }) File.WriteAllText(Path.Combine(lib, library), "");
        File.WriteAllText(Path.Combine(_dir.Path, "fake-torch", "version.py"), "__version__ = '2.10.0+cpu'\n");
        return new() { ["RETHINK_LIBTORCH"] = lib };
    }

    [Fact]
    public void Deep_cuda_with_a_cpu_libtorch_is_one_line_and_exit_code_2()
    {
        var run = RethinkProcess.Run([.. DeepProblem, "--device", "cuda", "--out", Path.Combine(_dir.Path, "run")], environment: CpuLibTorch());
        Assert.Equal(2, run.ExitCode);
        var lines = run.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.True(lines.Length == 1, run.ToString());
        Assert.StartsWith("rethink: --device cuda: ", lines[0]);
        Assert.Contains("is not a CUDA build of libtorch", lines[0]);
        Assert.False(Directory.Exists(Path.Combine(_dir.Path, "run")));
    }

    [Fact]
    public void Deep_auto_with_a_cpu_libtorch_trains_on_the_cpu_and_records_the_build()
    {
        var run = RethinkProcess.Run([.. DeepProblem, "--device", "auto", "--out", Path.Combine(_dir.Path, "run")], environment: CpuLibTorch());
        Assert.True(run.ExitCode == 0, run.ToString());
        var warnings = run.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.True(warnings.Length == 1 && warnings[0].StartsWith("warning: --device auto: no usable CUDA libtorch", StringComparison.Ordinal), run.ToString());
        var result = JsonDocument.Parse(File.ReadAllText(Path.Combine(_dir.Path, "run", "result.json"))).RootElement;
        Assert.Equal("cpu", result.GetProperty("device").GetString());
        Assert.False(result.GetProperty("config").TryGetProperty("device", out _));
        Assert.Matches(@"^libtorch 2\.10\.0 \(CPU, bundled with TorchSharp 0\.107\.0\), [1-9][0-9]* intra-op thread\(s\)$", result.GetProperty("libTorch").GetString());
    }
}
