namespace Rethink.Data;

/// <summary>A dataset is not on this machine and could not be downloaded; the message says which files to put where.</summary>
public sealed class DatasetNotFoundException(string message, Exception? inner = null) : FileNotFoundException(message, inner)
{
    /// <summary>For a known dataset searched for and not found: what was searched, so a caller can word the message
    /// in its own terms (<see cref="MissingDataset.Message"/>); null for a path that holds no dataset.</summary>
    public MissingDataset? Missing { get; init; }
}

/// <summary>A known dataset not found in the data roots searched.</summary>
/// <param name="Dataset">The dataset.</param>
/// <param name="ExplicitDirectory">The explicit data root searched first, if one was given.</param>
/// <param name="DownloadFailure">Why a download failed, or null when none was tried.</param>
public sealed record MissingDataset(KnownDataset Dataset, string? ExplicitDirectory, string? DownloadFailure)
{
    /// <summary>The message, naming the explicit root as <paramref name="explicitName"/> (neutral wording when null).</summary>
    public string Message(string? explicitName = null) => DataLocator.MissingMessage(Dataset, ExplicitDirectory, DownloadFailure, explicitName);
}
