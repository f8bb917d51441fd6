using Rethink.Kernels;

namespace Rethink.Plots.Cli;

/// <summary>
/// Progress for non-interactive output (CI logs, pipes): one line when a phase starts and one with
/// its duration when the next begins, instead of a redrawn bar.
/// </summary>
public sealed class LineProgress(TextWriter output) : IProgress<KernelProgress>
{
    private string? _phase;
    private readonly System.Diagnostics.Stopwatch _watch = new();

    public void Report(KernelProgress value)
    {
        lock (_watch)
        {
            if (value.Phase == _phase) return;
            Finish();
            _phase = value.Phase;
            _watch.Restart();
            output.Write($"  {value.Phase} ...");
            output.Flush();
        }
    }

    public void Finish()
    {
        if (_phase is null) return;
        output.WriteLine($" {ReportText.Seconds(_watch.Elapsed.TotalSeconds)}");
        _phase = null;
    }
}
