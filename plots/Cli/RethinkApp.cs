using System.CommandLine;
using Rethink.Plots.Commands;

namespace Rethink.Plots.Cli;

/// <summary>The `rethink` command tree and its error policy: a known failure is one line and exit code 2.</summary>
public static class RethinkApp
{
    public static RootCommand Build()
    {
        Rethink.Features.FeaturePipelines.Register();
        var root = new RootCommand(
            "Rethink: reproduce and check \"Understanding deep learning requires rethinking generalization\" (Zhang et al., ICLR 2017).");
        root.Subcommands.Add(ReproduceCommand.Create());
        root.Subcommands.Add(ReproduceCommand.CreateRender());
        root.Subcommands.Add(TheoryCommand.Create());
        root.Subcommands.Add(DataCommand.Create());
        root.Subcommands.Add(KernelsCommand.Create());
        root.Subcommands.Add(DeepCommand.Create());
        return root;
    }

    public static int Run(string[] args)
    {
        var parse = Build().Parse(args);
        try
        {
            return parse.Invoke(new InvocationConfiguration { EnableDefaultExceptionHandler = false });
        }
        catch (Exception e) when (UserError.IsUserError(e))
        {
            Console.Error.WriteLine($"rethink: {UserError.Describe(e)}");
            return 2;
        }
    }
}
