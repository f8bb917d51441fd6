namespace Rethink.Data;

/// <summary>A dataset is not on this machine and could not be downloaded; the message says which files to put where.</summary>
public sealed class DatasetNotFoundException(string message, Exception? inner = null) : FileNotFoundException(message, inner);
