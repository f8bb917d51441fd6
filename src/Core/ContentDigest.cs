using System.IO.Hashing;

namespace Rethink.Core;

/// <summary>
/// Checksums of large binary files (checkpointed Gram matrices, training checkpoints): XXH128, computed while the
/// bytes are written or read (tens of GB/s, far faster than the disk), to catch corruption — not an adversary.
/// </summary>
public sealed class ContentDigest
{
    private readonly XxHash128 _hash = new();

    /// <summary>Adds bytes in order.</summary>
    public void Append(ReadOnlySpan<byte> bytes) => _hash.Append(bytes);

    /// <summary>The digest so far, as "xxh128:" and 32 hex digits.</summary>
    public string Value => "xxh128:" + Convert.ToHexStringLower(_hash.GetCurrentHash());

    /// <summary>The digest of <paramref name="bytes"/>.</summary>
    public static string Of(ReadOnlySpan<byte> bytes)
    {
        var digest = new ContentDigest();
        digest.Append(bytes);
        return digest.Value;
    }

    /// <summary>The digest of a whole file, read sequentially.</summary>
    public static string OfFile(string path)
    {
        var digest = new ContentDigest();
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 20, FileOptions.SequentialScan);
        var buffer = new byte[1 << 22];
        int read;
        while ((read = stream.Read(buffer)) > 0) digest.Append(buffer.AsSpan(0, read));
        return digest.Value;
    }
}
