using System.CommandLine;
using System.Diagnostics;
using Rethink.Plots.Cli;
using Rethink.Plots.Experiments;
using Rethink.Plots.Figures;
using Rethink.Core;
using Rethink.Plots.Tables;
using Spectre.Console;

namespace Rethink.Plots.Commands;

/// <summary>
/// `rethink reproduce`: runs what the selected figures and tables need (reusing cached results),
/// then renders them. `rethink render` renders from existing results only.
/// </summary>
public static class ReproduceCommand
{
    private sealed record Options(
        Option<string> Profile, Option<string> Device, Option<string?> Data, Option<string> Out, Option<string?> Only);

    private static Options CreateOptions() => new(
        new Option<string>("--profile") { Description = "quick: subsets and short schedules for a 2-core machine (~30 min); paper: the full protocol (GPU recommended).", DefaultValueFactory = _ => "quick" }
            .AcceptOnlyFromAmong("quick", "paper"),
        new Option<string>("--device") { Description = "Where to compute: auto (CUDA when present, else CPU), cpu, or cuda.", DefaultValueFactory = _ => "auto" }
            .AcceptOnlyFromAmong("auto", "cpu", "cuda"),
        CommonOptions.Data("Directory with the datasets (default: $RETHINK_DATA, then the user cache)."),
        new Option<string>("--out") { Description = "Output directory for result files, figures and tables.", DefaultValueFactory = _ => "results" }.OutputDirectory(),
        new Option<string?>("--only") { Description = "Comma-separated figure/table ids to produce (default: all)." });

    public static Command Create() => Build("reproduce", "Run the experiments each figure and table needs (cached by config hash), then render them all.", compute: true);

    public static Command CreateRender() => Build("render", "Re-render figures, tables and macros from existing result files, without computing anything.", compute: false);

    private static Command Build(string name, string description, bool compute)
    {
        var o = CreateOptions();
        var command = new Command(name, description) { o.Profile, o.Device, o.Data, o.Out, o.Only };
        command.SetAction((parse, cancel) =>
        {
            var context = new ReproduceContext(
                parse.GetValue(o.Profile) == "paper" ? RunProfile.Paper : RunProfile.Quick,
                Enum.Parse<Kernels.Devices.ComputeDevice>(parse.GetValue(o.Device)!, ignoreCase: true),
                parse.GetValue(o.Data),
                Path.GetFullPath(parse.GetValue(o.Out)!));
            var only = parse.GetValue(o.Only)?.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            return Task.FromResult(Execute(context, only, compute, cancel));
        });
        return command;
    }

