using System.IO.Compression;

namespace Rethink.Data;

/// <summary>Opens dataset files, transparently un-gzipping them, and maps stream failures to <see cref="DatasetFormatException"/>.</summary>
internal static class DataStreams
{
    /// <summary>
    /// Opens <paramref name="path"/>; gzip is recognized by its magic bytes (1f 8b), not the file name.
    /// <paramref name="length"/> is the content length: the file size, or for gzip the size its
    /// trailer declares (ISIZE, exact below 4 GiB). Readers compare it with their header before
    /// allocating, so a corrupt header cannot make them allocate gigabytes.
    /// </summary>
    public static Stream Open(string path, out long length)
    {
        FileStream file;
        try
        {
            file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.SequentialScan);
        }
        catch (FileNotFoundException e)
        {
            throw new DatasetNotFoundException($"{path}: file not found.", e);
        }
        catch (DirectoryNotFoundException e)
        {
            throw new DatasetNotFoundException($"{path}: directory not found.", e);
        }
        Span<byte> magic = stackalloc byte[2];
        var read = file.ReadAtLeast(magic, 2, throwOnEndOfStream: false);
        if (read == 2 && magic[0] == 0x1f && magic[1] == 0x8b)
        {
            if (file.Length < 18)
            {
                var size = file.Length;
                file.Dispose();
                throw new DatasetFormatException(path, "gzip container", "at least 18 bytes (header and trailer)", $"{size} bytes");
            }
            Span<byte> trailer = stackalloc byte[4];
            file.Position = file.Length - 4;
            file.ReadExactly(trailer);
            length = System.Buffers.Binary.BinaryPrimitives.ReadUInt32LittleEndian(trailer);
            file.Position = 0;
            return new BufferedStream(new GZipStream(file, CompressionMode.Decompress), 1 << 16);
        }
        file.Position = 0;
        length = file.Length;
        return file;
    }

    /// <summary>Fails unless the declared content size matches the file's content length.</summary>
    public static void ExpectLength(string path, long declared, long actual, string what)
    {
        if (declared == actual) return;
        // A .gz file's content size comes from its last four bytes: a truncated download makes them arbitrary.
        if (IsGzip(path))
            throw new DatasetFormatException(path, "gzip trailer", $"{declared:N0} bytes of content ({what})",
                $"a trailer declaring {actual:N0}: the .gz file is truncated or damaged; delete it (it is downloaded again where the network allows) or replace it with the original");
        throw new DatasetFormatException(path, "header", $"{declared} bytes in all ({what})", $"{actual} bytes of content{(declared > actual ? " (file truncated or header sizes corrupt)" : " (extra data or header sizes corrupt)")}");
    }

    /// <summary>Whether a file starts with gzip's magic bytes.</summary>
    private static bool IsGzip(string path)
    {
        try
        {
            using var file = File.OpenRead(path);
            return file.ReadByte() == 0x1f && file.ReadByte() == 0x8b;
        }
        catch (IOException)
        {
            return false;
        }
    }

    /// <summary>The size of the file <paramref name="path"/> names, following symbolic links (a link's own size is not the data's).</summary>
    public static long Size(string path)
    {
        using var handle = File.OpenHandle(path);
        return RandomAccess.GetLength(handle);
    }

    /// <summary>Reads exactly <paramref name="buffer"/>.Length bytes or throws a typed "truncated" error naming the offset.</summary>
    public static void ReadExactly(Stream stream, Span<byte> buffer, string path, long offset, string what)
    {
        int total = 0;
        try
        {
            while (total < buffer.Length)
            {
                var n = stream.Read(buffer[total..]);
                if (n == 0) break;
                total += n;
            }
        }
        catch (InvalidDataException e)
        {
            throw new DatasetFormatException(path, $"byte {offset + total} (decompressed)", "a valid gzip stream", $"corrupt compressed data ({e.Message})", e);
        }
        if (total < buffer.Length)
            throw new DatasetFormatException(path, $"byte {offset + total}", $"{buffer.Length} bytes of {what}", $"end of file after {total} (file truncated)");
    }

    /// <summary>Checks that nothing follows the expected content.</summary>
    public static void ExpectEnd(Stream stream, string path, long offset)
    {
        Span<byte> one = stackalloc byte[1];
        int n;
        try { n = stream.Read(one); }
        catch (InvalidDataException e)
        {
            throw new DatasetFormatException(path, $"byte {offset} (decompressed)", "a valid gzip stream", $"corrupt compressed data ({e.Message})", e);
        }
        if (n != 0)
            throw new DatasetFormatException(path, $"byte {offset}", "end of file", "extra bytes after the declared data (wrong header sizes or a concatenated file)");
    }
}
