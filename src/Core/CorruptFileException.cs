namespace Rethink.Core;

/// <summary>
/// A file Rethink wrote earlier (a result, a checkpoint, a cached Gram matrix) that fails its checksum, cannot
/// be read, or belongs to something else: it is never used. The message names the file and what to do.
/// </summary>
public sealed class CorruptFileException(string path, string problem, string remedy) : IOException($"{path}: {problem}; {remedy}")
{
    /// <summary>The file.</summary>
    public string Path { get; } = path;

    /// <summary>What is wrong with it.</summary>
    public string Problem { get; } = problem;
}
