using Rethink.Kernels;
using Spectre.Console;

namespace Rethink.Plots.Cli;

/// <summary>
/// Shows each phase of a long computation (gram, potrf, predict, …) as a Spectre.Console progress bar
/// with elapsed and remaining time. Reports arrive synchronously from worker code.
/// </summary>
public sealed class PhaseProgress(ProgressContext context) : IProgress<KernelProgress>
{
    private readonly Dictionary<string, ProgressTask> _tasks = new();
    private ProgressTask? _current;

    public void Report(KernelProgress value)
    {
        lock (_tasks)
        {
            if (!_tasks.TryGetValue(value.Phase, out var task))
            {
                _current?.StopTask();
                if (_current is { } previous) previous.Value = previous.MaxValue;
                task = context.AddTask(Markup.Escape(value.Phase), maxValue: 1.0);
                task.IsIndeterminate = value.Fraction <= 0;
                _tasks[value.Phase] = task;
            }
            if (value.Fraction > 0) task.IsIndeterminate = false;
            task.Value = Math.Clamp(value.Fraction, 0, 1);
            _current = task;
        }
    }

    /// <summary>Runs <paramref name="inner"/> under a progress display with phase bars.</summary>
    public static T Run<T>(Func<IProgress<KernelProgress>, T> inner)
    {
        // Every phase report passes the pause hook first (tests kill a fit at a phase it reported).
        T work(IProgress<KernelProgress> progress) => inner(new SynchronousProgress<KernelProgress>(value =>
        {
            PauseHook.Reached($"phase:{value.Phase}");
            progress.Report(value);
        }));
        if (!AnsiConsole.Profile.Capabilities.Interactive)
        {
            var lines = new LineProgress(Console.Out);
            var value = work(lines);
            lines.Finish();
            return value;
        }
        T result = default!;
        AnsiConsole.Progress()
            .AutoClear(false)
            .HideCompleted(false)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn(), new RemainingTimeColumn(), new SpinnerColumn())
            .Start(context =>
            {
                var progress = new PhaseProgress(context);
                result = work(progress);
                lock (progress._tasks)
                    foreach (var task in progress._tasks.Values) { task.Value = task.MaxValue; task.StopTask(); }
            });
        return result;
    }
}
