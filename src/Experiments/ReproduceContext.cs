using Rethink.Deep;
using Rethink.Kernels.Devices;

namespace Rethink.Experiments;

/// <summary>
/// What a reproduction was asked for: profile, device, data and output locations. The device is where runs
/// compute, never part of what they compute: configs and their hashes leave it out, results record the
/// device asked for and the one that ran.
/// </summary>
/// <param name="Profile">The quick or the paper profile.</param>
/// <param name="Device">The device asked for (auto: CUDA when usable, else the CPU).</param>
/// <param name="DataDirectory">The data root searched first (null: $RETHINK_DATA, then the user cache).</param>
/// <param name="OutputDirectory">The results folder (data/, figures/, tables/, runs/).</param>
public sealed record ReproduceContext(RunProfile Profile, ComputeDevice Device, string? DataDirectory, string OutputDirectory)
{
    /// <summary>Figures (PNG and SVG).</summary>
    public string FiguresDirectory => Path.Combine(OutputDirectory, "figures");

    /// <summary>Tables (Markdown and LaTeX).</summary>
    public string TablesDirectory => Path.Combine(OutputDirectory, "tables");

    /// <summary>Result files.</summary>
    public string DataResultsDirectory => Path.Combine(OutputDirectory, "data");

    /// <summary>
    /// The models whose training runs are taken (null: all). A CPU reaches the paper profile's MLP and
    /// AlexNet runs at full size, not its Inception runs: restricting the models restricts what is computed,
    /// estimated and drawn; the paper profile's figures and tables show the rows that exist.
    /// </summary>
    public IReadOnlyList<ModelKind>? Models { get; init; }

    /// <summary>When streamed Gram matrices are checkpointed (null: every 10 minutes).</summary>
    public Features.CheckpointSchedule? Checkpoints { get; init; }

    /// <summary>Seconds per training step, measured from the runs in the results folder.</summary>
    public CostModel Costs { get; init; } = new();

    /// <summary>
    /// The width, in inches, at which a paper prints each figure panel (null: 3.5, a two-column paper's column). Panels
    /// are drawn at that width, so their text keeps its point size in print (e.g. 2.2 for two panels to a row of a
    /// one-column article).
    /// </summary>
    public double? FigureInches { get; init; }

    /// <summary>Where the kernel fits are asked to run.</summary>
    public DeviceRequest KernelDevice => new(Device == ComputeDevice.Scalapack ? ComputeDevice.Cpu : Device);

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

/// <summary>The training device of the deep runs, why CUDA cannot be used when it was asked for, and why auto fell back to the CPU.</summary>
/// <param name="Device">Where the deep runs train.</param>
/// <param name="Unavailable">Why CUDA cannot be used when it was asked for, else null.</param>
/// <param name="Fallback">Why the auto device trains on the CPU (no usable CUDA libtorch), else null.</param>
public sealed record TorchDevice(TrainingDevice Device, string? Unavailable, string? Fallback)
{
    /// <summary>"cpu" or "cuda".</summary>
    public string Name => Device == TrainingDevice.Cuda ? "cuda" : "cpu";

    /// <summary>Resolves the device asked for: CUDA (or why not), auto (CUDA when its libtorch loads, else the CPU with a warning), or the CPU.</summary>
    public static TorchDevice Resolve(ComputeDevice device)
    {
        switch (device)
        {
            case ComputeDevice.Cuda:
                try
                {
                    Torch.TorchRuntime.EnsureCuda();
                    return new(TrainingDevice.Cuda, null, null);
                }
                catch (Torch.TorchUnavailableException e)
                {
                    return new(TrainingDevice.Cuda, e.Reason, null);
                }
            case ComputeDevice.Auto:
                var (cuda, fallback) = Torch.TorchRuntime.ResolveAuto();
                return new(cuda ? TrainingDevice.Cuda : TrainingDevice.Cpu, null, fallback);
            default:
                return new(TrainingDevice.Cpu, null, null);
        }
    }
}
