using Rethink.Core;
using Rethink.Data;
using Rethink.Kernels;
using Rethink.Kernels.Cuda;
using Rethink.Kernels.Devices;
using Rethink.Theory;
using Rethink.Torch;

namespace Rethink.Plots.Cli;

/// <summary>
/// Which exceptions are the user's to fix and get one line and exit code 2: input the libraries refuse
/// (<see cref="UserInputException"/>, naming a parameter the console maps to its option), the theorems'
/// hypotheses violated by given points, files and the environment (missing, unreadable or damaged files, a
/// memory plan that does not fit, an unavailable device or libtorch), a solve that cannot be done as asked,
/// and cancellation. Anything else is a bug: its trace is printed, with a line saying so.
/// </summary>
public static class UserError
{
    /// <summary>Whether <paramref name="e"/> is the user's to fix (see the class).</summary>
    public static bool IsUserError(Exception e) => e is UserInputException or CommandLineException
        or NotInterleavingException or InterpolationException
        or IOException or UnauthorizedAccessException or InvalidDataException or InsufficientMemoryException
        or TorchUnavailableException or CudaException or SolveFailedException or OperationCanceledException;

    /// <summary>The message on one line, naming the option the value came from.</summary>
    public static string Describe(Exception e) => e switch
    {
        DeviceUnavailableException d =>
            $"--device {d.Device}: {d.Reason.TrimEnd('.')}; use --device cpu{(d.Device == "scalapack" ? "" : " (or --device auto, which falls back to it)")}.",
        TorchUnavailableException { Target: TrainingTarget.Cuda } t => $"--device cuda: {t.Reason.TrimEnd('.')}; or use --device cpu.",
        UserInputException input => OptionNames.Describe(input),
        DatasetNotFoundException { Missing: { } missing } => missing.Message(OptionNames.For("Data")),
        ImageNet.ImageNetLayoutException layout => $"{OptionNames.For("Data")}: {layout.Message}",
        OperationCanceledException => "stopped (Ctrl-C); what was checkpointed is kept: run the same command again to continue from it.",
        _ => string.Join(' ', e.Message.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)),
    };

    /// <summary>The line after a bug's trace.</summary>
    public const string BugLine = "rethink: this is a bug in Rethink, not a problem with your input: please report it with the trace above.";
}

/// <summary>A bad command-line value, with the option's name in the message.</summary>
public sealed class CommandLineException(string message) : Exception(message);