    private static int Execute(ReproduceContext context, IReadOnlyCollection<string>? only, bool compute, CancellationToken cancel)
    {
        var catalog = new Catalog();
        var selected = catalog.Select(only);
        var store = new ResultStore(context.DataResultsDirectory);
        var needed = selected.SelectMany(f => f.Needs).Distinct().ToList();
        // --only limits what is computed; everything with results is rendered, so that report.md and
        // macros.tex stay complete.
        var figures = catalog.Figures.Where(f => selected.Contains(f) || f.Needs.All(e => e.IsCached(store, context))).ToList();
        var status = new Dictionary<IExperiment, (string State, double Seconds)>();

        var toRun = new List<IExperiment>();
        foreach (var experiment in needed)
        {
            if (experiment.IsCached(store, context)) status[experiment] = ("cached", 0);
            else if (!compute) status[experiment] = ("missing (run `rethink reproduce`)", 0);
            else if (experiment.Unavailable(context) is { } reason) status[experiment] = ($"skipped: {reason}", 0);
            else toRun.Add(experiment);
        }

        if (toRun.Count > 0)
        {
            var estimate = TimeSpan.FromSeconds(toRun.Sum(e => e.Estimate(context).TotalSeconds));
            Console.WriteLine($"rethink reproduce --profile {context.Profile.ToString().ToLowerInvariant()}: " +
                $"{toRun.Count} experiment(s) to run, estimated {Format(estimate)} on this machine; output in {context.OutputDirectory}");
            RunAll(toRun, store, context, status, cancel);
        }

        var written = new List<(IFigure Figure, string State)>();
        var rendered = new List<(IFigure Figure, IReadOnlyList<string> Files)>();
        var skipped = new List<(IFigure Figure, string Reason)>();
        var macros = new List<(string Name, string Value)>();
        foreach (var figure in figures)
        {
            var missing = figure.Needs.FirstOrDefault(e => !e.IsCached(store, context));
            if (missing is not null)
            {
                var reason = status.GetValueOrDefault(missing).State ?? "no result";
                written.Add((figure, $"skipped: {reason}"));
                skipped.Add((figure, reason));
                continue;
            }
            var files = figure.Render(store, context);
            rendered.Add((figure, files));
            macros.AddRange(figure.Macros(store, context));
            written.Add((figure, string.Join(", ", files.Select(f => Path.GetRelativePath(context.OutputDirectory, f)))));
        }
        if (rendered.Count > 0)
        {
            Manifest.Save(figures.SelectMany(f => f.Needs).Distinct(), store, context);
            var macroPath = Path.Combine(context.OutputDirectory, "macros.tex");
            AtomicFile.WriteAllText(macroPath, Macros.Render(macros, $"Rethink {context.Profile.ToString().ToLowerInvariant()} profile, {DateTimeOffset.UtcNow:yyyy-MM-dd}"));
            var report = ReportWriter.Save(context, rendered, skipped);
            written.Add((null!, $"{Path.GetRelativePath(context.OutputDirectory, macroPath)}, tables/manifest.md, {Path.GetRelativePath(context.OutputDirectory, report)}"));
        }
        PrintSummary(status, written);
        return 0;
    }

    private static void RunAll(List<IExperiment> experiments, ResultStore store, ReproduceContext context,
        Dictionary<IExperiment, (string State, double Seconds)> status, CancellationToken cancel)
    {
        if (!AnsiConsole.Profile.Capabilities.Interactive)
        {
            foreach (var experiment in experiments)
            {
                cancel.ThrowIfCancellationRequested();
                Console.WriteLine($"  {experiment.Id}: {experiment.Title} (estimated {Format(experiment.Estimate(context))}) ...");
                var watch = Stopwatch.StartNew();
                experiment.Run(store, context, new Progress<double>(_ => { }), cancel);
                status[experiment] = ("computed", watch.Elapsed.TotalSeconds);
                Console.WriteLine($"  {experiment.Id}: done in {ReportText.Seconds(watch.Elapsed.TotalSeconds)}");
            }
            return;
        }
        AnsiConsole.Progress()
            .AutoClear(false)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn(), new RemainingTimeColumn())
            .Start(progressContext =>
            {
                var tasks = experiments.ToDictionary(e => e, e => progressContext.AddTask(Markup.Escape(e.Id), autoStart: false, maxValue: 1.0));
                foreach (var experiment in experiments)
                {
                    cancel.ThrowIfCancellationRequested();
                    var task = tasks[experiment];
                    task.StartTask();
                    var watch = Stopwatch.StartNew();
                    experiment.Run(store, context, new Progress<double>(f => task.Value = Math.Clamp(f, 0, 1)), cancel);
                    task.Value = 1.0;
                    task.StopTask();
                    status[experiment] = ("computed", watch.Elapsed.TotalSeconds);
                }
            });
    }

    private static void PrintSummary(Dictionary<IExperiment, (string State, double Seconds)> status, List<(IFigure Figure, string State)> figures)
    {
        var table = new Table().AddColumns("experiment", "status", "time");
        foreach (var (experiment, (state, seconds)) in status)
            table.AddRow(Markup.Escape(experiment.Id), Markup.Escape(state), seconds > 0 ? ReportText.Seconds(seconds) : "");
        AnsiConsole.Write(table);
        var output = new Table().AddColumns("figure / table", "written");
        foreach (var (figure, state) in figures) output.AddRow(Markup.Escape(figure?.Id ?? "report"), Markup.Escape(state));
        AnsiConsole.Write(output);
    }

    private static string Format(TimeSpan t) => t.TotalMinutes >= 1 ? $"{t.TotalMinutes:F0} min" : $"{Math.Max(1, t.TotalSeconds):F0} s";
}
