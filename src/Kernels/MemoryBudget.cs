using System.Globalization;

namespace Rethink.Kernels;

/// <summary>How much memory a solve may use; checked before allocating the kernel matrix.</summary>
public static class MemoryBudget
{
    /// <summary>MemAvailable from /proc/meminfo (bytes), or the GC's view of total memory elsewhere.</summary>
    public static long Available()
    {
        try
        {
            foreach (var line in File.ReadLines("/proc/meminfo"))
                if (line.StartsWith("MemAvailable:", StringComparison.Ordinal))
                {
                    var kb = long.Parse(line["MemAvailable:".Length..].Trim().Split(' ')[0], CultureInfo.InvariantCulture);
                    return kb * 1024;
                }
        }
        catch (IOException) { }
        return GC.GetGCMemoryInfo().TotalAvailableMemoryBytes;
    }

    public static string Gigabytes(long bytes) => (bytes / 1e9).ToString("F1", CultureInfo.InvariantCulture) + " GB";

    /// <summary>Throws one clear line when <paramref name="needed"/> bytes do not fit, with the options that would.</summary>
    public static void Require(long needed, int n, Precision precision, string what, string extraOptions = "")
    {
        var available = Available();
        if (needed <= available) return;
        var bytesPer = precision == Precision.Fp64 ? 8 : 4;
        var fitN = (long)Math.Sqrt(available * 0.9 / bytesPer);
        var fp32 = precision == Precision.Fp64 ? $"--precision fp32 (needs {Gigabytes(needed / 2)}), " : "";
        throw new InsufficientMemoryException(
            $"{what} for n = {n:N0} in {precision.ToString().ToLowerInvariant()} needs {Gigabytes(needed)}; {Gigabytes(available)} available. " +
            $"Options: {extraOptions}{fp32}a smaller --train (at most about {fitN:N0} here), or --device cuda.");
    }
}
