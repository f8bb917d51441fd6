using System.Globalization;
using System.Text;
using Rethink.Core;

namespace Rethink.ImageNet;

/// <summary>
/// Writes an ILSVRC2012-layout folder of small JPEGs (with <see cref="Jpeg.Encode"/>): <c>train/&lt;wnid&gt;/</c>
/// and a <c>val/</c> in the layout asked for, of mixed sizes and aspect ratios, each class a colour and a
/// stripe frequency (so a small network can learn the true labels) under per-image noise. For tests, the
/// benchmark and trying the pipeline without ImageNet; the wnids are ILSVRC2012's first classes in order.
/// </summary>
public static class SyntheticImageNet
{
    /// <summary>ILSVRC2012's first twenty wnids in ordinal order, with their words.</summary>
    public static IReadOnlyList<Synset> FirstSynsets { get; } =
    [
        new("n01440764", "tench, Tinca tinca"), new("n01443537", "goldfish, Carassius auratus"),
        new("n01484850", "great white shark, white shark, man-eater, man-eating shark, Carcharodon carcharias"),
        new("n01491361", "tiger shark, Galeocerdo cuvieri"), new("n01494475", "hammerhead, hammerhead shark"),
        new("n01496331", "electric ray, crampfish, numbfish, torpedo"), new("n01498041", "stingray"),
        new("n01514668", "cock"), new("n01514859", "hen"), new("n01518878", "ostrich, Struthio camelus"),
        new("n01530575", "brambling, Fringilla montifringilla"), new("n01531178", "goldfinch, Carduelis carduelis"),
        new("n01532829", "house finch, linnet, Carpodacus mexicanus"), new("n01534433", "junco, snowbird"),
        new("n01537544", "indigo bunting, indigo finch, indigo bird, Passerina cyanea"), new("n01558993", "robin, American robin, Turdus migratorius"),
        new("n01560419", "bulbul"), new("n01580077", "jay"), new("n01582220", "magpie"), new("n01592084", "chickadee"),
    ];

    /// <summary>
    /// Writes <paramref name="classes"/> classes × <paramref name="trainPerClass"/> training and
    /// <paramref name="valPerClass"/> validation JPEGs under <paramref name="root"/>, val/ in <paramref name="layout"/>
    /// (for <see cref="ValidationLayout.Devkit"/>: the ground-truth file, whose IDs are class index + 1; meta.mat is
    /// the caller's), and LOC_synset_mapping.txt. Returns the validation labels by file name.
    /// </summary>
    public static IReadOnlyDictionary<string, int> Write(string root, int classes, int trainPerClass, int valPerClass,
        ValidationLayout layout = ValidationLayout.Sorted, int seed = 1, int minSide = 48, int maxSide = 160)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(classes, FirstSynsets.Count);
        var random = SeedMixer.Random(seed, 0x5A17);
        var synsets = FirstSynsets.Take(classes).ToList();
        var trainDir = Path.Combine(root, "train");
        var valDir = Path.Combine(root, "val");
        for (var c = 0; c < classes; c++)
        {
            Directory.CreateDirectory(Path.Combine(trainDir, synsets[c].Wnid));
            for (var i = 0; i < trainPerClass; i++)
                File.WriteAllBytes(Path.Combine(trainDir, synsets[c].Wnid, $"{synsets[c].Wnid}_{i + 1}.JPEG"), Image(c, random, minSide, maxSide));
        }
        // Validation files are numbered across classes, interleaved as ILSVRC's are.
        var labels = new Dictionary<string, int>(StringComparer.Ordinal);
        var order = Enumerable.Range(0, classes * valPerClass).Select(k => k % classes).ToArray();
        random.Shuffle(order);
        Directory.CreateDirectory(valDir);
        var csv = new StringBuilder("ImageId,PredictionString\n");
        var truth = new StringBuilder();
        for (var k = 0; k < order.Length; k++)
        {
            var c = order[k];
            var name = $"ILSVRC2012_val_{k + 1:D8}";
            labels[name] = c;
            var dir = layout == ValidationLayout.Sorted ? Path.Combine(valDir, synsets[c].Wnid) : valDir;
            Directory.CreateDirectory(dir);
            File.WriteAllBytes(Path.Combine(dir, name + ".JPEG"), Image(c, random, minSide, maxSide));
            csv.Append(CultureInfo.InvariantCulture, $"{name},{synsets[c].Wnid} 10 12 40 44 \n");
            truth.Append(CultureInfo.InvariantCulture, $"{c + 1}\n");
        }
        if (layout == ValidationLayout.SolutionCsv) File.WriteAllText(Path.Combine(root, "LOC_val_solution.csv"), csv.ToString());
        if (layout == ValidationLayout.Devkit)
        {
            var data = Path.Combine(root, "ILSVRC2012_devkit_t12", "data");
            Directory.CreateDirectory(data);
            File.WriteAllText(Path.Combine(data, "ILSVRC2012_validation_ground_truth.txt"), truth.ToString());
        }
        File.WriteAllLines(Path.Combine(root, "LOC_synset_mapping.txt"), synsets.Select(s => $"{s.Wnid} {s.Words}"));
        return labels;
    }

    /// <summary>
    /// One image of class <paramref name="c"/>: the class's hue and stripe frequency, and per image a random
    /// stripe phase and orientation and two soft blobs of random colour (images of a class differ as photos
    /// do, so random labels can be memorized), plus a little noise.
    /// </summary>
    private static byte[] Image(int c, Random random, int minSide, int maxSide)
    {
        var width = random.Next(minSide, maxSide + 1);
        var height = random.Next(minSide, maxSide + 1);
        var rgb = new byte[3 * width * height];
        var hue = c * 2 * Math.PI / 20;
        var frequency = 2 + c % 5;
        var angle = random.NextDouble() * Math.PI;
        var phase = random.NextDouble() * 2 * Math.PI;
        var blobs = Enumerable.Range(0, 2).Select(_ => (X: random.NextDouble(), Y: random.NextDouble(), R: 0.1 + 0.2 * random.NextDouble(),
            Colour: new[] { random.NextDouble() - 0.5, random.NextDouble() - 0.5, random.NextDouble() - 0.5 })).ToArray();
        var (cos, sin) = (Math.Cos(angle), Math.Sin(angle));
        for (var y = 0; y < height; y++)
        for (var x = 0; x < width; x++)
        {
            var (u, v) = ((double)x / width, (double)y / height);
            var stripe = Math.Sin(2 * Math.PI * frequency * (u * cos + v * sin) + phase);
            for (var ch = 0; ch < 3; ch++)
            {
                var value = 128 + 50 * Math.Cos(hue + ch * 2 * Math.PI / 3) + 30 * stripe + 10 * (random.NextDouble() - 0.5);
                foreach (var blob in blobs)
                {
                    var d2 = ((u - blob.X) * (u - blob.X) + (v - blob.Y) * (v - blob.Y)) / (blob.R * blob.R);
                    value += 120 * blob.Colour[ch] * Math.Exp(-d2);
                }
                rgb[3 * (y * width + x) + ch] = (byte)Math.Clamp(Math.Round(value), 0, 255);
            }
        }
        return Jpeg.Encode(rgb, width, height, 90);
    }
}
