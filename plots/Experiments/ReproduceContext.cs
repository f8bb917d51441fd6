using Rethink.Kernels.Devices;

namespace Rethink.Plots.Experiments;

/// <summary>What `rethink reproduce` was asked for: profile, device, data and output locations.</summary>
public sealed record ReproduceContext(RunProfile Profile, ComputeDevice Device, string? DataDirectory, string OutputDirectory)
{
    public string FiguresDirectory => Path.Combine(OutputDirectory, "figures");
    public string TablesDirectory => Path.Combine(OutputDirectory, "tables");
    public string DataResultsDirectory => Path.Combine(OutputDirectory, "data");

    /// <summary>Seconds per training step, measured from the runs in the results folder.</summary>
    public CostModel Costs { get; init; } = new();
}
