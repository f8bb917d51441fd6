using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;

namespace Rethink.ImageNet;

/// <summary>
/// The ILSVRC2012 devkit's <c>data/meta.mat</c>: the struct array <c>synsets</c>, of which this reads
/// <c>ILSVRC2012_ID</c> and <c>WNID</c> (the devkit's ground truth names classes by ID; IDs 1–1000 are
/// the classification classes). A minimal reader of MATLAB's Level 5 MAT-file format (the format the
/// devkit was saved in; zlib-compressed elements, structs, char and numeric arrays), little-endian only.
/// </summary>
public static class DevkitMeta
{
    private const int MiInt8 = 1, MiUInt8 = 2, MiInt16 = 3, MiUInt16 = 4, MiInt32 = 5, MiUInt32 = 6, MiSingle = 7, MiDouble = 9,
        MiInt64 = 12, MiUInt64 = 13, MiMatrix = 14, MiCompressed = 15, MiUtf8 = 16;
    private const int MxCell = 1, MxStruct = 2, MxChar = 4;

    /// <summary>ILSVRC2012_ID → WNID for every synset in the file.</summary>
    public static IReadOnlyDictionary<int, string> Read(string path)
    {
        try
        {
            var variables = ReadVariables(File.ReadAllBytes(path));
            if (!variables.TryGetValue("synsets", out var value) || value is not List<Dictionary<string, object?>> synsets)
                throw new ImageNetLayoutException($"{path}: no struct array 'synsets'; this is not the ILSVRC2012 devkit's meta.mat.");
            var map = new Dictionary<int, string>();
            foreach (var s in synsets)
                if (s.GetValueOrDefault("ILSVRC2012_ID") is double[] { Length: 1 } id && s.GetValueOrDefault("WNID") is string wnid)
                    map[(int)id[0]] = wnid;
            if (map.Count == 0) throw new ImageNetLayoutException($"{path}: 'synsets' has no ILSVRC2012_ID and WNID fields; this is not the ILSVRC2012 devkit's meta.mat.");
            return map;
        }
        catch (Exception e) when (e is InvalidDataException or EndOfStreamException or ArgumentOutOfRangeException or IndexOutOfRangeException)
        {
            throw new ImageNetLayoutException($"{path}: not a readable MAT file ({e.Message}); extract meta.mat again from ILSVRC2012_devkit_t12.tar.gz.");
        }
    }

    /// <summary>The top-level variables of a Level 5 MAT file: double[] for numeric arrays, string for char arrays, lists of field maps for structs, object?[] for cells.</summary>
    public static IReadOnlyDictionary<string, object?> ReadVariables(byte[] file)
    {
        if (file.Length < 128 || file[126] != (byte)'I' || file[127] != (byte)'M')
            throw new InvalidDataException("no little-endian Level 5 MAT header (MATLAB 5.0 MAT-file, 'IM' at byte 126)");
        var variables = new Dictionary<string, object?>(StringComparer.Ordinal);
        var pos = 128;
        while (pos + 8 <= file.Length)
        {
            var (type, data, next) = Element(file, pos);
            pos = next;
            if (type == MiCompressed)
            {
                using var z = new ZLibStream(new MemoryStream(file, data.Offset, data.Count), CompressionMode.Decompress);
                using var buffer = new MemoryStream();
                z.CopyTo(buffer);
                var inner = buffer.ToArray();
                var (innerType, innerData, _) = Element(inner, 0);
                if (innerType == MiMatrix) Add(variables, inner, innerData);
            }
            else if (type == MiMatrix) Add(variables, file, data);
        }
        return variables;
    }

    private static void Add(Dictionary<string, object?> variables, byte[] bytes, ArraySegment<byte> matrix)
    {
        var (name, value) = Matrix(bytes, matrix);
        variables[name] = value;
    }

    /// <summary>One data element at <paramref name="pos"/>: its type, its data, and where the next begins (8-byte aligned).</summary>
    private static (int Type, ArraySegment<byte> Data, int Next) Element(byte[] b, int pos)
    {
        var first = BinaryPrimitives.ReadUInt32LittleEndian(b.AsSpan(pos));
        if (first >> 16 != 0) // small data element: 2 bytes size, 2 bytes type, up to 4 bytes of data
            return ((int)(first & 0xFFFF), new ArraySegment<byte>(b, pos + 4, (int)(first >> 16)), pos + 8);
        var size = (int)BinaryPrimitives.ReadUInt32LittleEndian(b.AsSpan(pos + 4));
        if (pos + 8 + size > b.Length) throw new InvalidDataException($"an element of {size} bytes at offset {pos} runs past the end");
        var next = (int)first == MiCompressed ? pos + 8 + size : pos + 8 + ((size + 7) & ~7);
        return ((int)first, new ArraySegment<byte>(b, pos + 8, size), next);
    }

