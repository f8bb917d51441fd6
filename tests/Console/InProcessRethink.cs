using Rethink.Plots.Cli;

namespace Rethink.Console.Tests;

/// <summary>
/// Runs the console in this process (its parser and error handling, without a process start), capturing
/// stdout and stderr; the tests using it share the <see cref="InProcessConsole"/> collection, as the
/// console's writers are process-wide.
/// </summary>
public static class InProcessRethink
{
    /// <summary>Runs <c>rethink args</c>; a run still going after <paramref name="limit"/> means the bad value was not refused.</summary>
    public static (int Code, string Stdout, string Stderr) Run(string[] args, TimeSpan limit)
    {
        var (stdout, stderr) = (new StringWriter(), new StringWriter());
        var (oldOut, oldErr) = (System.Console.Out, System.Console.Error);
        System.Console.SetOut(stdout);
        System.Console.SetError(stderr);
        try
        {
            var task = Task.Run(() => RethinkApp.Run(args));
            if (!task.Wait(limit)) throw new TimeoutException($"rethink {string.Join(' ', args)} is still running after {limit.TotalSeconds:F0} s: the bad value was not refused.");
            return (task.Result, stdout.ToString(), stderr.ToString());
        }
        finally
        {
            System.Console.SetOut(oldOut);
            System.Console.SetError(oldErr);
        }
    }
}
