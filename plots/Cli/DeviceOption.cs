using System.CommandLine;
using Rethink.Kernels.Devices;

namespace Rethink.Plots.Cli;

/// <summary>
/// --device: the one option every computing command takes, with the choices that command supports, read as a
/// typed <see cref="ComputeDevice"/>.
/// </summary>
public sealed class DeviceOption
{
    /// <summary>--device with <paramref name="choices"/> (in help order) and <paramref name="defaultDevice"/>.</summary>
    public DeviceOption(ComputeDevice defaultDevice, params ComputeDevice[] choices)
    {
        Option = new Option<string>("--device")
        {
            Description = $"Where to compute: {string.Join("; ", choices.Select(c => $"{Name(c)} ({Meaning(c)})"))}.",
            DefaultValueFactory = _ => Name(defaultDevice),
        }.AcceptOnlyFromAmong([.. choices.Select(Name)]);
    }

    /// <summary>The option, to add to a command.</summary>
    public Option<string> Option { get; }

    /// <summary>The device given (or the default).</summary>
    public ComputeDevice Get(ParseResult parse) => Enum.Parse<ComputeDevice>(parse.GetValue(Option)!, ignoreCase: true);

    /// <summary>The warning when --device auto trains on the CPU for want of a usable CUDA libtorch (<paramref name="fallback"/> says why).</summary>
    public static string TorchFallbackWarning(string fallback) => $"warning: --device auto: no usable CUDA libtorch ({fallback.TrimEnd('.')}); training on the CPU.";

    /// <summary>The error when --device cuda cannot train (<paramref name="reason"/> says why).</summary>
    public static CommandLineException TorchUnavailable(string reason) => new($"--device cuda: {reason.TrimEnd('.')}; or use --device cpu.");

    /// <summary>The device's name on the console ("cpu", "cuda", "auto", "scalapack").</summary>
    public static string Name(ComputeDevice device) => device.ToString().ToLowerInvariant();

    private static string Meaning(ComputeDevice device) => device switch
    {
        ComputeDevice.Cpu => "this machine's processors",
        ComputeDevice.Cuda => "the first GPU; refused in one line when none is usable",
        ComputeDevice.Auto => "the GPU when usable, else the CPU with a warning",
        ComputeDevice.Scalapack => "the MPI processes of `mpirun -np P rethink ...`",
        _ => device.ToString(),
    };
}
