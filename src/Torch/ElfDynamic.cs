using System.Buffers.Binary;
using System.Text;

namespace Rethink.Torch;

/// <summary>
/// What a 64-bit little-endian ELF shared library says to the dynamic linker, read from its section
/// headers: the libraries it needs (<c>DT_NEEDED</c>), its run path, the dynamic symbols it defines and
/// those it leaves undefined (what <c>nm -D --defined-only</c> and <c>nm -D --undefined-only</c> list),
/// the symbol versions it defines (<c>.gnu.version_d</c>) and those it needs from each library
/// (<c>.gnu.version_r</c>, e.g. <c>GLIBCXX_3.4.32</c> from <c>libstdc++.so.6</c>). Only the headers and
/// these sections are read, so a 1 GB <c>libtorch_cuda.so</c> costs a few megabytes of reading.
/// </summary>
public sealed class ElfDynamic
{
    private const uint ShtDynsym = 11, ShtDynamic = 6, ShtVerdef = 0x6ffffffd, ShtVerneed = 0x6ffffffe;
    private const long DtNeeded = 1, DtRpath = 15, DtRunpath = 29;

    /// <summary>The file read.</summary>
    public required string Path { get; init; }

    /// <summary>Libraries it needs, in <c>DT_NEEDED</c> order.</summary>
    public required IReadOnlyList<string> Needed { get; init; }

    /// <summary><c>DT_RUNPATH</c> (else <c>DT_RPATH</c>) entries, <c>$ORIGIN</c> not yet substituted.</summary>
    public required IReadOnlyList<string> RunPath { get; init; }

    /// <summary>Global and weak dynamic symbols it defines.</summary>
    public required IReadOnlySet<string> Defined { get; init; }

    /// <summary>Dynamic symbols it leaves to other libraries, and whether each is weak (may stay unresolved).</summary>
    public required IReadOnlyList<(string Name, bool Weak)> Undefined { get; init; }

    /// <summary>Symbol versions it defines (its own soname's version node included).</summary>
    public required IReadOnlySet<string> VersionsDefined { get; init; }

    /// <summary>Symbol versions it needs, by the library that must define them.</summary>
    public required IReadOnlyList<(string Library, string Version)> VersionsNeeded { get; init; }

