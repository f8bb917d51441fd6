using System.Reflection;
using System.Runtime.InteropServices;

namespace Rethink.Torch;

/// <summary>
/// Loads TorchSharp's native library once and explains a failure in one line. On Debian 12 the usual
/// cause is the C++ runtime: libtorch 2.10 needs GLIBCXX_3.4.32 (GCC 14's libstdc++).
/// </summary>
public static class TorchRuntime
{
    private static readonly Lazy<string?> Failure = new(Probe);

    /// <summary>Null when TorchSharp works here, else why not and how to fix it.</summary>
    public static string? Unavailable => Failure.Value;

    /// <summary>Throws <see cref="TorchUnavailableException"/> (one line, with the fix) when TorchSharp's native library cannot run here.</summary>
    public static void EnsureAvailable()
    {
        if (Unavailable is { } reason) throw new TorchUnavailableException(TrainingTarget.Runtime, reason);
    }

    private static readonly object CudaGate = new();
    private static CudaLibTorch? _cuda;
    private static TorchUnavailableException? _cudaFailure;

    /// <summary>What TorchSharp runs on: the bundled CPU libtorch, or the CUDA libtorch loaded by <see cref="EnsureCuda"/>.</summary>
    public static string Description => (_cuda?.Describe() ?? "libtorch 2.10.0 (CPU, bundled with TorchSharp 0.107.0)") + $", {Threads} intra-op thread(s)";

    /// <summary>Environment variable that sets libtorch's intra-op thread count.</summary>
    public const string ThreadsVariable = "RETHINK_TORCH_THREADS";

    /// <summary>
    /// libtorch's intra-op thread count. CPU training results depend on it in their last digits (its
    /// reductions split work by thread), and over thousands of steps those digits grow into different
    /// test errors; so it is a setting of the machine, never of how a sweep is launched: mpirun binds each
    /// rank to one core, yet a shard uses as many threads as one process alone would, and its numbers
    /// are the same bit for bit. <c>RETHINK_TORCH_THREADS</c> sets it, else Slurm's
    /// <c>SLURM_CPUS_PER_TASK</c>, else the CPUs of this machine (online, within the container's CPU
    /// quota). It is recorded with every result (<see cref="Description"/>).
    /// </summary>
    public static int Threads { get; } = ChooseThreads();

    private static int ChooseThreads()
    {
        foreach (var variable in new[] { ThreadsVariable, "SLURM_CPUS_PER_TASK" })
            if (int.TryParse(Environment.GetEnvironmentVariable(variable), out var n) && n > 0) return n;
        return MachineCpus();
    }

    /// <summary>CPUs one unbound process may use: online CPUs, capped by a cgroup v2 quota (cpu.max).</summary>
    internal static int MachineCpus()
    {
        var online = Environment.ProcessorCount;
        try
        {
            if (File.Exists("/sys/devices/system/cpu/online"))
                online = Math.Max(online, CountCpuList(File.ReadAllText("/sys/devices/system/cpu/online")));
            if (File.Exists("/sys/fs/cgroup/cpu.max") && File.ReadAllText("/sys/fs/cgroup/cpu.max").Split(' ') is [var quota, var period]
                && long.TryParse(quota, out var q) && long.TryParse(period, out var p) && p > 0)
                online = Math.Min(online, Math.Max(1, (int)Math.Ceiling((double)q / p)));
        }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
        return Math.Max(1, online);
    }

    /// <summary>Counts a Linux CPU list such as "0-3,8,10-11".</summary>
    internal static int CountCpuList(string list)
    {
        var count = 0;
        foreach (var part in list.Trim().Split(',', StringSplitOptions.RemoveEmptyEntries))
        {
            var range = part.Split('-');
            if (range.Length == 1 && int.TryParse(range[0], out _)) count++;
            else if (range.Length == 2 && int.TryParse(range[0], out var a) && int.TryParse(range[1], out var b) && b >= a) count += b - a + 1;
        }
        return count;
    }

    /// <summary>
    /// Makes TorchSharp run on CUDA: finds, checks and loads a CUDA libtorch (<see cref="CudaLibTorch"/>),
    /// initializes TorchSharp's CUDA backend and checks that it sees a GPU. Throws
    /// <see cref="TorchUnavailableException"/> (one line) when it cannot.
    /// </summary>
    public static CudaLibTorch EnsureCuda()
    {
        lock (CudaGate)
        {
            if (_cuda is not null) return _cuda;
            if (_cudaFailure is not null) throw _cudaFailure;
            try
            {
                return _cuda = LoadCuda();
            }
            catch (TorchUnavailableException e)
            {
                _cudaFailure = e;
                throw;
            }
        }
    }

