using System.Security.Cryptography;

namespace Rethink.Core;

/// <summary>Content hashes of files: what provenance records (result files, figures, a user's inputs) and checks against.</summary>
public static class FileHash
{
    /// <summary>SHA-256 of a file's bytes, lower-case hex, read as a stream.</summary>
    public static string Sha256(string path)
    {
        using var stream = File.OpenRead(path);
        return Convert.ToHexStringLower(SHA256.HashData(stream));
    }
}
