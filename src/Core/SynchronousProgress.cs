namespace Rethink.Core;

/// <summary>An <see cref="IProgress{T}"/> that runs its callback on the reporting thread (unlike <see cref="Progress{T}"/>, which posts it).</summary>
/// <param name="report">What to do with each report.</param>
public sealed class SynchronousProgress<T>(Action<T> report) : IProgress<T>
{
    /// <inheritdoc/>
    public void Report(T value) => report(value);
}
