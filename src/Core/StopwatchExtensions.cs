using System.Diagnostics;

namespace Rethink.Core;

/// <summary>Phase timing: read the elapsed seconds and start the next phase.</summary>
public static class StopwatchExtensions
{
    /// <summary>Seconds since the last lap (or start), restarting the watch.</summary>
    public static double Lap(this Stopwatch watch)
    {
        var seconds = watch.Elapsed.TotalSeconds;
        watch.Restart();
        return seconds;
    }
}
