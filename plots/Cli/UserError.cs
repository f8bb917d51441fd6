namespace Rethink.Plots.Cli;

/// <summary>
/// Which exceptions are the user's to fix (bad input, missing data, not enough memory) and get a
/// one-line message rather than a stack trace. Anything else is a bug and keeps its trace.
/// </summary>
public static class UserError
{
    public static bool IsUserError(Exception e) => e is ArgumentException or FormatException or IOException
        or InvalidDataException or UnauthorizedAccessException or InsufficientMemoryException or NotSupportedException
        or OperationCanceledException or ArithmeticException || e is CommandLineException or Kernels.Cuda.CudaException or Core.UserInputException;

    /// <summary>The message on one line (ArgumentOutOfRangeException adds "Actual value was …" on a line of its own).</summary>
    public static string Describe(Exception e)
    {
        if (e is Core.UserInputException input) return OptionNames.Describe(input);
        var message = e is ArgumentException { ParamName: { } p } ? e.Message.Replace($" (Parameter '{p}')", "", StringComparison.Ordinal) : e.Message;
        return string.Join(' ', message.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
    }
}

/// <summary>A bad command-line value, with the option's name in the message.</summary>
public sealed class CommandLineException(string message) : Exception(message);
