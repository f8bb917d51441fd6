using System.CommandLine;
using Rethink.Plots.Cli;
using Rethink.Plots.Paper;

namespace Rethink.Plots.Commands;

/// <summary>`rethink paper init|check`: a LaTeX paper that quotes Rethink results, and the check that none of its numbers is missing or stale.</summary>
public static class PaperCommand
{
    public static Command Create()
    {
        var command = new Command("paper", "A LaTeX paper that reads its numbers, figures and tables from Rethink results, and the check that none is missing or stale.");
        command.Subcommands.Add(Init());
        command.Subcommands.Add(Check());
        return command;
    }

    private static Command Init()
    {
        var directory = new Argument<string>("DIR") { Description = "Folder for the paper (created; existing files are kept)." };
        var results = new Option<string?>("--results") { Description = "The results folder the paper reads (default: ./results), written into main.tex relative to DIR." };
        var command = new Command("init", "Write a LaTeX article skeleton (rethink.sty, main.tex, Makefile) that inputs the macros, figures, kernel table and theorem-check table.") { directory, results };
        command.SetAction(parse =>
        {
            var dir = Path.GetFullPath(parse.GetValue(directory)!);
            if (File.Exists(dir)) throw new CommandLineException($"DIR: {dir} is a file; give a folder for the paper.");
            var resultsDir = Path.GetFullPath(parse.GetValue(results) ?? "results");
            if (File.Exists(resultsDir)) throw new CommandLineException($"--results: {resultsDir} is a file; give the results folder (rethink reproduce --out).");
            var relative = Path.GetRelativePath(dir, resultsDir).Replace('\\', '/');
            var written = PaperTemplate.Write(dir, relative);
            foreach (var file in written) Console.WriteLine($"wrote {Path.GetRelativePath(Environment.CurrentDirectory, file)}");
            if (written.Count < 3) Console.WriteLine($"kept {3 - written.Count} existing file(s) in {dir}");
            Console.WriteLine($"the paper reads {relative} (from DIR); build it with `make -C {Path.GetRelativePath(Environment.CurrentDirectory, dir)}`, check it with `rethink paper check {Path.GetRelativePath(Environment.CurrentDirectory, dir)}`");
            return 0;
        });
        return command;
    }

    private static Command Check()
    {
        var directory = new Argument<string>("DIR") { Description = "The paper's folder (every .tex file below it is read)." };
        var results = new Option<string?>("--results") { Description = "The unprefixed results folder (default: the \\rethinkresults{...} of the paper, else ./results); folders declared with a prefix, \\rethinkresults[Prefix]{DIR}, are read from the paper." };
        var command = new Command("check", "List every Rethink macro the paper uses that is missing from the results or stale (its result changed, was recomputed or came from another version); exit 1 if any.") { directory, results };
        command.SetAction(parse =>
        {
            var dir = Path.GetFullPath(parse.GetValue(directory)!);
            if (!Directory.Exists(dir)) throw new CommandLineException($"DIR: no folder {dir}; give the paper's folder (rethink paper init DIR writes one).");
            var texFiles = Directory.GetFiles(dir, "*.tex", SearchOption.AllDirectories);
            if (texFiles.Length == 0) throw new CommandLineException($"DIR: {dir} holds no .tex file.");
            var folders = PaperCheck.Declared(dir, parse.GetValue(results));
            foreach (var folder in folders)
                if (!Directory.Exists(folder.Directory))
                    throw new CommandLineException(folder.Prefix.Length == 0
                        ? $"--results: no folder {folder.Directory}; run rethink reproduce --out {folder.Directory}, or point --results at the results."
                        : $"DIR: the paper declares \\rethinkresults[{folder.Prefix}]{{...}} as {folder.Directory}, which does not exist; run rethink reproduce --out {folder.Directory}, or correct the declaration.");
            var problems = PaperCheck.Run(dir, folders);
            var used = PaperCheck.Uses(dir, folders).Count;
            var targets = PaperCheck.CountTargets(dir, folders);
            var figures = targets > 0 ? $" and {targets} figure(s)/table(s)" : "";
            var where = string.Join("; ", folders);
            foreach (var problem in problems) Console.WriteLine(problem);
            Console.WriteLine(problems.Count == 0
                ? $"{used} Rethink macro(s){figures} used in {Path.GetFileName(dir)}, all present and current (results {where})"
                : $"{problems.Count(p => p.Kind == "missing")} missing and {problems.Count(p => p.Kind == "stale")} stale of {used} Rethink macro(s){figures} used" +
                  (problems.Any(p => p.Kind == "edited") ? $", {problems.Count(p => p.Kind == "edited")} edited after the render" : "") + $" (results {where})");
            return problems.Count == 0 ? 0 : 1;
        });
        return command;
    }
}
