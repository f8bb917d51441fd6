using System.Formats.Tar;
using System.IO.Compression;
using FsCheck.Xunit;
using Rethink.Data;
using Xunit;

namespace Rethink.Properties;

[Properties(Arbitrary = [typeof(DataArbitraries)], MaxTest = 30)]
public class DataFormatProperties
{
    private static void WriteIdx(string path, ImageSet set, bool gzip, bool labels)
    {
        using var file = File.Create(path);
        using Stream stream = gzip ? new GZipStream(file, CompressionLevel.Fastest) : file;
        if (labels) IdxFile.WriteLabels(stream, set.Labels);
        else IdxFile.WriteImages(stream, set.Pixels, set.Count, set.Height, set.Width * set.Channels);
    }

    [Property]
    public void Idx_write_read_round_trip(ImageSetCase c, bool gzip)
    {
        var set = (c with { Channels = 1 }).Build();
        using var dir = new TempDirectory();
        var suffix = gzip ? ".gz" : "";
        WriteIdx(dir.File("train-images-idx3-ubyte" + suffix), set, gzip, labels: false);
        WriteIdx(dir.File("train-labels-idx1-ubyte" + suffix), set, gzip, labels: true);
        WriteIdx(dir.File("t10k-images-idx3-ubyte" + suffix), set, gzip, labels: false);
        WriteIdx(dir.File("t10k-labels-idx1-ubyte" + suffix), set, gzip, labels: true);
        var names = Enumerable.Range(0, c.Classes).Select(i => i.ToString()).ToArray();
        var back = DatasetLoader.ReadIdxFolder("generated", dir.Path, names);
        Assert.Equal(set.Pixels, back.Train.Pixels);
        Assert.Equal(set.Labels, back.Train.Labels);
        Assert.Equal(set.Pixels, back.Test.Pixels);
        Assert.Equal((set.Height, set.Width), (back.Train.Height, back.Train.Width));
        // Loading by path detects the layout too.
        Assert.Equal(set.Labels, DatasetLoader.Load(dir.Path).Train.Labels);
    }

    private static (byte[] Pixels, byte[] Labels) Batch(int count, Random random)
    {
        var pixels = new byte[count * Cifar10File.ImageBytes];
        random.NextBytes(pixels);
        var labels = Enumerable.Range(0, count).Select(_ => (byte)random.Next(10)).ToArray();
        return (pixels, labels);
    }

    private static byte[] BatchBytes((byte[] Pixels, byte[] Labels) batch)
    {
        using var memory = new MemoryStream();
        Cifar10File.WriteBatch(memory, batch.Pixels, batch.Labels);
        return memory.ToArray();
    }

    [Property(MaxTest = 10)]
    public void Cifar_folder_and_archive_round_trip(int seed)
    {
        var random = new Random(seed);
        var batches = Cifar10File.TrainBatches.Append(Cifar10File.TestBatch)
            .ToDictionary(name => name, _ => Batch(random.Next(1, 6), random));
        using var dir = new TempDirectory();
        var folder = Directory.CreateDirectory(dir.File("cifar-10-batches-bin")).FullName;
        foreach (var (name, batch) in batches) File.WriteAllBytes(Path.Combine(folder, name), BatchBytes(batch));
        var archive = dir.File("cifar-10-binary.tar.gz");
        using (var file = File.Create(archive))
        using (var gzip = new GZipStream(file, CompressionLevel.Fastest))
        using (var tar = new TarWriter(gzip))
        {
            foreach (var name in batches.Keys)
                tar.WriteEntry(Path.Combine(folder, name), "cifar-10-batches-bin/" + name);
        }

        var expectedTrain = Cifar10File.TrainBatches.SelectMany(b => batches[b].Pixels).ToArray();
        var expectedLabels = Cifar10File.TrainBatches.SelectMany(b => batches[b].Labels).ToArray();
        foreach (var loaded in new[] { Cifar10File.ReadFolder(folder), Cifar10File.ReadArchive(archive) })
        {
            Assert.Equal(expectedTrain, loaded.Train.Pixels);
            Assert.Equal(expectedLabels, loaded.Train.Labels);
            Assert.Equal(batches[Cifar10File.TestBatch].Labels, loaded.Test.Labels);
            Assert.Equal((3, 32, 32), (loaded.Train.Channels, loaded.Train.Height, loaded.Train.Width));
        }
    }

    [Fact]
    public void Mismatched_counts_name_the_file()
    {
        var set = new ImageSetCase(5, 1, 4, 4, 3, 1).Build();
        var fewer = new ImageSetCase(4, 1, 4, 4, 3, 2).Build();
        using var dir = new TempDirectory();
        WriteIdx(dir.File("train-images-idx3-ubyte"), set, false, false);
        WriteIdx(dir.File("train-labels-idx1-ubyte"), fewer, false, true);
        WriteIdx(dir.File("t10k-images-idx3-ubyte"), set, false, false);
        WriteIdx(dir.File("t10k-labels-idx1-ubyte"), set, false, true);
        var e = Assert.Throws<DatasetFormatException>(() => DatasetLoader.ReadIdxFolder("x", dir.Path, ["a", "b", "c"]));
        Assert.EndsWith("train-labels-idx1-ubyte", e.File);
        Assert.Contains("5 labels", e.Message);
    }

    [Fact]
    public void Wrong_magic_truncation_and_label_range_are_typed_errors()
    {
        var set = new ImageSetCase(3, 1, 2, 2, 10, 1).Build();
        using var dir = new TempDirectory();
        var path = dir.File("img");
        WriteIdx(path, set, false, false);
        var bytes = File.ReadAllBytes(path);

        bytes[2] = 0x0D;
        File.WriteAllBytes(path, bytes);
        Assert.Contains("element type", Assert.Throws<DatasetFormatException>(() => IdxFile.ReadImages(path)).Location);

        File.WriteAllBytes(path, bytes[..10]);
        Assert.Contains("truncated", Assert.Throws<DatasetFormatException>(() => { bytes[2] = 0x08; File.WriteAllBytes(path, bytes[..10]); IdxFile.ReadImages(path); }).Message);

        var labels = dir.File("lab");
        using (var f = File.Create(labels)) IdxFile.WriteLabels(f, [1, 2, 12]);
        var e = Assert.Throws<DatasetFormatException>(() => IdxFile.ReadLabels(labels, 10));
        Assert.Equal("byte 10 (label 2)", e.Location);

        var batch = dir.File("data_batch_1.bin");
        File.WriteAllBytes(batch, new byte[Cifar10File.RecordBytes + 5]);
        Assert.Equal("file size", Assert.Throws<DatasetFormatException>(() => Cifar10File.ReadBatch(batch)).Location);
    }
}
