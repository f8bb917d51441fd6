namespace Rethink.Data;

/// <summary>Where to look for data and whether a missing known dataset may be downloaded.</summary>
/// <param name="Directory">An explicit data root (the console's data folder), searched first.</param>
/// <param name="AllowDownload">Download a missing known dataset into the user cache.</param>
/// <param name="Progress">Receives download progress.</param>
/// <param name="Http">The client used for downloads (a default one with a 10 s connect timeout when null).</param>
public sealed record DataOptions(
    string? Directory = null,
    bool AllowDownload = true,
    IProgress<DownloadProgress>? Progress = null,
    HttpClient? Http = null)
{
    /// <summary>The usual places, no download, no progress.</summary>
    public static DataOptions Default { get; } = new();
}