    private static (string Name, object? Value) Matrix(byte[] b, ArraySegment<byte> m)
    {
        if (m.Count == 0) return ("", null); // an empty field
        var pos = m.Offset;
        var (_, flags, p1) = Element(b, pos);
        var cls = flags[0];
        var (_, dimsData, p2) = Element(b, p1);
        var dims = Enumerable.Range(0, dimsData.Count / 4).Select(i => BinaryPrimitives.ReadInt32LittleEndian(dimsData.AsSpan(4 * i))).ToArray();
        var count = dims.Aggregate(1, (a, d) => a * d);
        var (_, nameData, p3) = Element(b, p2);
        var name = Encoding.ASCII.GetString(nameData);
        pos = p3;
        switch (cls)
        {
            case MxStruct:
            {
                var (_, lengthData, p4) = Element(b, pos);
                var fieldLength = BinaryPrimitives.ReadInt32LittleEndian(lengthData);
                var (_, namesData, p5) = Element(b, p4);
                var fields = Enumerable.Range(0, namesData.Count / fieldLength)
                    .Select(i => Encoding.ASCII.GetString(namesData.AsSpan(i * fieldLength, fieldLength)).TrimEnd('\0')).ToArray();
                pos = p5;
                var items = new List<Dictionary<string, object?>>(count);
                for (var i = 0; i < count; i++)
                {
                    var item = new Dictionary<string, object?>(StringComparer.Ordinal);
                    foreach (var field in fields)
                    {
                        var (_, fieldData, next) = Element(b, pos);
                        item[field] = Matrix(b, fieldData).Value;
                        pos = next;
                    }
                    items.Add(item);
                }
                return (name, items);
            }
            case MxCell:
            {
                var cells = new object?[count];
                for (var i = 0; i < count; i++)
                {
                    var (_, cellData, next) = Element(b, pos);
                    cells[i] = Matrix(b, cellData).Value;
                    pos = next;
                }
                return (name, cells);
            }
            case MxChar:
            {
                var (type, data, _) = Element(b, pos);
                var text = type switch
                {
                    MiUInt16 or MiInt16 => new string(Enumerable.Range(0, data.Count / 2).Select(i => (char)BinaryPrimitives.ReadUInt16LittleEndian(data.AsSpan(2 * i))).ToArray()),
                    MiUtf8 or MiUInt8 or MiInt8 => Encoding.UTF8.GetString(data),
                    _ => throw new InvalidDataException($"a char array stored as type {type}"),
                };
                return (name, text);
            }
            default:
            {
                var (type, data, _) = Element(b, pos);
                return (name, Numbers(type, data));
            }
        }
    }

    private static double[] Numbers(int type, ArraySegment<byte> d)
    {
        var s = d.AsSpan();
        return type switch
        {
            MiDouble => Enumerable.Range(0, d.Count / 8).Select(i => BinaryPrimitives.ReadDoubleLittleEndian(d.AsSpan(8 * i))).ToArray(),
            MiSingle => Enumerable.Range(0, d.Count / 4).Select(i => (double)BinaryPrimitives.ReadSingleLittleEndian(d.AsSpan(4 * i))).ToArray(),
            MiUInt8 => s.ToArray().Select(x => (double)x).ToArray(),
            MiInt8 => s.ToArray().Select(x => (double)(sbyte)x).ToArray(),
            MiInt16 => Enumerable.Range(0, d.Count / 2).Select(i => (double)BinaryPrimitives.ReadInt16LittleEndian(d.AsSpan(2 * i))).ToArray(),
            MiUInt16 => Enumerable.Range(0, d.Count / 2).Select(i => (double)BinaryPrimitives.ReadUInt16LittleEndian(d.AsSpan(2 * i))).ToArray(),
            MiInt32 => Enumerable.Range(0, d.Count / 4).Select(i => (double)BinaryPrimitives.ReadInt32LittleEndian(d.AsSpan(4 * i))).ToArray(),
            MiUInt32 => Enumerable.Range(0, d.Count / 4).Select(i => (double)BinaryPrimitives.ReadUInt32LittleEndian(d.AsSpan(4 * i))).ToArray(),
            MiInt64 => Enumerable.Range(0, d.Count / 8).Select(i => (double)BinaryPrimitives.ReadInt64LittleEndian(d.AsSpan(8 * i))).ToArray(),
            MiUInt64 => Enumerable.Range(0, d.Count / 8).Select(i => (double)BinaryPrimitives.ReadUInt64LittleEndian(d.AsSpan(8 * i))).ToArray(),
            _ => throw new InvalidDataException($"a numeric array stored as type {type}"),
        };
    }
}
