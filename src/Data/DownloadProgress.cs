namespace Rethink.Data;

/// <summary>Bytes of <see cref="File"/> on disk so far, of <see cref="Total"/> when known.</summary>
public readonly record struct DownloadProgress(string File, long Bytes, long? Total);
