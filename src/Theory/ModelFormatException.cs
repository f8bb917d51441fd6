namespace Rethink.Theory;

/// <summary>A saved network file is malformed; names the file and the field.</summary>
public sealed class ModelFormatException(string path, string field, string problem)
    : FormatException($"{path}: field '{field}' {problem}")
{
    /// <summary>The file.</summary>
    public string Path { get; } = path;
    /// <summary>The field that is malformed.</summary>
    public string Field { get; } = field;
}
