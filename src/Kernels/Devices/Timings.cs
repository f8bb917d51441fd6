namespace Rethink.Kernels.Devices;

/// <summary>Accumulates seconds per phase.</summary>
internal static class Timings
{
    public static void AddSeconds(this IDictionary<string, double> timings, string phase, double seconds)
    {
        timings.TryGetValue(phase, out var before);
        timings[phase] = before + seconds;
    }
}
