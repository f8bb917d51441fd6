using System.Runtime.InteropServices;

namespace Rethink.Core;

/// <summary>The machine a result was computed on, recorded with every result.</summary>
public sealed record MachineInfo(string Host, string Os, string Cpu, int LogicalCores, long MemoryBytes, string Runtime)
{
    /// <summary>This process's machine.</summary>
    public static MachineInfo Current { get; } = Capture();

    private static MachineInfo Capture()
    {
        var memory = GC.GetGCMemoryInfo().TotalAvailableMemoryBytes;
        return new MachineInfo(Environment.MachineName, RuntimeInformation.OSDescription, CpuName(),
            Environment.ProcessorCount, memory, RuntimeInformation.FrameworkDescription);
    }

    private static string CpuName()
    {
        try
        {
            if (File.Exists("/proc/cpuinfo"))
                foreach (var line in File.ReadLines("/proc/cpuinfo"))
                    if (line.StartsWith("model name", StringComparison.Ordinal))
                        return line[(line.IndexOf(':') + 1)..].Trim();
        }
        catch (IOException) { }
        return RuntimeInformation.ProcessArchitecture.ToString();
    }

    /// <summary>CPU, cores, memory, operating system and runtime on one line.</summary>
    public override string ToString() => $"{Cpu}, {LogicalCores} logical cores, {MemoryBytes / (1 << 30)} GiB, {Os}, {Runtime}";
}
