using System.Formats.Tar;
using System.IO.Compression;

namespace Rethink.Data;

/// <summary>
/// CIFAR-10's binary version: each record is one label byte then 3,072 pixel bytes (1,024 red, 1,024
/// green, 1,024 blue, each 32×32 row-major), 10,000 records per batch file. Reads a folder of
/// <c>data_batch_1..5.bin</c> + <c>test_batch.bin</c>, or the official <c>cifar-10-binary.tar.gz</c> directly.
/// </summary>
public static class Cifar10File
{
    /// <summary>Image side in pixels.</summary>
    public const int Side = 32;
    /// <summary>Colour channels.</summary>
    public const int Channels = 3;
    /// <summary>Bytes of one image (3 planes of 32×32).</summary>
    public const int ImageBytes = Channels * Side * Side;
    /// <summary>Bytes of one record: the label byte, then the image.</summary>
    public const int RecordBytes = ImageBytes + 1;
    /// <summary>Records in each batch file.</summary>
    public const int RecordsPerBatch = 10_000;
    /// <summary>Classes.</summary>
    public const int Classes = 10;

    /// <summary>The five training batch files, in order.</summary>
    public static readonly IReadOnlyList<string> TrainBatches = ["data_batch_1.bin", "data_batch_2.bin", "data_batch_3.bin", "data_batch_4.bin", "data_batch_5.bin"];
    /// <summary>The test batch file.</summary>
    public const string TestBatch = "test_batch.bin";
    /// <summary>The class-name file beside the batches.</summary>
    public const string MetaFile = "batches.meta.txt";

    /// <summary>The class names when the batches come without their meta file.</summary>
    public static readonly IReadOnlyList<string> DefaultClassNames =
        ["airplane", "automobile", "bird", "cat", "deer", "dog", "frog", "horse", "ship", "truck"];

    /// <summary>Reads the six batch files from a folder (in parallel, straight into the final arrays).</summary>
    public static LabeledDataset ReadFolder(string directory)
    {
        var names = ReadClassNames(Path.Combine(directory, MetaFile));
        var train = ReadBatches(TrainBatches.Select(b => Path.Combine(directory, b)).ToList(), names);
        var test = ReadBatches([Path.Combine(directory, TestBatch)], names);
        return new LabeledDataset(KnownDataset.Cifar10.Name, train, test, directory);
    }

