namespace Rethink.Plots.Cli;

/// <summary>An <see cref="IProgress{T}"/> that runs its callback on the reporting thread.</summary>
public sealed class SynchronousProgressAdapter<T>(Action<T> report) : IProgress<T>
{
    public void Report(T value) => report(value);
}