    private static CudaLibTorch LoadCuda()
    {
        {
            var libtorch = CudaLibTorch.Locate(Environment.GetEnvironmentVariable(CudaLibTorch.Variable),
                Environment.GetEnvironmentVariable("LD_LIBRARY_PATH"), CudaLibTorch.FindInstalledPyTorch)
                .Check(Environment.GetEnvironmentVariable("LD_LIBRARY_PATH"));
            // Two copies of libtorch in one process register every operator twice: once TorchSharp has
            // started on a libtorch that is not this one, the choice of device came too late.
            if (LoadedLibrary("libtorch_cpu.so") is { } loaded && Path.GetDirectoryName(loaded) != libtorch.Directory)
                throw new TorchUnavailableException(TrainingTarget.Cuda, $"TorchSharp already runs on {loaded} in this process; choose the CUDA device before anything else uses TorchSharp.");
            libtorch.Load();
            var output = Console.Out;
            Console.SetOut(TextWriter.Null);
            try
            {
                TorchSharp.torch.InitializeDeviceType(TorchSharp.DeviceType.CUDA);
                // TorchSharp's CPU start-up would load the bundled CPU libtorch beside this one; the
                // native backend is loaded already (TorchSharp's own flag, private in 0.107).
                typeof(TorchSharp.torch).GetField("nativeBackendLoaded", BindingFlags.NonPublic | BindingFlags.Static)?.SetValue(null, true);
                if (!TorchSharp.torch.cuda.is_available())
                    throw new TorchUnavailableException(TrainingTarget.Cuda, $"{libtorch.Describe()} loaded, but it sees no GPU (check the driver and CUDA_VISIBLE_DEVICES).");
            }
            catch (Exception e) when (e is not TorchUnavailableException and not OutOfMemoryException)
            {
                throw new TorchUnavailableException(TrainingTarget.Cuda, $"TorchSharp did not start on {libtorch.Describe()} ({(e.InnerException ?? e).Message.Split('\n')[0]}).");
            }
            finally
            {
                Console.SetOut(output);
            }
            return libtorch;
        }
    }

    /// <summary>The path this process loaded a shared library with the given file name from, or null.</summary>
    private static string? LoadedLibrary(string fileName)
    {
        try
        {
            foreach (var line in File.ReadLines("/proc/self/maps"))
            {
                var slash = line.IndexOf('/', StringComparison.Ordinal);
                if (slash >= 0 && line.EndsWith("/" + fileName, StringComparison.Ordinal)) return Path.GetFullPath(line[slash..]);
            }
        }
        catch (IOException)
        {
            // Not Linux: nothing to compare.
        }
        return null;
    }

    /// <summary>CUDA when <see cref="EnsureCuda"/> succeeds; else the CPU, with why CUDA could not be used (its <see cref="TorchUnavailableException.Reason"/>).</summary>
    public static (bool Cuda, string? Fallback) ResolveAuto()
    {
        try
        {
            EnsureCuda();
            return (true, null);
        }
        catch (TorchUnavailableException e)
        {
            return (false, e.Reason);
        }
    }

    private static string? Probe()
    {
        // TorchSharp prints a page of its own load trace on failure; the one-line reason below replaces it.
        var output = Console.Out;
        Console.SetOut(TextWriter.Null);
        try
        {
            using var t = TorchSharp.torch.ones(1);
            TorchSharp.torch.set_num_threads(Threads);
            return null;
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            var detail = (e.InnerException ?? e).Message.Split('\n')[0];
            var glibcxx = detail.Contains("GLIBCXX", StringComparison.Ordinal) || File.Exists("/etc/debian_version") && !HasGlibcxx32();
            return glibcxx
                ? $"TorchSharp's native library did not load ({detail}): it needs libstdc++ with GLIBCXX_3.4.32 (GCC 14's); on Debian 12 install libstdc++6 from Debian 13."
                : $"TorchSharp's native library did not load ({detail}); the libtorch-cpu-linux-x64 package must be restored next to the program.";
        }
        finally
        {
            Console.SetOut(output);
        }
    }

    private static bool HasGlibcxx32()
    {
        foreach (var path in new[] { "/usr/lib/x86_64-linux-gnu/libstdc++.so.6", "/lib/x86_64-linux-gnu/libstdc++.so.6" })
        {
            if (!File.Exists(path)) continue;
            try { return File.ReadAllText(path).Contains("GLIBCXX_3.4.32", StringComparison.Ordinal); }
            catch (IOException) { }
        }
        return false;
    }
}

/// <summary>What TorchSharp could not run on.</summary>
public enum TrainingTarget
{
    /// <summary>TorchSharp itself: its native library did not load.</summary>
    Runtime,

    /// <summary>The GPU: no usable CUDA libtorch or no GPU.</summary>
    Cuda,
}

/// <summary>
/// TorchSharp cannot run here (<see cref="TrainingTarget.Runtime"/>) or not on the GPU (<see cref="TrainingTarget.Cuda"/>):
/// <see cref="Reason"/> says why and what to install or set, in one line.
/// </summary>
public sealed class TorchUnavailableException(TrainingTarget target, string reason)
    : Exception(target == TrainingTarget.Cuda ? $"CUDA training is unavailable: {reason}" : reason)
{
    /// <summary>What could not run.</summary>
    public TrainingTarget Target { get; } = target;

    /// <summary>Why, and what would fix it.</summary>
    public string Reason { get; } = reason;
}
