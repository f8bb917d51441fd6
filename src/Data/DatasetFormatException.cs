namespace Rethink.Data;

/// <summary>
/// A dataset file is malformed: names the file, where in it (byte offset or field), what was expected
/// and what was found. Nothing is returned from a file that throws this.
/// </summary>
public sealed class DatasetFormatException : IOException
{
    /// <summary>A malformed file: where in it, what was expected and what was found.</summary>
    /// <param name="file">The file.</param>
    /// <param name="location">Where in it: a byte offset or a field.</param>
    /// <param name="expected">What a valid file has there.</param>
    /// <param name="found">What this one has.</param>
    /// <param name="inner">The error that revealed it, if any.</param>
    public DatasetFormatException(string file, string location, string expected, string found, Exception? inner = null)
        : base($"{file}: {location}: expected {expected}, found {found}.", inner)
    {
        File = file;
        Location = location;
        Expected = expected;
        Found = found;
    }

    /// <summary>The file.</summary>
    public string File { get; }
    /// <summary>Where in it: a byte offset or a field.</summary>
    public string Location { get; }
    /// <summary>What a valid file has there.</summary>
    public string Expected { get; }
    /// <summary>What this one has.</summary>
    public string Found { get; }
}
