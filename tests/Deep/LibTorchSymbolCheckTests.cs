using System.Diagnostics;
using Rethink.Torch;
using Xunit;

namespace Rethink.Deep.Tests;

/// <summary>
/// The symbol check that decides whether TorchSharp's native library may run on a libtorch it was not
/// built against, checked on real libraries (TorchSharp's own and the bundled libtorch 2.10) against
/// binutils' <c>nm</c> as the independent reader, and on mismatches made from them on purpose.
/// Nothing here loads a library.
/// </summary>
public sealed class LibTorchSymbolCheckTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("rethink-symbols-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private static string Native => LibTorchSymbolCheck.FindTorchSharpNative()
        ?? throw new InvalidOperationException($"libLibTorchSharp.so is not in {AppContext.BaseDirectory} (the TorchSharp package restores it)");

    /// <summary>The bundled CPU libtorch 2.10 (the build TorchSharp 0.107 is compiled against).</summary>
    private static string Bundled => Path.GetDirectoryName(Native)!;

    /// <summary>Symbol names as <c>nm -D</c> lists them, versions stripped.</summary>
    private static HashSet<string> Nm(string library, string filter)
    {
        var info = new ProcessStartInfo("nm") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in new[] { "-D", filter, library }) info.ArgumentList.Add(a);
        using var nm = Process.Start(info)!;
        var lines = nm.StandardOutput.ReadToEnd().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        nm.StandardError.ReadToEnd();
        nm.WaitForExit();
        Assert.True(nm.ExitCode == 0, $"nm -D {filter} {library} exited {nm.ExitCode}");
        return lines.Select(l => l.Trim().Split(' ', StringSplitOptions.RemoveEmptyEntries))
            .Where(f => f.Length >= 2 && (filter == "--undefined-only" ? f[^2] != "w" && f[^2] != "v" : true))
            .Select(f => f[^1].Split('@')[0]).ToHashSet(StringComparer.Ordinal);
    }

    [Fact]
    public void The_elf_reader_lists_what_nm_lists()
    {
        var native = ElfDynamic.Read(Native);
        Assert.Equal(Nm(Native, "--undefined-only").Order(), native.Undefined.Where(u => !u.Weak).Select(u => u.Name).Distinct().Order());
        var c10 = Path.Combine(Bundled, "libc10.so");
        Assert.Equal(Nm(c10, "--defined-only").Order(), ElfDynamic.Read(c10).Defined.Order());
        Assert.Equal(["libtorch.so", "libc10.so", "libtorch_cpu.so", "libstdc++.so.6", "libm.so.6", "libgcc_s.so.1", "libc.so.6", "ld-linux-x86-64.so.2"], native.Needed);
        Assert.Contains(("libstdc++.so.6", "GLIBCXX_3.4.32"), native.VersionsNeeded);
        Assert.Contains(ElfDynamic.Read(c10).VersionsNeeded, v => v.Library == "libstdc++.so.6" && v.Version.StartsWith("GLIBCXX_3.4", StringComparison.Ordinal));
    }

    [Fact]
    public void Every_symbol_resolves_in_the_libtorch_it_was_built_for()
    {
        var check = LibTorchSymbolCheck.Run(Native, Bundled, null);
        Assert.True(check.Passed, check.Describe());
        Assert.Equal(Nm(Native, "--undefined-only").Count, check.Symbols);
        Assert.Contains("libtorch_cpu.so", check.Scope);
        Assert.Contains("libstdc++.so.6", check.Scope);
        Assert.StartsWith($"all {check.Symbols:N0} symbols and {check.Versions} symbol versions of libLibTorchSharp.so resolve in {Bundled}", check.Describe());
    }

    /// <summary>A copy of the bundled libtorch directory (symbolic links) with some libraries replaced.</summary>
    private string Mismatched(params (string Name, string ReplacedBy)[] replacements)
    {
        var directory = Directory.CreateDirectory(Path.Combine(_root, "lib")).FullName;
        foreach (var file in Directory.GetFiles(Bundled))
            File.CreateSymbolicLink(Path.Combine(directory, Path.GetFileName(file)), file);
        foreach (var (name, by) in replacements)
        {
            File.Delete(Path.Combine(directory, name));
            File.Copy(by, Path.Combine(directory, name));
        }
        return directory;
    }

    [Fact]
    public void A_libtorch_without_c10_names_exactly_the_symbols_c10_defined()
    {
        // libc10.so swapped for another ELF library: what TorchSharp needs from c10 and nothing else defines is unresolved.
        var directory = Mismatched(("libc10.so", Path.Combine(Bundled, "libshm.so")));
        var check = LibTorchSymbolCheck.Run(Native, directory, null);
        var needed = Nm(Native, "--undefined-only");
        var elsewhere = new[] { "libtorch.so", "libtorch_cpu.so", "libshm.so", "libgomp-98b21ff3.so.1" }
            .SelectMany(l => Nm(Path.Combine(Bundled, l), "--defined-only")).ToHashSet();
        foreach (var system in new[] { "libstdc++.so.6", "libm.so.6", "libgcc_s.so.1", "libc.so.6", "ld-linux-x86-64.so.2" })
            if (new[] { "/lib/x86_64-linux-gnu", "/usr/lib/x86_64-linux-gnu", "/lib64" }.Select(d => Path.Combine(d, system)).FirstOrDefault(File.Exists) is { } path)
                elsewhere.UnionWith(Nm(path, "--defined-only"));
        var expected = needed.Where(n => !elsewhere.Contains(n)).Order(StringComparer.Ordinal).ToList();
        Assert.NotEmpty(expected);
        Assert.All(expected, n => Assert.Contains(n, Nm(Path.Combine(Bundled, "libc10.so"), "--defined-only")));
        Assert.Equal(expected, check.Unresolved);
        Assert.False(check.Passed);
    }

    [Fact]
    public void A_cpp_runtime_without_GLIBCXX_3_4_32_is_named_with_the_version()
    {
        var libm = new[] { "/lib/x86_64-linux-gnu/libm.so.6", "/usr/lib/x86_64-linux-gnu/libm.so.6", "/lib64/libm.so.6" }.First(File.Exists);
        var directory = Mismatched(("libstdc++.so.6", libm));
        var check = LibTorchSymbolCheck.Run(Native, directory, null);
        Assert.False(check.Passed);
        Assert.Contains("GLIBCXX_3.4.32 from libstdc++.so.6", check.MissingVersions);
        Assert.Contains("_ZNKSt13runtime_error4whatEv", check.Unresolved); // std::runtime_error::what, from the C++ runtime
    }

    [Fact]
    public void A_mismatch_is_refused_in_one_line_that_names_the_symbols()
    {
        var directory = Mismatched(("libc10.so", Path.Combine(Bundled, "libshm.so")));
        var check = LibTorchSymbolCheck.Run(Native, directory, null);
        var e = Assert.Throws<TorchUnavailableException>(() => new CudaLibTorch(directory, "2.99.0+cu130", "test").Check(null, Native));
        Assert.DoesNotContain('\n', e.Message);
        Assert.Equal(TrainingTarget.Cuda, e.Target);
        Assert.Contains($"libtorch 2.99.0+cu130 in {directory} (test) does not fit TorchSharp 0.107 (built for 2.10)", e.Message);
        Assert.Contains($"{check.Unresolved.Count:N0} of {check.Symbols:N0} symbols", e.Message);
        Assert.Contains(check.Unresolved[0], e.Message);
        Assert.Contains($"and {check.Unresolved.Count - 3:N0} more", e.Message);
    }

    [Fact]
    public void A_libtorch_that_fits_is_taken_whatever_its_version_and_the_check_is_recorded()
    {
        var fits = new CudaLibTorch(Bundled, "2.11.0+cu130", "test").Check(null, Native);
        Assert.NotNull(fits.Symbols);
        Assert.True(fits.Symbols!.Passed);
        Assert.Contains("libtorch 2.11.0+cu130 (CUDA)", fits.Describe());
        Assert.Contains("TorchSharp built for 2.10, symbol check: all ", fits.Describe());
    }

    [Fact]
    public void A_file_that_is_not_elf_is_refused_by_the_reader()
    {
        var path = Path.Combine(_root, "libfake.so");
        File.WriteAllText(path, "INPUT ( /lib/x86_64-linux-gnu/libc.so.6 )");
        Assert.Throws<InvalidDataException>(() => ElfDynamic.Read(path));
    }
}
