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

    public static void EnsureAvailable()
    {
        if (Unavailable is { } reason) throw new TorchUnavailableException(reason);
    }

    private static string? Probe()
    {
        // TorchSharp prints a page of its own load trace on failure; the one-line reason below replaces it.
        var output = Console.Out;
        Console.SetOut(TextWriter.Null);
        try
        {
            using var t = TorchSharp.torch.ones(1);
            TorchSharp.torch.set_num_threads(Environment.ProcessorCount);
            return null;
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            var detail = (e.InnerException ?? e).Message.Split('\n')[0];
            var glibcxx = detail.Contains("GLIBCXX", StringComparison.Ordinal) || File.Exists("/etc/debian_version") && !HasGlibcxx32();
            return glibcxx
                ? $"TorchSharp's native library did not load ({detail}): it needs libstdc++ with GLIBCXX_3.4.32 — on Debian 12 run `sudo bash .ci/deps.sh` to install libstdc++6 from Debian 13."
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

/// <summary>TorchSharp cannot run on this machine; the message says why and how to fix it.</summary>
public sealed class TorchUnavailableException(string message) : NotSupportedException(message);
