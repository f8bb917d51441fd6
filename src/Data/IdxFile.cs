using System.Buffers.Binary;

namespace Rethink.Data;

/// <summary>
/// The IDX format of MNIST and Fashion-MNIST (gzip or raw): bytes 0–1 zero, byte 2 the element type
/// (0x08 = unsigned byte, the only one image datasets use), byte 3 the number of dimensions, then
/// one big-endian int32 per dimension, then the data in row-major order.
/// </summary>
public static class IdxFile
{
    private const byte UnsignedByte = 0x08;

    /// <summary>Reads an N×H×W image file.</summary>
    public static (byte[] Pixels, int Count, int Height, int Width) ReadImages(string path)
    {
        using var stream = DataStreams.Open(path, out var length);
        var dims = ReadHeader(stream, path, expectedDims: 3);
        var (count, height, width) = (dims[0], dims[1], dims[2]);
        if (height < 1 || width < 1)
            throw new DatasetFormatException(path, "header dimensions", "image height and width of at least 1", $"{height}x{width}");
        var total = (long)count * height * width;
        if (total > Array.MaxLength)
            throw new DatasetFormatException(path, "header dimensions", $"at most {Array.MaxLength} pixels", $"{count}x{height}x{width} = {total}");
        var offset = 4 + 4 * 3;
        DataStreams.ExpectLength(path, offset + total, length, $"a 16-byte header and {count}x{height}x{width} pixels");
        var pixels = new byte[total];
        DataStreams.ReadExactly(stream, pixels, path, offset, "pixel data");
        DataStreams.ExpectEnd(stream, path, offset + total);
        return (pixels, count, height, width);
    }

    /// <summary>Reads an N-vector label file; every label must be below <paramref name="classes"/>.</summary>
    public static byte[] ReadLabels(string path, int classes)
    {
        using var stream = DataStreams.Open(path, out var length);
        var count = ReadHeader(stream, path, expectedDims: 1)[0];
        const int offset = 8;
        DataStreams.ExpectLength(path, offset + (long)count, length, $"an 8-byte header and {count} labels");
        var labels = new byte[count];
        DataStreams.ReadExactly(stream, labels, path, offset, "labels");
        DataStreams.ExpectEnd(stream, path, offset + count);
        for (var i = 0; i < labels.Length; i++)
            if (labels[i] >= classes)
                throw new DatasetFormatException(path, $"byte {offset + i} (label {i})", $"a class index below {classes}", labels[i].ToString());
        return labels;
    }

    private static int[] ReadHeader(Stream stream, string path, int expectedDims)
    {
        Span<byte> magic = stackalloc byte[4];
        DataStreams.ReadExactly(stream, magic, path, 0, "the IDX magic number");
        if (magic[0] != 0 || magic[1] != 0)
            throw new DatasetFormatException(path, "bytes 0-1 (magic number)", "00 00 (an IDX file)", $"{magic[0]:x2} {magic[1]:x2}");
        if (magic[2] != UnsignedByte)
            throw new DatasetFormatException(path, "byte 2 (element type)", "0x08 (unsigned byte)", $"0x{magic[2]:x2}");
        if (magic[3] != expectedDims)
            throw new DatasetFormatException(path, "byte 3 (number of dimensions)", $"{expectedDims} ({(expectedDims == 3 ? "images N x H x W" : "labels N")})", magic[3].ToString());
        Span<byte> raw = stackalloc byte[4 * expectedDims];
        DataStreams.ReadExactly(stream, raw, path, 4, "dimension sizes");
        var dims = new int[expectedDims];
        for (var k = 0; k < expectedDims; k++)
        {
            dims[k] = BinaryPrimitives.ReadInt32BigEndian(raw.Slice(4 * k, 4));
            if (dims[k] < 0)
                throw new DatasetFormatException(path, $"bytes {4 + 4 * k}-{7 + 4 * k} (dimension {k})", "a non-negative size", dims[k].ToString());
        }
        return dims;
    }

    /// <summary>Writes an IDX image file (raw; the caller may gzip it).</summary>
    public static void WriteImages(Stream stream, ReadOnlySpan<byte> pixels, int count, int height, int width)
    {
        if ((long)count * height * width != pixels.Length)
            throw new ArgumentException($"{count}x{height}x{width} images need {(long)count * height * width} bytes; got {pixels.Length}.", nameof(pixels));
        Span<byte> header = stackalloc byte[16];
        header[2] = UnsignedByte;
        header[3] = 3;
        BinaryPrimitives.WriteInt32BigEndian(header[4..], count);
        BinaryPrimitives.WriteInt32BigEndian(header[8..], height);
        BinaryPrimitives.WriteInt32BigEndian(header[12..], width);
        stream.Write(header);
        stream.Write(pixels);
    }

    /// <summary>Writes an IDX label file (raw).</summary>
    public static void WriteLabels(Stream stream, ReadOnlySpan<byte> labels)
    {
        Span<byte> header = stackalloc byte[8];
        header[2] = UnsignedByte;
        header[3] = 1;
        BinaryPrimitives.WriteInt32BigEndian(header[4..], labels.Length);
        stream.Write(header);
        stream.Write(labels);
    }
}
