using System.Diagnostics;
using System.Runtime.InteropServices;

namespace Rethink.Torch;

/// <summary>
/// A CUDA build of libtorch found on this machine, for TorchSharp to run on the GPU: the NuGet build
/// bundles the CPU libtorch only (no CUDA libtorch for Linux is served as a package), while users with
/// a GPU have PyTorch installed, or an unpacked LibTorch. Found through <c>RETHINK_LIBTORCH</c> (the
/// directory holding libtorch_cuda.so), else a directory on <c>LD_LIBRARY_PATH</c> that holds it, else
/// next to an installed PyTorch (<c>torch/lib</c> of the first python3 that imports torch); checked to be a
/// CUDA build, then checked symbol by symbol against TorchSharp's native library (<see cref="Check"/>:
/// TorchSharp 0.107 is compiled against libtorch 2.10, and another version is taken only when every
/// symbol it needs resolves there), and loaded before TorchSharp initializes so that TorchSharp's native
/// library binds to it. Every failure is one line naming what was found and what to do.
/// </summary>
/// <param name="Directory">The directory holding libtorch_cuda.so.</param>
/// <param name="Version">Its version (LibTorch's build-version or PyTorch's version.py).</param>
/// <param name="Source">How it was found.</param>
/// <param name="Symbols">The symbol check, once <see cref="Check"/> has run.</param>
public sealed record CudaLibTorch(string Directory, string Version, string Source, LibTorchSymbolCheck? Symbols = null)
{
    /// <summary>The environment variable naming the directory that holds a CUDA libtorch_cuda.so.</summary>
    public const string Variable = "RETHINK_LIBTORCH";

    /// <summary>The libtorch minor version TorchSharp 0.107.0's native library is compiled against (others must pass <see cref="Check"/>).</summary>
    public const string CompatibleVersion = "2.10";

    private static readonly string[] Libraries = ["libc10.so", "libc10_cuda.so", "libtorch_cpu.so", "libtorch_cuda.so", "libtorch.so"];

    /// <summary>Version, kind and where it was found, on one line (recorded with every result trained on it).</summary>
    public string Describe() => $"libtorch {Version} (CUDA) from {Directory} ({Source})"
        + (Symbols is { } check ? $"; TorchSharp built for {CompatibleVersion}, symbol check: {check.Describe()}" : "");

    /// <summary>
    /// Checks that TorchSharp's native library <paramref name="torchSharpNative"/> (default: the one next to
    /// this program) binds to this libtorch (<see cref="LibTorchSymbolCheck"/>) and returns this libtorch with
    /// the check recorded; throws <see cref="TorchUnavailableException"/> naming the symbols that do not
    /// resolve. <paramref name="libraryPath"/> is LD_LIBRARY_PATH's value.
    /// </summary>
    public CudaLibTorch Check(string? libraryPath, string? torchSharpNative = null)
    {
        var native = torchSharpNative ?? LibTorchSymbolCheck.FindTorchSharpNative()
            ?? throw new TorchUnavailableException(TrainingTarget.Cuda, $"TorchSharp's native library libLibTorchSharp.so is not next to the program ({AppContext.BaseDirectory}); restore or republish it with the TorchSharp package.");
        LibTorchSymbolCheck check;
        try
        {
            check = LibTorchSymbolCheck.Run(native, Directory, libraryPath);
        }
        catch (Exception e) when (e is IOException or InvalidDataException or UnauthorizedAccessException)
        {
            throw new TorchUnavailableException(TrainingTarget.Cuda, $"cannot read the libraries to check them against TorchSharp ({e.Message}).");
        }
        if (!check.Passed)
            throw new TorchUnavailableException(TrainingTarget.Cuda, $"libtorch {Version} in {Directory} ({Source}) does not fit TorchSharp 0.107 (built for {CompatibleVersion}): {check.Describe()}. Install PyTorch or LibTorch {CompatibleVersion}.x for CUDA and set {Variable}.");
        return this with { Symbols = check };
    }

