using System.Runtime.InteropServices;
using Rethink.Kernels.Devices;
using Rethink.Kernels.Native;

namespace Rethink.Kernels.Cuda;

/// <summary>
/// Finds the NVIDIA driver (<c>libcuda.so.1</c>), asks it which CUDA version it supports, and loads one
/// consistent set of cudart, cuBLAS and cuSOLVER for that version — the newest toolkit major the driver
/// can run (CUDA 13: cudart 13, cuBLAS 13, cuSOLVER 12; CUDA 12: cudart 12, cuBLAS 12, cuSOLVER 11) —
/// searched on the normal library path, then under <c>$CUDA_PATH</c> and <c>$CUDA_HOME</c>. Reports the
/// real paths of the files loaded. Failures are <see cref="DeviceUnavailableException"/>s: one line.
/// </summary>
public static class CudaLibraries
{
    /// <summary>Toolkit sets, newest first: (CUDA major, cudart, cuBLAS, cuSOLVER file names).</summary>
    public static readonly IReadOnlyList<(int Major, string Runtime, string Blas, string Solver)> Sets =
    [
        (13, "libcudart.so.13", "libcublas.so.13", "libcusolver.so.12"),
        (12, "libcudart.so.12", "libcublas.so.12", "libcusolver.so.11"),
    ];

    private static readonly string[] DriverFiles = ["libcuda.so.1", "libcuda.so"];

    /// <summary>The loaded driver and toolkit: versions and real file paths.</summary>
    public sealed record Loaded(int DriverVersion, int ToolkitMajor, IReadOnlyDictionary<string, string> Files)
    {
        /// <summary>Driver version and library files on one line.</summary>
        public string Describe() => $"CUDA driver {DriverVersion / 1000}.{DriverVersion % 1000 / 10}; " + string.Join("; ", Files.Values);
    }

    /// <summary>Directories searched after the default library path.</summary>
    public static IReadOnlyList<string> ExtraDirectories()
    {
        var result = new List<string>();
        foreach (var variable in new[] { "CUDA_PATH", "CUDA_HOME" })
        {
            var root = Environment.GetEnvironmentVariable(variable);
            if (string.IsNullOrEmpty(root)) continue;
            foreach (var sub in new[] { "lib64", "targets/x86_64-linux/lib", "lib" }) result.Add(Path.Combine(root, sub));
        }
        return result;
    }

    /// <summary>Loads the driver and the newest consistent toolkit set it supports.</summary>
    public static unsafe Loaded Load()
    {
        var driver = TryLoad(DriverFiles, out var driverPath)
            ?? throw new DeviceUnavailableException("cuda", "no NVIDIA driver here (libcuda.so.1 not found)", kind: DeviceProblem.NoDriver);
        NativeLibraries.AddCandidates(CudaNative.Driver, driver);
        NativeLibraries.Register(typeof(CudaLibraries).Assembly);
        var status = CudaNative.cuInit(0);
        if (status == 100) throw new DeviceUnavailableException("cuda", "the NVIDIA driver sees no GPU (check CUDA_VISIBLE_DEVICES)", kind: DeviceProblem.NoDevice);
        if (status != 0) throw new DeviceUnavailableException("cuda", $"cuInit failed with CUDA driver error {status}; check the driver installation", kind: DeviceProblem.NoDriver);
        int version, count;
        CudaNative.cuDriverGetVersion(&version);
        CudaNative.cuDeviceGetCount(&count);
        if (count == 0) throw new DeviceUnavailableException("cuda", "the NVIDIA driver sees no GPU (check CUDA_VISIBLE_DEVICES)", kind: DeviceProblem.NoDevice);
        var loaded = new Dictionary<string, string>();
        var (chosen, tried) = Choose(version, name =>
        {
            if (TryLoad([name], out var path) is null) return false;
            loaded[name] = path!;
            return true;
        });
        if (chosen is { } set)
        {
            NativeLibraries.AddCandidates(CudaNative.Runtime, loaded[set.Runtime]);
            NativeLibraries.AddCandidates(CudaNative.Blas, loaded[set.Blas]);
            NativeLibraries.AddCandidates(CudaNative.Solver, loaded[set.Solver]);
            return new Loaded(version, set.Major, new Dictionary<string, string>
            {
                ["driver"] = driverPath!, ["cudart"] = loaded[set.Runtime], ["cublas"] = loaded[set.Blas], ["cusolver"] = loaded[set.Solver],
            });
        }
        throw new DeviceUnavailableException("cuda",
            $"the driver supports CUDA {version / 1000}.{version % 1000 / 10} but no matching cudart/cuBLAS/cuSOLVER set loads ({(tried.Count == 0 ? "no known set for this CUDA version" : string.Join("; ", tried))}); install the CUDA toolkit or set CUDA_PATH",
            kind: DeviceProblem.NoLibraries);
    }

    /// <summary>
    /// The newest toolkit set the driver (<paramref name="driverVersion"/>, e.g. 13000 for CUDA 13.0) can
    /// run whose three libraries all load — never a mix of majors — and what was tried before it.
    /// </summary>
    public static ((int Major, string Runtime, string Blas, string Solver)? Set, IReadOnlyList<string> Tried) Choose(int driverVersion, Func<string, bool> loads)
    {
        var tried = new List<string>();
        foreach (var set in Sets.Where(s => s.Major <= driverVersion / 1000))
        {
            var (runtime, blas, solver) = (loads(set.Runtime), loads(set.Blas), loads(set.Solver));
            if (runtime && blas && solver) return (set, tried);
            tried.Add($"CUDA {set.Major}: {set.Runtime}{(runtime ? "" : " (missing)")}, {set.Blas}{(blas ? "" : " (missing)")}, {set.Solver}{(solver ? "" : " (missing)")}");
        }
        return (null, tried);
    }

    /// <summary>The first file that loads (by name on the default path, then in the CUDA directories), as an absolute path.</summary>
    private static string? TryLoad(IEnumerable<string> names, out string? realPath)
    {
        foreach (var name in names)
        {
            foreach (var candidate in ExtraDirectories().Select(d => Path.Combine(d, name)).Prepend(name))
            {
                if (!NativeLibrary.TryLoad(candidate, out _)) continue;
                realPath = NativeLibraries.MappedPath(name) ?? candidate;
                return realPath;
            }
        }
        realPath = null;
        return null;
    }
}
