using System.Runtime.InteropServices;
using System.CommandLine;
using Rethink.Kernels.Scalapack;
using Rethink.Plots.Commands;

namespace Rethink.Plots.Cli;

/// <summary>The `rethink` command tree and its error policy: a known failure is one line and exit code 2.</summary>
public static class RethinkApp
{
    public static RootCommand Build()
    {
        var root = new RootCommand(
            "Rethink: reproduce and check \"Understanding deep learning requires rethinking generalization\" (Zhang et al., ICLR 2017).");
        root.Subcommands.Add(ReproduceCommand.Create());
        root.Subcommands.Add(ReproduceCommand.CreateRender());
        root.Subcommands.Add(ReproduceCommand.CreateStatus());
        root.Subcommands.Add(TheoryCommand.Create());
        root.Subcommands.Add(DataCommand.Create());
        root.Subcommands.Add(KernelsCommand.Create());
        root.Subcommands.Add(DeepCommand.Create());
        root.Subcommands.Add(PaperCommand.Create());
        root.Subcommands.Add(RecordCommand.Create());
        StrictNumbers.Apply(root);
        return root;
    }

    public static int Run(string[] args)
    {
        var parse = Build().Parse(args);
        if (ParseErrors.Describe(parse) is { } parseError)
        {
            Console.Error.WriteLine($"rethink: {parseError}");
            return 2;
        }
        try
        {
            // The first Ctrl-C cancels: the work stops at its next safe point and keeps what it checkpoints (a streamed Gram's
            // finished blocks; a training run's last epoch); a second one ends the process at once. The work stays on this
            // thread (MPI and BLACS are finalized by the thread that started them), so System.CommandLine's own handler,
            // which needs the work on another thread, is off; SIGTERM (mpirun ending a job) terminates as before.
            using var stop = new CancellationTokenSource();
            using var interrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, context =>
            {
                if (stop.IsCancellationRequested) return;
                context.Cancel = true;
                Console.Error.WriteLine("rethink: stopping at the next safe point (Ctrl-C again to quit at once)");
                stop.Cancel();
            });
            var code = parse.InvokeAsync(new InvocationConfiguration { EnableDefaultExceptionHandler = false, ProcessTerminationTimeout = null }, stop.Token).GetAwaiter().GetResult();
            BlacsGrid.Shutdown();
            return code;
        }
        catch (Exception e) when (UserError.IsUserError(e))
        {
            return Fail(e, 2, UserError.Describe(e));
        }
        catch (Exception e)
        {
            // A bug: its trace, and a line saying so (under MPI the whole job ends: the others may wait in a collective).
            return Fail(e, 70, $"{e}\n{UserError.BugLine}");
        }
    }

    /// <summary>
    /// Reports a failure in one line (rank 0 for failures every process meets alike, each process its
    /// own otherwise) and, under MPI, ends the job: cleanly when every process failed the same way,
    /// through MPI_Abort when the others cannot know.
    /// </summary>
    private static int Fail(Exception e, int code, string message)
    {
        var rank = BlacsGrid.Active ? BlacsGrid.Rank : BlacsGrid.LauncherRank() ?? 0;
        var collective = !BlacsGrid.Active || e.Data["collective"] is true || BlacsGrid.Processes == 1;
        if (rank == 0) Console.Error.WriteLine($"rethink: {message}");
        else if (!collective) Console.Error.WriteLine($"rethink (process {rank}): {message}");
        if (BlacsGrid.Active)
        {
            if (collective) BlacsGrid.Shutdown();
            else BlacsGrid.Abort(code);
        }
        return code;
    }
}
