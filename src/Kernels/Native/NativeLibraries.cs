using System.Reflection;
using System.Runtime.InteropServices;

namespace Rethink.Kernels.Native;

/// <summary>
/// Resolves the logical library names used by the P/Invoke declarations ("blas", "lapack") to the
/// system's files, newest/fastest first, remembering which file was loaded and why others failed.
/// </summary>
public static class NativeLibraries
{
    private static readonly Dictionary<string, string[]> Candidates = new()
    {
        // Debian's alternatives point libblas.so.3/liblapack.so.3 at OpenBLAS when libopenblas0-pthread is installed.
        ["blas"] = ["libblas.so.3", "libopenblas.so.0", "libblas.so"],
        ["lapack"] = ["liblapack.so.3", "libopenblas.so.0", "liblapack.so"],
    };

    private static readonly Dictionary<string, string> Loaded = new();
    private static readonly Dictionary<string, IntPtr> Handles = new();
    private static readonly Dictionary<string, string> Failures = new();
    private static int _registered;

    /// <summary>Installs the resolver for <paramref name="assembly"/> (idempotent).</summary>
    public static void Register(Assembly assembly)
    {
        if (Interlocked.Exchange(ref _registered, 1) == 1) return;
        NativeLibrary.SetDllImportResolver(assembly, Resolve);
    }

    /// <summary>Adds candidate file names for a logical library (e.g. the CUDA backend's).</summary>
    public static void AddCandidates(string name, params string[] files)
    {
        lock (Candidates) Candidates[name] = files;
    }

    private static IntPtr Resolve(string name, Assembly assembly, DllImportSearchPath? path)
    {
        string[] files;
        lock (Candidates)
            if (!Candidates.TryGetValue(name, out files!)) return IntPtr.Zero;
        var errors = new List<string>();
        foreach (var file in files)
        {
            if (NativeLibrary.TryLoad(file, assembly, path, out var handle))
            {
                lock (Loaded)
                {
                    Loaded[name] = ResolvePath(file);
                    Handles[name] = handle;
                }
                return handle;
            }
            errors.Add(file);
        }
        lock (Loaded) Failures[name] = $"tried {string.Join(", ", errors)}";
        return IntPtr.Zero;
    }

    /// <summary>The file that was loaded for a logical name, when it was.</summary>
    public static string? LoadedFile(string name)
    {
        lock (Loaded) return Loaded.GetValueOrDefault(name);
    }

    /// <summary>Why the library of logical name <paramref name="name"/> did not load, or null when it did (or was not tried).</summary>
    public static string? Failure(string name)
    {
        lock (Loaded) return Failures.GetValueOrDefault(name);
    }

    /// <summary>
    /// What the loaded BLAS says of itself, when it is OpenBLAS: its build configuration, the core type its
    /// kernels were chosen for (set by OPENBLAS_CORETYPE, else detected) and its thread count, e.g.
    /// "OpenBLAS 0.3.21 DYNAMIC_ARCH NO_AFFINITY Haswell MAX_THREADS=64; core Haswell; 2 threads".
    /// Null when no BLAS is loaded yet or it does not export OpenBLAS's queries.
    /// </summary>
    public static string? BlasDescription()
    {
        IntPtr handle;
        lock (Loaded)
            if (!Handles.TryGetValue("blas", out handle)) return null;
        if (!NativeLibrary.TryGetExport(handle, "openblas_get_corename", out var corename)) return null;
        unsafe
        {
            var parts = new List<string>();
            if (NativeLibrary.TryGetExport(handle, "openblas_get_config", out var config))
                parts.Add(Marshal.PtrToStringAnsi(((delegate* unmanaged<IntPtr>)config)())?.Trim() ?? "OpenBLAS");
            parts.Add($"core {Marshal.PtrToStringAnsi(((delegate* unmanaged<IntPtr>)corename)())?.Trim()}");
            if (NativeLibrary.TryGetExport(handle, "openblas_get_num_threads", out var threads))
                parts.Add($"{((delegate* unmanaged<int>)threads)()} threads");
            return string.Join("; ", parts);
        }
    }

    /// <summary>The real path of a loaded shared object whose file name starts with <paramref name="fileName"/> (from /proc/self/maps).</summary>
    public static string? MappedPath(string fileName)
    {
        try
        {
            foreach (var line in File.ReadLines("/proc/self/maps"))
            {
                var slash = line.IndexOf('/');
                if (slash < 0) continue;
                var path = line[slash..];
                if (Path.GetFileName(path).StartsWith(fileName, StringComparison.Ordinal)) return path;
            }
        }
        catch (IOException) { }
        return null;
    }

    /// <summary>Follows symlinks (Debian alternatives) so that results name the real library, e.g. OpenBLAS.</summary>
    private static string ResolvePath(string file)
    {
        foreach (var dir in new[] { "/usr/lib/x86_64-linux-gnu", "/usr/lib64", "/usr/lib", "/lib/x86_64-linux-gnu" })
        {
            var full = Path.Combine(dir, file);
            if (!File.Exists(full)) continue;
            try
            {
                var target = new FileInfo(full).ResolveLinkTarget(returnFinalTarget: true);
                return target?.FullName ?? full;
            }
            catch (IOException)
            {
                return full;
            }
        }
        return file;
    }
}
