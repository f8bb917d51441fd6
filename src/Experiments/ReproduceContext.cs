using Rethink.Kernels.Devices;

namespace Rethink.Experiments;

/// <summary>What `rethink reproduce` was asked for: profile, device, data and output locations.</summary>
public sealed record ReproduceContext(RunProfile Profile, ComputeDevice Device, string? DataDirectory, string OutputDirectory)
{
    public string FiguresDirectory => Path.Combine(OutputDirectory, "figures");
    public string TablesDirectory => Path.Combine(OutputDirectory, "tables");
    public string DataResultsDirectory => Path.Combine(OutputDirectory, "data");

    /// <summary>Seconds per training step, measured from the runs in the results folder.</summary>
    public CostModel Costs { get; init; } = new();

    private Lazy<TorchDevice>? _torch;

    /// <summary>
    /// Where the deep runs train, resolved once. It must be resolved before anything else in the process
    /// starts TorchSharp (a CUDA libtorch is loaded first), so `reproduce` resolves it up front. Set it
    /// to name configs without loading anything (`paper check` reads it from macros.json).
    /// </summary>
    public TorchDevice Torch
    {
        get => (_torch ??= new Lazy<TorchDevice>(() => TorchDevice.Resolve(Device))).Value;
        init => _torch = new Lazy<TorchDevice>(value);
    }
}

/// <summary>The training device of the deep runs: "cuda" or "cpu", why CUDA cannot be used when it was asked for, and the auto fallback's warning.</summary>
public sealed record TorchDevice(string Name, string? Unavailable, string? Warning)
{
    public static TorchDevice Resolve(ComputeDevice device)
    {
        switch (device)
        {
            case ComputeDevice.Cuda:
                try
                {
                    Rethink.Torch.TorchRuntime.EnsureCuda();
                    return new("cuda", null, null);
                }
                catch (Rethink.Torch.TorchUnavailableException e)
                {
                    return new("cuda", e.Message, null);
                }
            case ComputeDevice.Auto:
                var (cuda, warning) = Rethink.Torch.TorchRuntime.ResolveAuto();
                return new(cuda ? "cuda" : "cpu", null, warning);
            default:
                return new("cpu", null, null);
        }
    }
}