    /// <summary>
    /// Finds and checks a CUDA libtorch without loading it: <paramref name="variable"/> (the value of
    /// RETHINK_LIBTORCH) first, else the first directory of <paramref name="libraryPath"/> (the value of
    /// LD_LIBRARY_PATH) holding libtorch_cuda.so, else <paramref name="findPyTorch"/> (an installed
    /// PyTorch's torch/lib). Throws <see cref="TorchUnavailableException"/> with one line when there is
    /// none or it does not fit.
    /// </summary>
    public static CudaLibTorch Locate(string? variable, string? libraryPath, Func<string?> findPyTorch)
    {
        string directory, source;
        var onPath = (libraryPath ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries)
            .FirstOrDefault(d => File.Exists(Path.Combine(d, "libtorch_cuda.so")));
        if (!string.IsNullOrWhiteSpace(variable))
        {
            (directory, source) = (variable, $"${Variable}");
        }
        else if (onPath is not null)
        {
            (directory, source) = (onPath, "LD_LIBRARY_PATH");
        }
        else if (findPyTorch() is { } found)
        {
            (directory, source) = (found, "the installed PyTorch");
        }
        else
        {
            throw new TorchUnavailableException(TrainingTarget.Cuda, $"no CUDA libtorch found: set {Variable} to the directory holding libtorch_cuda.so (LibTorch {CompatibleVersion}.x for CUDA, or an installed PyTorch {CompatibleVersion}.x's torch/lib).");
        }
        if (!System.IO.Directory.Exists(directory))
            throw new TorchUnavailableException(TrainingTarget.Cuda, $"{source} names {directory}, which does not exist; point {Variable} at the directory holding libtorch_cuda.so.");
        var missing = Libraries.Where(l => !File.Exists(Path.Combine(directory, l))).ToList();
        if (missing.Contains("libtorch_cuda.so") || missing.Contains("libc10_cuda.so"))
            throw new TorchUnavailableException(TrainingTarget.Cuda, $"{directory} ({source}) is not a CUDA build of libtorch (no {string.Join(", ", missing)}); install a CUDA PyTorch {CompatibleVersion}.x or LibTorch.");
        if (missing.Count > 0)
            throw new TorchUnavailableException(TrainingTarget.Cuda, $"{directory} ({source}) lacks {string.Join(", ", missing)}; point {Variable} at a complete libtorch lib directory.");
        var version = VersionOf(directory) ?? "of unknown version";
        return new CudaLibTorch(Path.GetFullPath(directory), version, source);
    }

    /// <summary>The version of the libtorch in <paramref name="directory"/>: LibTorch's build-version, or PyTorch's torch/version.py.</summary>
    internal static string? VersionOf(string directory)
    {
        var parent = Path.GetDirectoryName(Path.GetFullPath(directory).TrimEnd('/'))!;
        var buildVersion = Path.Combine(parent, "build-version");
        if (File.Exists(buildVersion)) return File.ReadAllText(buildVersion).Trim();
        var versionPy = Path.Combine(parent, "version.py");
        if (File.Exists(versionPy))
            foreach (var line in File.ReadLines(versionPy))
                if (line.StartsWith("__version__", StringComparison.Ordinal))
                    return line.Split('=', 2)[1].Trim().Trim('\'', '"');
        return null;
    }

    /// <summary>torch/lib of the first python3 on this machine that imports torch, or null.</summary>
    public static string? FindInstalledPyTorch()
    {
        foreach (var python in new[] { "python3", "/usr/bin/python3", "/usr/local/bin/python3", "/opt/conda/bin/python" })
        {
            try
            {
                var info = new ProcessStartInfo(python) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
                info.ArgumentList.Add("-c");
                info.ArgumentList.Add("import torch, os; print(os.path.join(os.path.dirname(torch.__file__), 'lib'))");
                using var process = Process.Start(info);
                if (process is null) continue;
                var output = process.StandardOutput.ReadToEnd().Trim();
                process.StandardError.ReadToEnd();
                if (!process.WaitForExit(30_000)) { process.Kill(); continue; }
                if (process.ExitCode == 0 && System.IO.Directory.Exists(output)) return output;
            }
            catch (System.ComponentModel.Win32Exception)
            {
                // No such interpreter here.
            }
        }
        return null;
    }

    /// <summary>Loads the libraries in dependency order (before TorchSharp initializes), so its native library binds to them.</summary>
    public void Load()
    {
        foreach (var library in Libraries)
        {
            try
            {
                NativeLibrary.Load(Path.Combine(Directory, library));
            }
            catch (DllNotFoundException e)
            {
                throw new TorchUnavailableException(TrainingTarget.Cuda, $"{Path.Combine(Directory, library)} did not load ({e.Message.Split('\n')[0]}); check the CUDA driver and that this libtorch matches it.");
            }
        }
    }
}
