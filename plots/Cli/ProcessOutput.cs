using Rethink.Kernels.Devices;
using Rethink.Kernels.Scalapack;

namespace Rethink.Plots.Cli;

/// <summary>
/// Under <c>mpirun</c> every process runs the same command; only rank 0 prints progress and results
/// and writes files. The others compute silently (their own failures still reach stderr, marked with
/// their rank).
/// </summary>
public static class ProcessOutput
{
    /// <summary>True when this process speaks for the job; silences stdout otherwise.</summary>
    public static bool Begin(ComputeDevice device)
    {
        if (device != ComputeDevice.Scalapack || (BlacsGrid.LauncherRank() ?? 0) == 0) return true;
        Console.SetOut(TextWriter.Null);
        return false;
    }
}
