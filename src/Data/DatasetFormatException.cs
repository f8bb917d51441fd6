namespace Rethink.Data;

/// <summary>
/// A dataset file is malformed: names the file, where in it (byte offset or field), what was expected
/// and what was found. Nothing is returned from a file that throws this.
/// </summary>
public sealed class DatasetFormatException : IOException
{
    public DatasetFormatException(string file, string location, string expected, string found, Exception? inner = null)
        : base($"{file}: {location}: expected {expected}, found {found}.", inner)
    {
        File = file;
        Location = location;
        Expected = expected;
        Found = found;
    }

    public string File { get; }
    public string Location { get; }
    public string Expected { get; }
    public string Found { get; }
}
