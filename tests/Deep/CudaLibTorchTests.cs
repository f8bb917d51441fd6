using Rethink.Torch;
using Xunit;

namespace Rethink.Deep.Tests;

/// <summary>
/// Finding a CUDA libtorch for TorchSharp (deep runs on --device cuda), with fake directories: what is
/// found where, and the one line that says what is wrong otherwise. Nothing here loads a library.
/// </summary>
public sealed class CudaLibTorchTests : IDisposable
{
    private static readonly string[] CudaBuild = ["libc10.so", "libc10_cuda.so", "libtorch_cpu.so", "libtorch_cuda.so", "libtorch.so"];
    private static readonly string[] CpuBuild = ["libc10.so", "libtorch_cpu.so", "libtorch.so"];
    private readonly string _root = Directory.CreateTempSubdirectory("rethink-libtorch-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    /// <summary>A fake install: root/name/lib with the given libraries, and a version file beside lib.</summary>
    private string Install(string name, IEnumerable<string> libraries, string? buildVersion = null, string? pythonVersion = null)
    {
        var lib = Directory.CreateDirectory(Path.Combine(_root, name, "lib")).FullName;
        foreach (var library in libraries) File.WriteAllText(Path.Combine(lib, library), "not a real library");
        if (buildVersion is not null) File.WriteAllText(Path.Combine(_root, name, "build-version"), buildVersion + "\n");
        if (pythonVersion is not null)
            File.WriteAllText(Path.Combine(_root, name, "version.py"), $"from typing import Optional\n__all__ = ['__version__']\n__version__ = '{pythonVersion}'\ngit_version = 'abc'\n");
        return lib;
    }

    private static string Failure(Action locate)
    {
        var e = Assert.Throws<TorchUnavailableException>(locate);
        Assert.DoesNotContain('\n', e.Message);
        Assert.Equal(TrainingTarget.Cuda, e.Target);
        Assert.Equal($"CUDA training is unavailable: {e.Reason}", e.Message);
        Assert.DoesNotMatch("--[a-z]", e.Message); // the console adds its options (tests/Console/DeviceChoiceTests)
        return e.Message;
    }

    [Fact]
    public void A_libtorch_distribution_named_by_the_variable_is_found_with_its_version()
    {
        var lib = Install("libtorch", CudaBuild, buildVersion: "2.10.0+cu128");
        var found = CudaLibTorch.Locate(lib, null, () => throw new InvalidOperationException("PyTorch not consulted when the variable is set"));
        Assert.Equal(lib, found.Directory);
        Assert.Equal("2.10.0+cu128", found.Version);
        Assert.Equal("$RETHINK_LIBTORCH", found.Source);
        Assert.Contains("libtorch 2.10.0+cu128 (CUDA)", found.Describe());
    }

    [Fact]
    public void An_installed_pytorch_is_read_from_its_version_py()
    {
        var lib = Install("torch", CudaBuild, pythonVersion: "2.10.1+cu126");
        var found = CudaLibTorch.Locate(null, "", () => lib);
        Assert.Equal(("2.10.1+cu126", "the installed PyTorch"), (found.Version, found.Source));
    }

    [Fact]
    public void LD_LIBRARY_PATH_comes_before_the_installed_pytorch()
    {
        var other = Install("other", ["libfoo.so"]);
        var lib = Install("torch", CudaBuild, pythonVersion: "2.10.0");
        var found = CudaLibTorch.Locate(null, $"/nonexistent:{other}:{lib}", () => throw new InvalidOperationException("not consulted"));
        Assert.Equal((lib, "LD_LIBRARY_PATH"), (found.Directory, found.Source));
    }

    [Fact]
    public void Nothing_found_names_the_variable()
    {
        var message = Failure(() => CudaLibTorch.Locate(null, "/usr/lib", () => null));
        Assert.Contains("no CUDA libtorch found", message);
        Assert.Contains("RETHINK_LIBTORCH", message);
    }

    [Fact]
    public void A_missing_directory_is_named()
    {
        var missing = Path.Combine(_root, "nowhere");
        Assert.Contains($"names {missing}, which does not exist", Failure(() => CudaLibTorch.Locate(missing, null, () => null)));
    }

    [Fact]
    public void A_cpu_build_is_not_taken_for_a_cuda_build()
    {
        var lib = Install("cpu-torch", CpuBuild, pythonVersion: "2.10.0+cpu");
        var message = Failure(() => CudaLibTorch.Locate(null, null, () => lib));
        Assert.Contains("is not a CUDA build of libtorch (no libc10_cuda.so, libtorch_cuda.so)", message);
    }

    [Fact]
    public void An_incomplete_directory_lists_what_is_missing()
    {
        var lib = Install("partial", CudaBuild.Where(l => l != "libtorch.so"), buildVersion: "2.10.0");
        Assert.Contains("lacks libtorch.so", Failure(() => CudaLibTorch.Locate(lib, null, () => null)));
    }

    [Theory]
    [InlineData("2.9.1+cu126")]
    [InlineData("2.11.0+cu130")]
    [InlineData("2.1.0")]
    public void Any_version_is_found_and_recorded_the_symbol_check_decides(string version)
    {
        // The version is no gate: TorchSharp built for 2.10 runs on another libtorch when every symbol it
        // needs resolves there (LibTorchSymbolCheckTests); Locate only finds and records.
        var lib = Install("other", CudaBuild, buildVersion: version);
        var found = CudaLibTorch.Locate(lib, null, () => null);
        Assert.Equal(version, found.Version);
        Assert.Null(found.Symbols);
        Assert.Contains($"libtorch {version} (CUDA)", found.Describe());
    }

    [Fact]
    public void An_unknown_version_is_recorded_as_unknown()
    {
        var lib = Install("unversioned", CudaBuild);
        Assert.Contains("libtorch of unknown version (CUDA)", CudaLibTorch.Locate(lib, null, () => null).Describe());
    }

    [Fact]
    public void Fake_libraries_fail_the_symbol_check_in_one_line()
    {
        var lib = Install("fake", CudaBuild, buildVersion: "2.10.0+cu128");
        var message = Failure(() => CudaLibTorch.Locate(lib, null, () => null).Check(null));
        Assert.Contains("does not fit TorchSharp 0.107", message);
    }

    [Fact]
    public void The_cpu_path_is_unchanged_the_bundled_build_is_described()
    {
        // No CUDA libtorch was asked for in this test process: TorchSharp runs on its bundled CPU build.
        Assert.Equal($"libtorch 2.10.0 (CPU, bundled with TorchSharp 0.107.0), {TorchRuntime.Threads} intra-op thread(s)", TorchRuntime.Description);
    }

    [Theory]
    [InlineData("0-1\n", 2)]
    [InlineData("0", 1)]
    [InlineData("0-3,8,10-11", 7)]
    [InlineData("", 0)]
    public void Cpu_lists_are_counted(string list, int count) => Assert.Equal(count, TorchRuntime.CountCpuList(list));

    [Fact]
    public void The_thread_count_is_the_machines_not_the_process_binding()
    {
        // mpirun binds a rank to one core (the affinity .NET's ProcessorCount reports); libtorch's thread
        // count must not follow it, or a shard's numbers differ from one process's.
        if (Environment.GetEnvironmentVariable(TorchRuntime.ThreadsVariable) is null && Environment.GetEnvironmentVariable("SLURM_CPUS_PER_TASK") is null)
            Assert.Equal(TorchRuntime.MachineCpus(), TorchRuntime.Threads);
        Assert.True(TorchRuntime.MachineCpus() >= 1);
        var online = File.Exists("/sys/devices/system/cpu/online") ? TorchRuntime.CountCpuList(File.ReadAllText("/sys/devices/system/cpu/online")) : Environment.ProcessorCount;
        Assert.InRange(TorchRuntime.MachineCpus(), 1, Math.Max(online, Environment.ProcessorCount));
    }
}