    private static ImageSet ReadBatches(IReadOnlyList<string> paths, IReadOnlyList<string> names)
    {
        // Sizes first (a missing or malformed file fails before anything is allocated), then one task per file.
        var counts = paths.Select(path =>
        {
            if (!File.Exists(path)) throw new DatasetNotFoundException($"{path}: file not found.");
            return CheckedRecordCount(DataStreams.Size(path), path);
        }).ToArray();
        var total = counts.Sum();
        var pixels = new byte[(long)total * ImageBytes];
        var labels = new byte[total];
        var starts = new int[paths.Count];
        for (var k = 1; k < paths.Count; k++) starts[k] = starts[k - 1] + counts[k - 1];
        try
        {
            Parallel.For(0, paths.Count, k =>
            {
                using var stream = DataStreams.Open(paths[k], out var length);
                if (length != (long)counts[k] * RecordBytes)
                    throw new DatasetFormatException(paths[k], "file size", $"{(long)counts[k] * RecordBytes} bytes", $"{length} (file changed while reading)");
                Fill(stream, counts[k], paths[k], pixels.AsSpan(starts[k] * ImageBytes, counts[k] * ImageBytes), labels.AsSpan(starts[k], counts[k]));
            });
        }
        catch (AggregateException e) when (e.InnerExceptions.Count > 0)
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(e.InnerExceptions[0]).Throw();
        }
        return new ImageSet(pixels, labels, Channels, Side, Side, names);
    }

    private static int CheckedRecordCount(long length, string where)
    {
        if (length % RecordBytes != 0 || length == 0)
            throw new DatasetFormatException(where, "file size", $"a positive multiple of the {RecordBytes}-byte record (1 label + 3072 pixels)", $"{length} bytes ({length / RecordBytes} records and {length % RecordBytes} bytes over)");
        if (length > (long)RecordBytes * 1_000_000)
            throw new DatasetFormatException(where, "file size", "a CIFAR batch of at most a million records", $"{length} bytes");
        return (int)(length / RecordBytes);
    }

    /// <summary>Reads <paramref name="count"/> records from <paramref name="stream"/>, splitting labels from pixels.</summary>
    private static void Fill(Stream stream, int count, string where, Span<byte> pixels, Span<byte> labels)
    {
        const int chunkRecords = 512;
        var buffer = new byte[chunkRecords * RecordBytes];
        for (var first = 0; first < count; first += chunkRecords)
        {
            var records = Math.Min(chunkRecords, count - first);
            var chunk = buffer.AsSpan(0, records * RecordBytes);
            DataStreams.ReadExactly(stream, chunk, where, (long)first * RecordBytes, "records");
            for (var r = 0; r < records; r++)
            {
                var record = chunk.Slice(r * RecordBytes, RecordBytes);
                var i = first + r;
                if (record[0] >= Classes)
                    throw new DatasetFormatException(where, $"byte {(long)i * RecordBytes} (label of record {i})", $"a class index below {Classes}", record[0].ToString());
                labels[i] = record[0];
                record[1..].CopyTo(pixels.Slice(i * ImageBytes, ImageBytes));
            }
        }
        DataStreams.ExpectEnd(stream, where, (long)count * RecordBytes);
    }

    /// <summary>Reads <c>cifar-10-binary.tar.gz</c> without unpacking it to disk.</summary>
    public static LabeledDataset ReadArchive(string archive)
    {
        var batches = new Dictionary<string, (byte[] Pixels, byte[] Labels)>();
        IReadOnlyList<string> names = DefaultClassNames;
        try
        {
            using var file = File.OpenRead(archive);
            using var gzip = new GZipStream(file, CompressionMode.Decompress);
            using var tar = new TarReader(gzip);
            while (tar.GetNextEntry() is { } entry)
            {
                if (entry.EntryType is not (TarEntryType.RegularFile or TarEntryType.V7RegularFile) || entry.DataStream is null) continue;
                var name = Path.GetFileName(entry.Name);
                var where = $"{archive}!{entry.Name}";
                if (name == MetaFile)
                {
                    using var reader = new StreamReader(entry.DataStream);
                    names = ParseClassNames(reader.ReadToEnd(), where);
                }
                else if (name == TestBatch || TrainBatches.Contains(name))
                {
                    batches[name] = ReadBatch(entry.DataStream, entry.Length, where);
                }
            }
        }
        catch (FileNotFoundException e)
        {
            throw new DatasetNotFoundException($"{archive}: file not found.", e);
        }
        catch (Exception e) when (e is InvalidDataException or FormatException or EndOfStreamException)
        {
            throw new DatasetFormatException(archive, "archive", "a gzip-compressed tar archive (cifar-10-binary.tar.gz)", $"unreadable data ({e.Message})", e);
        }
        var missing = TrainBatches.Append(TestBatch).Where(b => !batches.ContainsKey(b)).ToList();
        if (missing.Count > 0)
            throw new DatasetFormatException(archive, "archive contents", "data_batch_1..5.bin and test_batch.bin", $"no {string.Join(", ", missing)}");
        var train = Concatenate(TrainBatches.Select(b => batches[b]).ToList(), names);
        var test = Concatenate([batches[TestBatch]], names);
        return new LabeledDataset(KnownDataset.Cifar10.Name, train, test, archive);
    }

    /// <summary>Reads one batch file (any whole number of records).</summary>
    public static (byte[] Pixels, byte[] Labels) ReadBatch(string path)
    {
        using var stream = DataStreams.Open(path, out var length);
        return ReadBatch(stream, length, path);
    }

    private static (byte[] Pixels, byte[] Labels) ReadBatch(Stream stream, long length, string where)
    {
        var count = CheckedRecordCount(length, where);
        var pixels = new byte[(long)count * ImageBytes];
        var labels = new byte[count];
        Fill(stream, count, where, pixels, labels);
        return (pixels, labels);
    }

    /// <summary>Writes records (label, then 3,072 planar pixels) — for tests and tools.</summary>
    public static void WriteBatch(Stream stream, ReadOnlySpan<byte> pixels, ReadOnlySpan<byte> labels)
    {
        if (pixels.Length != labels.Length * ImageBytes)
            throw new ArgumentException($"{labels.Length} records need {labels.Length * ImageBytes} pixel bytes; got {pixels.Length}.", nameof(pixels));
        for (var i = 0; i < labels.Length; i++)
        {
            stream.WriteByte(labels[i]);
            stream.Write(pixels.Slice(i * ImageBytes, ImageBytes));
        }
    }

    private static IReadOnlyList<string> ReadClassNames(string path) =>
        File.Exists(path) ? ParseClassNames(File.ReadAllText(path), path) : DefaultClassNames;

    private static IReadOnlyList<string> ParseClassNames(string text, string where)
    {
        var names = text.Split('\n', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        if (names.Length != Classes)
            throw new DatasetFormatException(where, "class names", $"{Classes} non-empty lines", $"{names.Length}");
        return names;
    }

    private static ImageSet Concatenate(IReadOnlyList<(byte[] Pixels, byte[] Labels)> batches, IReadOnlyList<string> names)
    {
        var count = batches.Sum(b => b.Labels.Length);
        var pixels = new byte[(long)count * ImageBytes];
        var labels = new byte[count];
        var at = 0;
        foreach (var (p, l) in batches)
        {
            p.CopyTo(pixels, (long)at * ImageBytes);
            l.CopyTo(labels, at);
            at += l.Length;
        }
        return new ImageSet(pixels, labels, Channels, Side, Side, names);
    }
}
