using System.CommandLine;
using System.Diagnostics;
using Rethink.Plots.Cli;
using Rethink.Experiments;
using Rethink.Plots.Figures;
using Rethink.Core;
using Rethink.Kernels.Devices;
using Rethink.Deep;
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
        Option<string> Profile, DeviceOption Device, Option<string?> Data, Option<string> Out, Option<string?> Only,
        Option<string?> Shard, Option<int> Jobs, Option<string?> Models, Option<double?> FigureWidth, Option<double?> CheckpointEvery);

    private static Options CreateOptions() => new(
        new Option<string>("--profile") { Description = "quick: subsets and short schedules for a 2-core machine (~30 min); paper: the full protocol (GPU recommended).", DefaultValueFactory = _ => "quick" }
            .AcceptOnlyFromAmong("quick", "paper"),
        new DeviceOption(ComputeDevice.Auto, ComputeDevice.Auto, ComputeDevice.Cpu, ComputeDevice.Cuda),
        CommonOptions.Data("Directory with the datasets (default: $RETHINK_DATA, then the user cache)."),
        new Option<string>("--out") { Description = "Output directory for result files, figures and tables.", DefaultValueFactory = _ => "results" }.OutputDirectory(),
        new Option<string?>("--only") { Description = "Comma-separated figure/table ids to produce (default: all)." },
        new Option<string?>("--shard") { Description = "K/N: compute only the runs this shard owns (by config hash; default: from SLURM_PROCID/SLURM_NTASKS, OMPI_COMM_WORLD_RANK/SIZE or PMI_RANK/SIZE, else all)." },
        new Option<int>("--jobs") { Description = "Run J shards as J processes on this machine, then render (several small runs share a GPU).", DefaultValueFactory = _ => 1 }.AtLeast(1),
        new Option<string?>("--models") { Description = "Comma-separated models whose training runs are taken (default: all), e.g. mlp1x512,mlp3x512,alexnet: what a CPU reaches at full size with --profile paper (the cost is printed before anything starts)." },
        new Option<double?>("--figure-width") { Description = "The width in inches at which your paper prints each figure panel (default 3.5, a two-column paper's column): panels are drawn at that width, so their text keeps its size in print." },
        CommonOptions.CheckpointEvery());

    public static Command Create() => Build("reproduce", "Run the experiments each figure and table needs (cached by config hash), then render them all.", compute: true);

    public static Command CreateRender() => Build("render", "Re-render figures, tables and macros from existing result files, without computing anything.", compute: false);

    public static Command CreateStatus()
    {
        var o = CreateOptions();
        var command = new Command("status", "List every run of the profile: done, running (and where), failed, or pending, with times and an estimate of what is left.")
        {
            o.Profile, o.Device.Option, o.Data, o.Out, o.Only, o.Models,
        };
        command.SetAction(parse =>
        {
            var context = Context(parse, o);
            RequireResults(context);
            return Status(context, Only(parse, o));
        });
        return command;
    }

    private static double? FigureInches(double? inches) => inches is null or (>= 1 and <= 10) ? inches
        : throw new CommandLineException($"--figure-width {inches.Value.ToString(System.Globalization.CultureInfo.InvariantCulture)}: give the printed width of a figure panel in inches, from 1 to 10 (3.5 is a two-column paper's column).");

    private static ReproduceContext Context(ParseResult parse, Options o)
    {
        var output = Path.GetFullPath(parse.GetValue(o.Out)!);
        var store = new ResultStore(Path.Combine(output, "data"));
        // Results of an older Rethink are brought forward under their current names before anything is planned.
        if (ResultUpgrade.Run(store) is var upgraded and > 0)
            Console.WriteLine($"upgraded {upgraded} result file(s) written by Rethink 0.5.0 in {store.Directory} to the current format (the same results under their current names)");
        return new ReproduceContext(
            parse.GetValue(o.Profile) == "paper" ? RunProfile.Paper : RunProfile.Quick,
            o.Device.Get(parse),
            parse.GetValue(o.Data),
            output) { Costs = CostModel.Load(store), Models = ModelList(parse.GetValue(o.Models)), FigureInches = FigureInches(parse.GetValue(o.FigureWidth)),
                Checkpoints = CommonOptions.Schedule(parse.GetValue(o.CheckpointEvery)) };
    }

    /// <summary>The models of --models, or null for all; an unknown name is a command-line error naming the choices.</summary>
    private static IReadOnlyList<ModelKind>? ModelList(string? text)
    {
        if (text is null) return null;
        var names = text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var known = string.Join(", ", Rethink.Deep.Models.All.Select(m => m.Name()));
        if (names.Length == 0) throw new CommandLineException($"--models '{text}': give one or more of {known}; leave --models out for all.");
        return names.Select(n => Rethink.Deep.Models.Find(n) ?? throw new CommandLineException($"--models: unknown model '{n}'; choose from {known}.")).Distinct().ToList();
    }

    private static string[]? Only(ParseResult parse, Options o)
    {
        if (parse.GetValue(o.Only) is not { } text) return null;
        var ids = text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        // An empty list must not mean "everything": that is leaving --only out.
        if (ids.Length == 0)
            throw new CommandLineException($"--only '{text}': give one or more figure or table ids, e.g. --only fig1a,kernel-table (ids: {string.Join(", ", new Catalog().Figures.Select(f => f.Id))}); leave --only out for all.");
        return ids;
    }

    /// <summary>`render` and `status` read an existing results folder: a missing one is a mistyped --out, not an empty result.</summary>
    private static void RequireResults(ReproduceContext context)
    {
        if (!System.IO.Directory.Exists(context.OutputDirectory))
            throw new CommandLineException($"--out {context.OutputDirectory}: no such results folder; give the folder `rethink reproduce --out` wrote (default: results).");
    }

    private static Command Build(string name, string description, bool compute)
    {
        var o = CreateOptions();
        // --models chooses what to compute; a render always shows every stored model's runs.
        var command = new Command(name, description) { o.Profile, o.Device.Option, o.Data, o.Out, o.Only, o.FigureWidth };
        if (compute)
        {
            command.Options.Add(o.Models);
            command.Options.Add(o.Shard);
            command.Options.Add(o.Jobs);
            command.Options.Add(o.CheckpointEvery);
        }
        command.SetAction((parse, cancel) =>
        {
            var context = Context(parse, o);
            var only = Only(parse, o);
            if (!compute)
            {
                RequireResults(context);
                return Task.FromResult(Execute(context, only, compute: false, Shard.Whole, cancel));
            }
            var jobs = parse.GetValue(o.Jobs);
            var shardText = parse.GetValue(o.Shard);
            if (jobs > 1 && shardText is not null) throw new CommandLineException("--jobs and --shard do not combine: --jobs J starts J shards itself.");
            if (jobs > 1) return Task.FromResult(Jobs(jobs, context, only, cancel));
            var shard = shardText is not null ? Shard.Parse(shardText) : Shard.FromEnvironment() ?? Shard.Whole;
            return Task.FromResult(Execute(context, only, compute: true, shard, cancel));
        });
        return command;
    }

    private static int Execute(ReproduceContext context, IReadOnlyCollection<string>? only, bool compute, Shard shard, CancellationToken cancel)
    {
        if (!compute) context = context with { Models = null };
        var catalog = new Catalog();
        var selected = catalog.Select(only);
        var store = new ResultStore(context.DataResultsDirectory);
        var needed = selected.SelectMany(f => f.Needs).Distinct().ToList();
        var status = new Dictionary<IExperiment, (string State, double Seconds)>();
        var prefix = shard.Count > 1 ? $"[shard {shard}] " : "";
        // The deep runs' device is settled before any experiment starts TorchSharp (a CUDA libtorch must load first).
        if (needed.Any(e => e is DeepRunGroup) && context.Torch.Fallback is { } fallback) Console.Error.WriteLine(prefix + DeviceOption.TorchFallbackWarning(fallback));
        // --device cuda asked for the GPU: without one, nothing is computed elsewhere instead.
        if (compute && context.Device == ComputeDevice.Cuda && needed.FirstOrDefault(e => e is DeepRunGroup or KernelRunGroup && e.Unavailable(context) is not null) is { } blocked
            && (blocked is DeepRunGroup ? context.Torch.Unavailable : ComputeDevices.CudaUnavailable()) is { } noGpu)
            throw new CommandLineException($"--device cuda: {noGpu.TrimEnd('.')}; use --device auto (the GPU when there is one, else the CPU) or --device cpu.");
        // A result file that fails its checksum is never used nor silently replaced: say which and what to do.
        var damaged = needed.SelectMany(e => e.Units(context)).Select(u => store.Problem(u.ResultKind, u.Hash)).OfType<string>().Distinct().ToList();
        foreach (var problem in damaged) Console.Error.WriteLine($"{prefix}rethink: {problem}");

        var units = new List<RunUnit>();
        foreach (var experiment in needed)
        {
            // A group with no run in this profile (Table 2's ImageNet runs in the quick profile) or left out by --models.
            if (experiment.Units(context).Count == 0)
                status[experiment] = (context.Models is null ? $"none in the {context.Profile.ToString().ToLowerInvariant()} profile" : "none of --models", 0);
            else if (experiment.Units(context).FirstOrDefault(u => store.Problem(u.ResultKind, u.Hash) is not null) is { } bad)
                status[experiment] = ($"a result file is damaged ({Path.GetFileName(store.PathFor(bad.ResultKind, bad.Hash))}, see above)", 0);
            else if (experiment.IsCached(store, context)) status[experiment] = ("cached", 0);
            else if (!compute) status[experiment] = ("missing (run `rethink reproduce`)", 0);
            else if (experiment.Unavailable(context) is { } reason) status[experiment] = ($"skipped: {reason}", 0);
            else units.AddRange(experiment.Units(context));
        }

        var pendingElsewhere = 0;
        var failures = new List<(RunUnit Unit, string Error)>();
        if (units.Count > 0)
        {
            var pending = units.Where(u => !store.Exists(u.ResultKind, u.Hash)).ToList();
            var estimate = TimeSpan.FromSeconds(pending.Where(u => shard.Owns(u.Hash)).Sum(u => u.Estimate.TotalSeconds));
            var deepPending = needed.OfType<DeepRunGroup>().Where(g => units.Any(u => u.Experiment == g.Id)).SelectMany(g => g.Configure(context)).Where(c => !store.Exists(DeepRunGroup.RunId, Json.Hash(c))).ToList();
            var calibrated = 0;
            if (context.Profile == RunProfile.Paper && deepPending.Count > 0)
            {
                // Seconds per step of each model not yet measured here, from a few timed steps on this device.
                // Inception V3 at 299x299 on a CPU: a few images timed and scaled to the batch (a whole batch of 128 takes minutes).
                calibrated = context.Costs.Calibrate(deepPending, context.Torch.Device, c => Deep.StepTimer.Measure(c, c.Dataset.Channels ?? 3, context.Torch.Device,
                    steps: c.IsImageNet ? 2 : 5, batch: c.IsImageNet && context.Torch.Device == TrainingDevice.Cpu ? 4 : null));
                units = needed.Where(e => units.Any(u => u.Experiment == e.Id)).SelectMany(e => e.Units(context)).ToList();
                pending = units.Where(u => !store.Exists(u.ResultKind, u.Hash)).ToList();
                estimate = TimeSpan.FromSeconds(pending.Where(u => shard.Owns(u.Hash)).Sum(u => u.Estimate.TotalSeconds));
            }
            var measured = deepPending.Count == 0 ? "kernel solves at the rates of a 2-core CPU"
                : deepPending.All(c => context.Costs.IsMeasured(c.Model, context.Torch.Device, c.BatchSize) && !context.Costs.IsCalibrated(c.Model, context.Torch.Device, c.BatchSize)) ? "deep-run rates measured from earlier runs in this folder"
                : calibrated > 0 ? $"deep-run rates timed on {context.Torch.Name} just now, {calibrated} model(s), a few steps each"
                : deepPending.Any(c => context.Costs.IsMeasured(c.Model, context.Torch.Device, c.BatchSize)) ? "deep-run rates partly measured here, partly the defaults of a 2-core CPU"
                : "default deep-run rates of a 2-core CPU";
            Console.WriteLine($"{prefix}rethink reproduce --profile {context.Profile.ToString().ToLowerInvariant()}: {pending.Count} run(s) to compute" +
                (shard.Count > 1 ? $", {pending.Count(u => shard.Owns(u.Hash))} of them in shard {shard}" : "") +
                $", estimated {Durations.Format(estimate)} on this machine ({measured}); output in {context.OutputDirectory}");
            // The training runs' share, model by model, with the rate each estimate rests on.
            foreach (var model in pending.Where(u => u.ResultKind == DeepRunGroup.RunId && shard.Owns(u.Hash)).GroupBy(u => u.Description.Split(' ')[0]))
                if (Deep.Models.Find(model.Key) is { } kind)
                    Console.WriteLine($"{prefix}  {model.Key}: {model.Count()} run(s), {Durations.Format(TimeSpan.FromSeconds(model.Sum(u => u.Estimate.TotalSeconds)))} " +
                        $"at {context.Costs.SecondsPerStep(kind, context.Torch.Device, 128):0.###} s per step of 128 on {context.Torch.Name}");
            // ImageNet's rows are GPU-days: what P processes (mpirun -np P, one GPU each) take, scaling linearly.
            var imageNet = pending.Where(u => u.ResultKind == DeepRunGroup.RunId && shard.Owns(u.Hash) && u.Description.Contains("inception-v3", StringComparison.Ordinal)).ToList();
            if (imageNet.Count > 0)
            {
                var seconds = imageNet.Sum(u => u.Estimate.TotalSeconds);
                Console.WriteLine($"{prefix}  ImageNet: {imageNet.Count} run(s) of Inception V3, {Durations.Format(TimeSpan.FromSeconds(seconds))} on one {context.Torch.Name}; " +
                    string.Join(", ", new[] { 2, 8, 32 }.Select(p => $"{Durations.Format(TimeSpan.FromSeconds(seconds / p))} on {p} processes")) +
                    $" (mpirun -np P rethink reproduce …, each process its share of every batch; linear scaling assumed, the gradient all-reduce's time not counted)");
            }
            PauseHook.Reached("cost");
            var queue = new RunQueue(store, shard);
            var watch = Stopwatch.StartNew();
            QueueOutcome outcome;
            if (AnsiConsole.Profile.Capabilities.Interactive && shard.Count == 1)
            {
                QueueOutcome? result = null;
                AnsiConsole.Progress().AutoClear(false)
                    .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn(), new RemainingTimeColumn())
                    .Start(progress => result = queue.Run(units, new LiveRunReporter(progress), cancel));
                outcome = result!;
            }
            else
            {
                outcome = queue.Run(units, new LineRunReporter(Console.Out, prefix), cancel);
            }
            failures.AddRange(outcome.Failures);
            foreach (var experiment in needed.Where(e => !status.ContainsKey(e)))
            {
                var mine = units.Where(u => u.Experiment == experiment.Id).ToList();
                status[experiment] = experiment.IsCached(store, context)
                    ? ("computed", mine.Sum(u => store.TryLoadSeconds(u.ResultKind, u.Hash)))
                    : outcome.Failures.Any(f => f.Unit.Experiment == experiment.Id) ? ("failed (see above; rerun to retry)", 0) : ("pending in other processes", 0);
            }
            pendingElsewhere = units.Count(u => !store.Exists(u.ResultKind, u.Hash) && !outcome.Failures.Any(f => f.Unit == u));
            Console.WriteLine($"{prefix}computed {outcome.Computed} run(s) in {ReportText.Seconds(watch.Elapsed.TotalSeconds)}" +
                (outcome.HeldElsewhere > 0 ? $"; {outcome.HeldElsewhere} being computed by other processes" : "") +
                (outcome.OtherShards > 0 ? $"; {outcome.OtherShards} belong to other shards" : "") +
                (failures.Count > 0 ? $"; {failures.Count} FAILED" : ""));
        }

        if (pendingElsewhere > 0)
        {
            // The last process to finish renders: here results are still missing.
            Console.WriteLine($"{prefix}{pendingElsewhere} run(s) are still being computed elsewhere: the last shard to finish renders the figures (or run `rethink render --out {context.OutputDirectory}` once `rethink status` shows them done).");
            return failures.Count > 0 ? 1 : 0;
        }
        // What --models left out is still in the results folder: the render shows it (tables keep their rows).
        var renderFailures = Render(catalog, selected, store, context with { Models = null }, status);
        return failures.Count > 0 ? 1 : renderFailures > 0 || damaged.Count > 0 && selected.Any(f => f.Needs.Any(e => e.Units(context).Any(u => store.Problem(u.ResultKind, u.Hash) is not null))) ? 2 : 0;
    }

    /// <summary>Renders what has results (see <see cref="Rendering.Render"/>) and prints the summary.</summary>
    /// <returns>How many selected figures could not be rendered because a result file was damaged.</returns>
    private static int Render(Catalog catalog, IReadOnlyList<IFigure> selected, ResultStore store, ReproduceContext context, Dictionary<IExperiment, (string State, double Seconds)> status)
    {
        var outcome = Rendering.Render(catalog, selected, store, context, missing =>
            status.GetValueOrDefault(missing).State is { } state ? (state.StartsWith("skipped: ", StringComparison.Ordinal) ? state["skipped: ".Length..] : state) : null);
        foreach (var warning in outcome.Warnings) Console.Error.WriteLine($"warning: {warning}");
        PrintSummary(status, outcome.Written);
        return outcome.DamagedSelected;
    }

    /// <summary>
    /// `--jobs J`: J child processes, one per shard, each with its own libtorch (its generator is
    /// process-wide), their lines prefixed; then one render of everything.
    /// </summary>
    private static int Jobs(int jobs, ReproduceContext context, IReadOnlyCollection<string>? only, CancellationToken cancel)
    {
        var args = Environment.GetCommandLineArgs().Skip(1).ToList();
        for (var i = args.Count - 1; i >= 0; i--)
            if (args[i] == "--jobs") args.RemoveRange(i, Math.Min(2, args.Count - i));
            else if (args[i].StartsWith("--jobs=", StringComparison.Ordinal)) args.RemoveAt(i);
        var (program, prefixArgs) = SelfLauncher();
        var watch = Stopwatch.StartNew();
        var children = Enumerable.Range(1, jobs).Select(k =>
        {
            var info = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            foreach (var a in prefixArgs.Concat(args).Append("--shard").Append($"{k}/{jobs}")) info.ArgumentList.Add(a);
            var process = Process.Start(info)!;
            process.OutputDataReceived += (_, e) => { if (e.Data is { } line) Console.WriteLine(line.StartsWith("[shard", StringComparison.Ordinal) ? line : $"[shard {k}/{jobs}] {line}"); };
            process.ErrorDataReceived += (_, e) => { if (e.Data is { } line) Console.Error.WriteLine($"[shard {k}/{jobs}] {line}"); };
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
            return process;
        }).ToList();
        using var registration = cancel.Register(() => children.ForEach(c => { try { c.Kill(entireProcessTree: true); } catch (InvalidOperationException) { } }));
        foreach (var child in children) child.WaitForExit();
        var failed = children.Count(c => c.ExitCode != 0);
        Console.WriteLine($"{jobs} shards finished in {ReportText.Seconds(watch.Elapsed.TotalSeconds)}{(failed > 0 ? $"; {failed} exited with an error" : "")}; rendering");
        var code = Execute(context, only, compute: false, Shard.Whole, cancel);
        return failed > 0 ? 1 : code;
    }

    /// <summary>How to start this program again: its app host, or dotnet with its assembly.</summary>
    private static (string Program, string[] Arguments) SelfLauncher()
    {
        var process = Environment.ProcessPath!;
        var assembly = typeof(ReproduceCommand).Assembly.Location;
        return Path.GetFileNameWithoutExtension(process) == "dotnet" ? (process, [assembly]) : (process, []);
    }

    private static int Status(ReproduceContext context, IReadOnlyCollection<string>? only)
    {
        var catalog = new Catalog();
        var store = new ResultStore(context.DataResultsDirectory);
        var needed = catalog.Select(only).SelectMany(f => f.Needs).Distinct().ToList();
        var table = new Table().AddColumns("experiment", "run", "state", "time");
        int done = 0, running = 0, failed = 0, pending = 0;
        double left = 0;
        foreach (var experiment in needed)
            foreach (var unit in experiment.Units(context))
            {
                string state, time = "";
                if (store.Problem(unit.ResultKind, unit.Hash) is { } problem)
                {
                    state = $"damaged: {problem}";
                    failed++;
                }
                else if (store.Exists(unit.ResultKind, unit.Hash))
                {
                    state = "done";
                    time = ReportText.Seconds(store.TryLoadSeconds(unit.ResultKind, unit.Hash));
                    done++;
                }
                else if (RunClaim.Probe(store, unit.ResultKind, unit.Hash) is { Held: true } probe)
                {
                    state = probe.Owner is { } o ? $"running: process {o.Process} on {o.Host} since {o.Since:yyyy-MM-dd HH:mm:ss}" : "running";
                    if (probe.Owner is { } owner) time = ReportText.Seconds((DateTimeOffset.UtcNow - owner.Since).TotalSeconds) + " so far";
                    running++;
                    left += unit.Estimate.TotalSeconds / 2;
                }
                else if (File.Exists(RunQueue.FailurePath(store, unit)))
                {
                    var failure = System.Text.Json.JsonSerializer.Deserialize<RunFailure>(File.ReadAllText(RunQueue.FailurePath(store, unit)));
                    state = $"failed on {failure?.Host} at {failure?.When:yyyy-MM-dd HH:mm}: {failure?.Message}";
                    failed++;
                    left += unit.Estimate.TotalSeconds;
                }
                else
                {
                    state = "pending";
                    time = $"~{Durations.Format(unit.Estimate)}";
                    pending++;
                    left += unit.Estimate.TotalSeconds;
                }
                table.AddRow(Markup.Escape(experiment.Id), Markup.Escape(unit.Description), Markup.Escape(state), Markup.Escape(time));
            }
        AnsiConsole.Write(table);
        Console.WriteLine($"{done} done, {running} running, {failed} failed, {pending} pending; about {Durations.Format(TimeSpan.FromSeconds(left))} of work left on this machine ({context.OutputDirectory})");
        return 0;
    }

    private static void PrintSummary(Dictionary<IExperiment, (string State, double Seconds)> status, IReadOnlyList<(IFigure? Figure, string State)> figures)
    {
        var table = new Table().AddColumns("experiment", "status", "time");
        foreach (var (experiment, (state, seconds)) in status)
            table.AddRow(Markup.Escape(experiment.Id), Markup.Escape(state), seconds > 0 ? ReportText.Seconds(seconds) : "");
        AnsiConsole.Write(table);
        var output = new Table().AddColumns("figure / table", "written");
        foreach (var (figure, state) in figures) output.AddRow(Markup.Escape(figure?.Id ?? "report"), Markup.Escape(state));
        AnsiConsole.Write(output);
    }

}
