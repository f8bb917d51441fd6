using System.Reflection;
using System.Runtime.InteropServices;
using Rethink.Kernels.Native;

namespace Rethink.Kernels.Cuda;

/// <summary>
/// Resolves cudart, cuBLAS and cuSOLVER newest first (libcusolver.so.12/.11, libcublas.so.13/.12,
/// libcudart.so.13/.12) through the normal search path, then <c>$CUDA_PATH</c> and <c>$CUDA_HOME</c>
/// (lib64 and targets/x86_64-linux/lib), and says which files were loaded — or, in one line, what
/// was tried.
/// </summary>
public static class CudaLibraries
{
    private static readonly Dictionary<string, string[]> Names = new()
    {
        [CudaNative.Runtime] = ["libcudart.so.13", "libcudart.so.12"],
        [CudaNative.Blas] = ["libcublas.so.13", "libcublas.so.12"],
        [CudaNative.Solver] = ["libcusolver.so.12", "libcusolver.so.11"],
    };

    /// <summary>Every file name tried for a logical library, in order.</summary>
    public static IReadOnlyList<string> Candidates(string library)
    {
        var result = new List<string>(Names[library]);
        foreach (var variable in new[] { "CUDA_PATH", "CUDA_HOME" })
        {
            var root = Environment.GetEnvironmentVariable(variable);
            if (string.IsNullOrEmpty(root)) continue;
            foreach (var sub in new[] { "lib64", "targets/x86_64-linux/lib", "lib" })
                foreach (var name in Names[library]) result.Add(Path.Combine(root, sub, name));
        }
        return result;
    }

    internal static void Register()
    {
        foreach (var library in Names.Keys) NativeLibraries.AddCandidates(library, [.. Candidates(library)]);
        NativeLibraries.Register(typeof(CudaLibraries).Assembly);
    }

    /// <summary>Loads all three libraries or throws <see cref="DllNotFoundException"/> listing what was tried.</summary>
    public static IReadOnlyDictionary<string, string> Load()
    {
        Register();
        var loaded = new Dictionary<string, string>();
        var failures = new List<string>();
        foreach (var library in Names.Keys)
        {
            string? found = null;
            foreach (var candidate in Candidates(library))
                if (NativeLibrary.TryLoad(candidate, typeof(CudaLibraries).Assembly, DllImportSearchPath.SafeDirectories | DllImportSearchPath.AssemblyDirectory, out _))
                {
                    found = candidate;
                    break;
                }
            if (found is null) failures.Add($"{library}: {string.Join(", ", Candidates(library))}");
            else loaded[library] = found;
        }
        if (failures.Count > 0)
            throw new DllNotFoundException($"CUDA libraries not found (tried {string.Join("; ", failures)}); install the CUDA toolkit or set CUDA_PATH, or use --device cpu.");
        return loaded;
    }
}