    /// <summary>Reads <paramref name="path"/>; throws <see cref="InvalidDataException"/> when it is not a 64-bit little-endian ELF file.</summary>
    public static ElfDynamic Read(string path)
    {
        using var file = File.OpenRead(path);
        var header = ReadAt(file, 0, 64);
        if (header.Length < 64 || header[0] != 0x7f || header[1] != (byte)'E' || header[2] != (byte)'L' || header[3] != (byte)'F')
            throw new InvalidDataException($"{path} is not an ELF file.");
        if (header[4] != 2 || header[5] != 1)
            throw new InvalidDataException($"{path} is not a 64-bit little-endian ELF file.");
        var sectionOffset = (long)BinaryPrimitives.ReadUInt64LittleEndian(header.AsSpan(0x28));
        int entrySize = BinaryPrimitives.ReadUInt16LittleEndian(header.AsSpan(0x3A)), count = BinaryPrimitives.ReadUInt16LittleEndian(header.AsSpan(0x3C));
        if (entrySize < 64 || count == 0) throw new InvalidDataException($"{path} has no section headers.");
        var table = ReadAt(file, sectionOffset, entrySize * count);
        var sections = Enumerable.Range(0, count).Select(i =>
        {
            var s = table.AsSpan(i * entrySize);
            return new Section(BinaryPrimitives.ReadUInt32LittleEndian(s[4..]), (long)BinaryPrimitives.ReadUInt64LittleEndian(s[24..]),
                (long)BinaryPrimitives.ReadUInt64LittleEndian(s[32..]), (int)BinaryPrimitives.ReadUInt32LittleEndian(s[40..]),
                (int)BinaryPrimitives.ReadUInt32LittleEndian(s[44..]));
        }).ToArray();
        byte[] Contents(Section s) => ReadAt(file, s.Offset, checked((int)s.Size));

        var needed = new List<string>();
        var runPath = new List<string>();
        var rpath = new List<string>();
        foreach (var dynamic in sections.Where(s => s.Type == ShtDynamic))
        {
            var strings = Contents(sections[dynamic.Link]);
            var entries = Contents(dynamic);
            for (var at = 0; at + 16 <= entries.Length; at += 16)
            {
                var tag = BinaryPrimitives.ReadInt64LittleEndian(entries.AsSpan(at));
                var value = (int)BinaryPrimitives.ReadUInt64LittleEndian(entries.AsSpan(at + 8));
                if (tag == 0) break;
                if (tag == DtNeeded) needed.Add(Text(strings, value));
                else if (tag == DtRunpath) runPath.AddRange(Text(strings, value).Split(':', StringSplitOptions.RemoveEmptyEntries));
                else if (tag == DtRpath) rpath.AddRange(Text(strings, value).Split(':', StringSplitOptions.RemoveEmptyEntries));
            }
        }

        var defined = new HashSet<string>(StringComparer.Ordinal);
        var undefined = new List<(string, bool)>();
        foreach (var symbols in sections.Where(s => s.Type == ShtDynsym))
        {
            var strings = Contents(sections[symbols.Link]);
            var entries = Contents(symbols);
            for (var at = 24; at + 24 <= entries.Length; at += 24) // entry 0 is the null symbol
            {
                var name = Text(strings, (int)BinaryPrimitives.ReadUInt32LittleEndian(entries.AsSpan(at)));
                var info = entries[at + 4];
                int binding = info >> 4, type = info & 0xf;
                var sectionIndex = BinaryPrimitives.ReadUInt16LittleEndian(entries.AsSpan(at + 6));
                if (name.Length == 0 || type == 3 /* STT_SECTION */ || type == 4 /* STT_FILE */) continue;
                if (binding is not (1 /* GLOBAL */ or 2 /* WEAK */ or 10 /* GNU_UNIQUE */)) continue;
                if (sectionIndex == 0) undefined.Add((name, binding == 2));
                else defined.Add(name);
            }
        }

        var versionsDefined = new HashSet<string>(StringComparer.Ordinal);
        foreach (var verdef in sections.Where(s => s.Type == ShtVerdef))
        {
            var strings = Contents(sections[verdef.Link]);
            var data = Contents(verdef);
            for (int at = 0, guard = 0; at + 20 <= data.Length && guard < 100_000; guard++)
            {
                var aux = at + (int)BinaryPrimitives.ReadUInt32LittleEndian(data.AsSpan(at + 12));
                if (aux + 8 <= data.Length) versionsDefined.Add(Text(strings, (int)BinaryPrimitives.ReadUInt32LittleEndian(data.AsSpan(aux))));
                var next = (int)BinaryPrimitives.ReadUInt32LittleEndian(data.AsSpan(at + 16));
                if (next == 0) break;
                at += next;
            }
        }

        var versionsNeeded = new List<(string, string)>();
        foreach (var verneed in sections.Where(s => s.Type == ShtVerneed))
        {
            var strings = Contents(sections[verneed.Link]);
            var data = Contents(verneed);
            for (int at = 0, guard = 0; at + 16 <= data.Length && guard < 100_000; guard++)
            {
                int auxCount = BinaryPrimitives.ReadUInt16LittleEndian(data.AsSpan(at + 2));
                var library = Text(strings, (int)BinaryPrimitives.ReadUInt32LittleEndian(data.AsSpan(at + 4)));
                var aux = at + (int)BinaryPrimitives.ReadUInt32LittleEndian(data.AsSpan(at + 8));
                for (var k = 0; k < auxCount && aux + 16 <= data.Length; k++)
                {
                    versionsNeeded.Add((library, Text(strings, (int)BinaryPrimitives.ReadUInt32LittleEndian(data.AsSpan(aux + 8)))));
                    var nextAux = (int)BinaryPrimitives.ReadUInt32LittleEndian(data.AsSpan(aux + 12));
                    if (nextAux == 0) break;
                    aux += nextAux;
                }
                var next = (int)BinaryPrimitives.ReadUInt32LittleEndian(data.AsSpan(at + 12));
                if (next == 0) break;
                at += next;
            }
        }

        return new ElfDynamic
        {
            Path = path,
            Needed = needed,
            RunPath = runPath.Count > 0 ? runPath : rpath,
            Defined = defined,
            Undefined = undefined,
            VersionsDefined = versionsDefined,
            VersionsNeeded = versionsNeeded,
        };
    }

    private sealed record Section(uint Type, long Offset, long Size, int Link, int Info);

    private static byte[] ReadAt(FileStream file, long offset, int length)
    {
        if (offset < 0 || offset + length > file.Length) throw new InvalidDataException($"{file.Name}: a section lies outside the file (truncated?).");
        var buffer = new byte[length];
        file.Position = offset;
        file.ReadExactly(buffer);
        return buffer;
    }

    private static string Text(byte[] strings, int offset)
    {
        if (offset < 0 || offset >= strings.Length) return "";
        var end = Array.IndexOf(strings, (byte)0, offset);
        return Encoding.UTF8.GetString(strings, offset, (end < 0 ? strings.Length : end) - offset);
    }
}
