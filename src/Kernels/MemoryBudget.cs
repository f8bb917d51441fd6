using System.Globalization;

namespace Rethink.Kernels;

/// <summary>How much memory this machine has for a solve (devices check their needs against it before allocating).</summary>
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

    /// <paramref name="bytes"/> in GB (10⁹ bytes), one decimal.
    public static string Gigabytes(long bytes) => (bytes / 1e9).ToString("F1", CultureInfo.InvariantCulture) + " GB";
}
