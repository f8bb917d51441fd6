using System.Globalization;
using Rethink.Experiments;
using Spectre.Console;

namespace Rethink.Plots.Cli;

/// <summary>Logs and pipes: one line when the queue starts and one per finished run, with its time and what is left.</summary>
public sealed class LineRunReporter(TextWriter output, string prefix = "") : IRunReporter
{
    public void Starting(IReadOnlyList<RunUnit> runs, TimeSpan estimate)
    {
        if (runs.Count > 0) output.WriteLine($"{prefix}  {runs.Count} run(s) to compute here, estimated {Durations.Format(estimate)}");
    }

    public IProgress<double> Running(RunUnit run, int index, int total) => new Progress<double>(_ => { });

    public void Finished(RunUnit run, int index, int total, double seconds, TimeSpan remaining)
    {
        output.WriteLine($"{prefix}  [{index}/{total}] {run.Experiment}: {run.Description} — {ReportText.Seconds(seconds)}" +
                         (index < total ? $"; {total - index} left, about {Durations.Format(remaining)}" : "; done"));
        PauseHook.Reached($"runs:{index}");
    }

    public void Held(RunUnit run, RunOwner? owner) =>
        output.WriteLine($"{prefix}  {run.Experiment}: {run.Description} — being computed by {(owner is null ? "another process" : $"process {owner.Process} on {owner.Host} since {owner.Since:HH:mm:ss}")}; skipped here");

    public void Failed(RunUnit run, Exception error) =>
        output.WriteLine($"{prefix}  {run.Experiment}: {run.Description} — FAILED: {UserError.Describe(error)}");
}

/// <summary>A terminal: a live bar for the run in progress and one for the whole queue.</summary>
public sealed class LiveRunReporter(ProgressContext context) : IRunReporter
{
    private ProgressTask? _overall, _current;
    private int _total;

    public void Starting(IReadOnlyList<RunUnit> runs, TimeSpan estimate)
    {
        _total = runs.Count;
        if (runs.Count > 0) _overall = context.AddTask($"{runs.Count} run(s), estimated {Durations.Format(estimate)}", maxValue: runs.Count);
    }

    public IProgress<double> Running(RunUnit run, int index, int total)
    {
        _current?.StopTask();
        var task = context.AddTask(Markup.Escape($"[{index}/{total}] {run.Experiment}: {run.Description}"), maxValue: 1.0);
        _current = task;
        return new Progress<double>(f => task.Value = Math.Clamp(f, 0, 1));
    }

    public void Finished(RunUnit run, int index, int total, double seconds, TimeSpan remaining)
    {
        if (_current is { } c) { c.Value = 1; c.StopTask(); }
        if (_overall is { } o)
        {
            o.Value = index;
            o.Description = Markup.Escape(index < _total ? $"{_total - index} run(s) left, about {Durations.Format(remaining)}" : $"{_total} run(s) done");
        }
        PauseHook.Reached($"runs:{index}");
    }

    public void Held(RunUnit run, RunOwner? owner) => _overall?.Increment(1);

    public void Failed(RunUnit run, Exception error)
    {
        if (_current is { } c) { c.Description = Markup.Escape($"FAILED {run.Experiment}: {run.Description}: {UserError.Describe(error)}"); c.StopTask(); }
        _overall?.Increment(1);
    }
}

/// <summary>Durations for people: seconds under a minute, minutes under two hours, then hours.</summary>
public static class Durations
{
    public static string Format(TimeSpan t) => t.TotalHours >= 2
        ? string.Create(CultureInfo.InvariantCulture, $"{t.TotalHours:F1} h")
        : t.TotalMinutes >= 1 ? string.Create(CultureInfo.InvariantCulture, $"{t.TotalMinutes:F0} min") : string.Create(CultureInfo.InvariantCulture, $"{Math.Max(1, t.TotalSeconds):F0} s");
}
