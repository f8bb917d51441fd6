namespace Rethink.Plots.Cli;

/// <summary>
/// A hook for tests of faults: with <c>RETHINK_PAUSE_AT=EVENT</c> the console stops when EVENT happens, says so on
/// stderr ("rethink: paused at EVENT …") and waits to be killed, so that a test kills a process at a state the
/// process reported, never after a guessed number of seconds. Events: <c>step:K</c> (deep run, after training
/// step K of this process), <c>phase:NAME</c> (kernels fit, when phase NAME starts: gram, potrf, predict, …),
/// <c>runs:K</c> (reproduce, after this process finished its K-th run), <c>cost</c> (reproduce, after the cost
/// line). An EVENT ending in <c>*</c> is a prefix (<c>phase:random features: block 4/*</c>: when block 4 of a stream
/// is announced, whatever its rate). Unset, it costs one string comparison.
/// </summary>
public static class PauseHook
{
    public const string Variable = "RETHINK_PAUSE_AT";

    /// <summary>Under mpirun: pause only the process of this rank (OMPI_COMM_WORLD_RANK), so a test can kill one rank of a job.</summary>
    public const string RankVariable = "RETHINK_PAUSE_RANK";

    private static readonly string? Target = Environment.GetEnvironmentVariable(Variable) is { Length: > 0 } value
        && (Environment.GetEnvironmentVariable(RankVariable) is not { Length: > 0 } rank || rank == Environment.GetEnvironmentVariable("OMPI_COMM_WORLD_RANK")) ? value : null;

    /// <summary>Blocks forever when <paramref name="event"/> is the event asked for.</summary>
    public static void Reached(string @event)
    {
        if (Target is null) return;
        var matches = Target.EndsWith('*') ? @event.StartsWith(Target[..^1], StringComparison.Ordinal) : string.Equals(Target, @event, StringComparison.Ordinal);
        if (!matches) return;
        Console.Out.Flush();
        Console.Error.WriteLine($"rethink: paused at {Target} ({Variable}, pid {Environment.ProcessId}); waiting to be killed");
        Console.Error.Flush();
        Thread.Sleep(Timeout.Infinite);
    }
}
