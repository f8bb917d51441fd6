using System.IO.Compression;
using Rethink.Data;
using Xunit;
using Xunit.Abstractions;

namespace Rethink.Properties;

/// <summary>
/// Seeded fuzzing of the readers: small valid IDX and CIFAR files are mutated (header bytes, dimension
/// fields, truncation, appended bytes, corrupted gzip) and read back. The only acceptable outcomes are
/// a valid dataset or a <see cref="DatasetFormatException"/>.
/// </summary>
public class DataFuzzTests(ITestOutputHelper output)
{
    private const int Cases = 6000;

    [Fact]
    public void Mutated_files_give_a_valid_dataset_or_a_typed_error()
    {
        var random = new Random(20170101);
        using var dir = new TempDirectory();
        int valid = 0, typed = 0;
        var unexpected = new List<string>();
        for (var n = 0; n < Cases; n++)
        {
            var kind = n % 3; // 0: IDX images, 1: IDX labels, 2: CIFAR batch
            var bytes = Original(kind, random);
            var gzip = kind != 2 && random.Next(2) == 0;
            bytes = Mutate(bytes, random, gzip, out var description);
            var path = dir.File($"case{n % 16}");
            File.WriteAllBytes(path, bytes);
            try
            {
                switch (kind)
                {
                    case 0:
                        var (pixels, count, h, w) = IdxFile.ReadImages(path);
                        Assert.Equal((long)count * h * w, pixels.LongLength);
                        break;
                    case 1:
                        Assert.All(IdxFile.ReadLabels(path, 10), l => Assert.True(l < 10));
                        break;
                    default:
                        var (p, l2) = Cifar10File.ReadBatch(path);
                        Assert.Equal(l2.Length * Cifar10File.ImageBytes, p.Length);
                        break;
                }
                valid++;
            }
            catch (DatasetFormatException)
            {
                typed++;
            }
            catch (Exception e) when (e is not Xunit.Sdk.XunitException)
            {
                unexpected.Add($"case {n} ({description}, gzip={gzip}): {e.GetType().Name}: {e.Message}\n{e.StackTrace}");
            }
        }
        output.WriteLine($"{Cases} mutated files: {valid} valid, {typed} typed errors, {unexpected.Count} unexpected");
        Assert.True(unexpected.Count == 0, string.Join("\n", unexpected.Take(20)));
        Assert.True(typed > Cases / 2, $"only {typed} of {Cases} mutations were rejected; the mutator is too gentle");
    }

    private static byte[] Original(int kind, Random random)
    {
        using var memory = new MemoryStream();
        var count = random.Next(0, 6);
        switch (kind)
        {
            case 0:
                var (h, w) = (random.Next(1, 6), random.Next(1, 6));
                var pixels = new byte[count * h * w];
                random.NextBytes(pixels);
                IdxFile.WriteImages(memory, pixels, count, h, w);
                break;
            case 1:
                IdxFile.WriteLabels(memory, Enumerable.Range(0, count).Select(_ => (byte)random.Next(10)).ToArray());
                break;
            default:
                count = Math.Max(count, 1);
                var image = new byte[count * Cifar10File.ImageBytes];
                random.NextBytes(image);
                Cifar10File.WriteBatch(memory, image, Enumerable.Range(0, count).Select(_ => (byte)random.Next(10)).ToArray());
                break;
        }
        return memory.ToArray();
    }

    private static byte[] Mutate(byte[] bytes, Random random, bool gzip, out string description)
    {
        var data = bytes.ToList();
        var op = random.Next(6);
        switch (op)
        {
            case 0: // flip bytes in the header region
                for (var k = 0; k < random.Next(1, 4) && data.Count > 0; k++)
                    data[random.Next(Math.Min(16, data.Count))] ^= (byte)random.Next(1, 256);
                description = "header byte flips";
                break;
            case 1: // overwrite a dimension field with a random int (including huge and negative)
                if (data.Count >= 8)
                {
                    var at = 4 * random.Next(1, Math.Max(2, Math.Min(4, data.Count / 4)));
                    var value = random.Next(4) switch { 0 => int.MaxValue, 1 => -random.Next(), 2 => random.Next(0, 100), _ => random.Next() };
                    var raw = BitConverter.GetBytes(System.Buffers.Binary.BinaryPrimitives.ReverseEndianness(value));
                    for (var k = 0; k < 4 && at + k < data.Count; k++) data[at + k] = raw[k];
                }
                description = "dimension overwritten";
                break;
            case 2: // truncate
                data = data.Take(random.Next(0, data.Count + 1)).ToList();
                description = "truncated";
                break;
            case 3: // append junk
                data.AddRange(Enumerable.Range(0, random.Next(1, 40)).Select(_ => (byte)random.Next(256)));
                description = "bytes appended";
                break;
            case 4: // flip a random byte anywhere (labels may go out of range)
                if (data.Count > 0) data[random.Next(data.Count)] = (byte)random.Next(256);
                description = "random byte";
                break;
            default:
                description = "unchanged";
                break;
        }
        var result = data.ToArray();
        if (!gzip) return result;
        using var memory = new MemoryStream();
        using (var z = new GZipStream(memory, CompressionLevel.Fastest, leaveOpen: true)) z.Write(result);
        var compressed = memory.ToArray();
        if (random.Next(3) == 0 && compressed.Length > 12)
        {
            // Damage the compressed stream itself: a byte in the deflate body, or a truncation.
            if (random.Next(2) == 0) compressed[random.Next(10, compressed.Length)] ^= (byte)random.Next(1, 256);
            else compressed = compressed[..random.Next(1, compressed.Length)];
            description += " + gzip damaged";
        }
        return compressed;
    }
}
