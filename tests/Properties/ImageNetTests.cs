using System.Diagnostics;
using Rethink.ImageNet;
using SkiaSharp;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Xunit;

namespace Rethink.Properties;

/// <summary>
/// The ImageNet folder reader on ILSVRC-layout folders the tests write (10 classes × 30 JPEGs of mixed
/// sizes): every validation layout gives the labels that were written; every partial or odd layout is
/// one line naming the place and the fix. The devkit's meta.mat and the decoded pixels are checked
/// against independent readers (SciPy writes the MAT file; Pillow decodes the JPEGs).
/// </summary>
public sealed class ImageNetTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    private const int Classes = 10, TrainPerClass = 30, ValPerClass = 3;

    private static void AssertLabels(ImageNetFolder folder, IReadOnlyDictionary<string, int> expected)
    {
        Assert.Equal(Classes, folder.Classes);
        Assert.Equal(SyntheticImageNet.FirstSynsets.Take(Classes).Select(s => s.Wnid), folder.Synsets.Select(s => s.Wnid));
        Assert.Equal("tench, Tinca tinca", folder.Synsets[0].Words);
        Assert.Equal(Classes * TrainPerClass, folder.Train.Count);
        for (var c = 0; c < Classes; c++) Assert.Equal(TrainPerClass, folder.Train.Count(f => f.Label == c && Path.GetFileName(Path.GetDirectoryName(f.Path)) == folder.Synsets[c].Wnid));
        Assert.Equal(expected.Count, folder.Validation.Count);
        foreach (var file in folder.Validation) Assert.Equal(expected[Path.GetFileNameWithoutExtension(file.Path)], file.Label);
    }

    [Fact]
    public void A_sorted_val_folder_gives_the_labels_written()
    {
        var labels = SyntheticImageNet.Write(_dir.Path, Classes, TrainPerClass, ValPerClass, ValidationLayout.Sorted);
        var folder = ImageNetFolder.Open(_dir.Path);
        Assert.Equal(ValidationLayout.Sorted, folder.Layout);
        AssertLabels(folder, labels);
    }

    [Fact]
    public void A_flat_val_folder_with_Kaggles_solution_csv_gives_the_labels_written()
    {
        // Kaggle's layout: the images under ILSVRC/Data/CLS-LOC, the CSVs at the top.
        var top = _dir.File("kaggle");
        var data = Path.Combine(top, "ILSVRC", "Data", "CLS-LOC");
        var labels = SyntheticImageNet.Write(data, Classes, TrainPerClass, ValPerClass, ValidationLayout.SolutionCsv);
        File.Move(Path.Combine(data, "LOC_val_solution.csv"), Path.Combine(top, "LOC_val_solution.csv"));
        File.Move(Path.Combine(data, "LOC_synset_mapping.txt"), Path.Combine(top, "LOC_synset_mapping.txt"));
        var folder = ImageNetFolder.Open(top);
        Assert.Equal(ValidationLayout.SolutionCsv, folder.Layout);
        AssertLabels(folder, labels);
    }

    /// <summary>The devkit layout, with a meta.mat written by SciPy as the devkit's (struct array synsets, zlib-compressed, a non-leaf synset too).</summary>
    [Fact]
    public void A_flat_val_folder_with_the_devkits_ground_truth_and_meta_mat_gives_the_labels_written()
    {
        var labels = SyntheticImageNet.Write(_dir.Path, Classes, TrainPerClass, ValPerClass, ValidationLayout.Devkit);
        var data = Path.Combine(_dir.Path, "ILSVRC2012_devkit_t12", "data");
        // IDs in the devkit are not the wnids' order: give class c the ID (Classes - c), and rewrite the truth to match.
        var wnids = SyntheticImageNet.FirstSynsets.Take(Classes).Select(s => s.Wnid).Reverse().ToList();
        WriteMetaMat(Path.Combine(data, "meta.mat"), wnids);
        var truth = Path.Combine(data, "ILSVRC2012_validation_ground_truth.txt");
        File.WriteAllLines(truth, File.ReadAllLines(truth).Select(l => (Classes - (int.Parse(l) - 1)).ToString()));
        var folder = ImageNetFolder.Open(_dir.Path);
        Assert.Equal(ValidationLayout.Devkit, folder.Layout);
        AssertLabels(folder, labels);

        var map = DevkitMeta.Read(Path.Combine(data, "meta.mat"));
        Assert.Equal(Classes + 1, map.Count);
        for (var id = 1; id <= Classes; id++) Assert.Equal(wnids[id - 1], map[id]);
        Assert.Equal("n00001740", map[Classes + 1]);
    }

    private static void WriteMetaMat(string path, IReadOnlyList<string> wnids)
    {
        const string script = """
            import sys, numpy as np, scipy.io
            wnids = sys.argv[2].split(',') + ['n00001740']
            fields = ['ILSVRC2012_ID', 'WNID', 'words', 'gloss', 'num_children', 'children', 'wordnet_height', 'num_train_images']
            arr = np.zeros((len(wnids), 1), dtype=[(f, 'O') for f in fields])
            for i, w in enumerate(wnids):
                leaf = i < len(wnids) - 1
                arr[i, 0] = (np.array([[i + 1]], dtype=np.float64), w, 'words of ' + w, 'a gloss', np.array([[0 if leaf else 2]], dtype=np.uint8),
                             np.zeros((1, 0)) if leaf else np.array([[1, 2]], dtype=np.int16), np.array([[0]], dtype=np.uint8), np.array([[1300]], dtype=np.uint16))
            scipy.io.savemat(sys.argv[1], {'synsets': arr}, do_compression=True)
            """;
        var run = Python(script, path, string.Join(',', wnids));
        Assert.True(run.ExitCode == 0, run.Error);
    }

    private static (int ExitCode, byte[] Output, string Error) Python(string script, params string[] args)
    {
        // Debian's Python (numpy, scipy, Pillow from apt; the README's set-up installs them), not whatever python3 is first on PATH.
        var info = new ProcessStartInfo("/usr/bin/python3") { RedirectStandardOutput = true, RedirectStandardError = true };
        info.ArgumentList.Add("-c");
        info.ArgumentList.Add(script);
        foreach (var a in args) info.ArgumentList.Add(a);
        using var process = Process.Start(info)!;
        var error = process.StandardError.ReadToEndAsync();
        using var output = new MemoryStream();
        process.StandardOutput.BaseStream.CopyTo(output);
        process.WaitForExit();
        return (process.ExitCode, output.ToArray(), error.Result);
    }

    public static TheoryData<string, string> OddLayouts() => new()
    {
        { "no-val", "no val/ folder beside train/" },
        { "empty-class", "n01443537: no JPEG files" },
        { "not-a-wnid", "'misc' is not a WordNet id" },
        { "flat-unlabelled", "validation JPEGs lie flat in val/ with no labels" },
        { "csv-missing-row", "no row for ILSVRC2012_val_00000001 in" },
        { "mixed-val", "both class folders" },
        { "val-class-unknown", "class 'n09999999' has no folder in train/" },
        { "devkit-without-meta", "need its meta.mat beside it" },
        { "no-train", "no train/ folder" },
    };

    [Theory]
    [MemberData(nameof(OddLayouts))]
    public void An_odd_layout_is_one_line_naming_the_place_and_the_fix(string damage, string expected)
    {
        var root = _dir.Path;
        var layout = damage switch { "flat-unlabelled" or "csv-missing-row" or "mixed-val" => ValidationLayout.SolutionCsv, "devkit-without-meta" => ValidationLayout.Devkit, _ => ValidationLayout.Sorted };
        SyntheticImageNet.Write(root, 3, 2, 2, layout, minSide: 16, maxSide: 24);
        switch (damage)
        {
            case "no-val": Directory.Delete(Path.Combine(root, "val"), true); break;
            case "empty-class": foreach (var f in Directory.GetFiles(Path.Combine(root, "train", "n01443537"))) File.Delete(f); break;
            case "not-a-wnid": Directory.CreateDirectory(Path.Combine(root, "train", "misc")); break;
            case "flat-unlabelled": File.Delete(Path.Combine(root, "LOC_val_solution.csv")); break;
            case "csv-missing-row":
                var csv = Path.Combine(root, "LOC_val_solution.csv");
                File.WriteAllLines(csv, File.ReadAllLines(csv).Where(l => !l.StartsWith("ILSVRC2012_val_00000001", StringComparison.Ordinal)));
                break;
            case "mixed-val": Directory.CreateDirectory(Path.Combine(root, "val", "n01440764")); break;
            case "val-class-unknown": Directory.Move(Path.Combine(root, "val", "n01440764"), Path.Combine(root, "val", "n09999999")); break;
            case "no-train": Directory.Delete(Path.Combine(root, "train"), true); break;
        }
        var e = Assert.Throws<ImageNetLayoutException>(() => ImageNetFolder.Open(root));
        Assert.Contains(expected, e.Message);
        Assert.DoesNotContain('\n', e.Message);
    }

    /// <summary>
    /// Decoded pixels equal Pillow's (Debian's, on libjpeg-turbo) on the same files to within 2 levels in any
    /// channel: both decode with libjpeg-turbo's integer IDCT; the bound allows for the chroma upsampling,
    /// which each library may do with libjpeg's "fancy" triangle filter or by replication (at most the
    /// difference of two neighbouring chroma samples after the colour transform, small on these smooth images),
    /// and one level of rounding in the YCbCr→RGB conversion. Mean difference below 0.5 levels.
    /// </summary>
    [Fact]
    public void Decoded_pixels_match_Pillow_on_the_same_files()
    {
        SyntheticImageNet.Write(_dir.Path, 2, 3, 1, ValidationLayout.Sorted);
        var files = Directory.GetFiles(Path.Combine(_dir.Path, "train"), "*.JPEG", SearchOption.AllDirectories).Order(StringComparer.Ordinal).ToList();
        const string script = """
            import sys
            from PIL import Image
            for p in sys.argv[1:]:
                sys.stdout.buffer.write(Image.open(p).convert('RGB').tobytes())
            """;
        var run = Python(script, [.. files]);
        Assert.True(run.ExitCode == 0, run.Error);
        var pillow = run.Output;
        var offset = 0;
        long sum = 0, count = 0;
        var worst = 0;
        foreach (var file in files)
        {
            using var bitmap = Jpeg.Decode(file);
            var pixels = System.Runtime.InteropServices.MemoryMarshal.AsBytes(bitmap.GetPixelSpan()).ToArray();
            for (var i = 0; i < bitmap.Width * bitmap.Height; i++)
            for (var c = 0; c < 3; c++)
            {
                var d = Math.Abs(pixels[4 * i + c] - pillow[offset + 3 * i + c]);
                worst = Math.Max(worst, d);
                sum += d;
                count++;
            }
            offset += 3 * bitmap.Width * bitmap.Height;
        }
        Assert.Equal(pillow.Length, offset);
        Assert.True(worst <= 2, $"largest difference from Pillow {worst} levels (bound 2: chroma upsampling and YCbCr rounding)");
        Assert.True((double)sum / count < 0.5, $"mean difference from Pillow {(double)sum / count:F3} levels (bound 0.5)");
    }

    /// <summary>
    /// The random-resized crop stays inside the image with area 8%–100% and aspect 3/4–4/3 (or is the
    /// centre square after ten misses), and is a function of (seed, epoch, index) alone.
    /// </summary>
    [Property(MaxTest = 300)]
    public bool Random_resized_crops_are_inside_the_image_within_the_papers_ranges_and_reproducible(PositiveInt w, PositiveInt h, int seed, byte epoch, ushort index)
    {
        var width = 8 + w.Get % 600;
        var height = 8 + h.Get % 600;
        var t = new ImageNetTransform(299, Augment: true);
        var (crop, flip) = t.Choose(width, height, seed, epoch, index);
        var again = t.Choose(width, height, seed, epoch, index);
        const float slack = 1e-3f;
        var inside = crop.Left >= -slack && crop.Top >= -slack && crop.Right <= width + slack && crop.Bottom <= height + slack;
        var area = crop.Width * crop.Height / ((double)width * height);
        var aspect = crop.Width / crop.Height;
        var centre = Math.Abs(crop.Width - Math.Min(width, height)) < slack && Math.Abs(crop.Height - crop.Width) < slack;
        var inRange = area is >= 0.08 - 1e-4 and <= 1 + 1e-4 && aspect is >= 0.75f - 1e-4f and <= 4f / 3 + 1e-4f;
        return inside && (inRange || centre) && again == (crop, flip);
    }

    /// <summary>
    /// Evaluation: a flat-coloured JPEG becomes that colour, normalized, everywhere in the 299×299 crop
    /// (JPEG keeps a flat colour to within a level or two, the bound used: 3 levels), and a left-right
    /// split image keeps its sides; with augmentation a flipped crop swaps them.
    /// </summary>
    [Fact]
    public void The_centre_crop_normalizes_each_channel_and_a_flip_mirrors()
    {
        const int width = 200, height = 120;
        var rgb = new byte[3 * width * height];
        for (var y = 0; y < height; y++)
        for (var x = 0; x < width; x++)
        {
            var left = x < width / 2;
            rgb[3 * (y * width + x)] = left ? (byte)200 : (byte)30;
            rgb[3 * (y * width + x) + 1] = 100;
            rgb[3 * (y * width + x) + 2] = left ? (byte)30 : (byte)220;
        }
        var file = _dir.File("split.JPEG");
        File.WriteAllBytes(file, Jpeg.Encode(rgb, width, height, 95));
        var eval = new ImageNetTransform(64, Augment: false);
        var output = new float[eval.Floats];
        eval.Apply(file, 1, 0, 0, output);
        float At(float[] o, int c, int y, int x) => o[c * 64 * 64 + y * 64 + x];
        float Norm(int c, double level) => (float)((level / 255 - ImageNetTransform.Mean[c]) / ImageNetTransform.Std[c]);
        var tolerance = 3 / (255 * 0.224f);
        Assert.InRange(At(output, 0, 32, 5), Norm(0, 200) - tolerance, Norm(0, 200) + tolerance);
        Assert.InRange(At(output, 2, 32, 5), Norm(2, 30) - tolerance, Norm(2, 30) + tolerance);
        Assert.InRange(At(output, 1, 32, 5), Norm(1, 100) - tolerance, Norm(1, 100) + tolerance);
        Assert.InRange(At(output, 0, 32, 60), Norm(0, 30) - tolerance, Norm(0, 30) + tolerance);

        // With augmentation, find a flipped draw and a kept one: the left edge shows the right side's colour when flipped.
        var aug = new ImageNetTransform(64, Augment: true);
        var flipped = Enumerable.Range(0, 200).First(i => aug.Choose(width, height, 1, 0, i) is var (c, f) && f && c.Left < width / 2 - 20 && c.Right > width / 2 + 20);
        aug.Apply(file, 1, 0, flipped, output);
        Assert.InRange(At(output, 0, 32, 1), Norm(0, 30) - tolerance, Norm(0, 30) + tolerance);
        Assert.InRange(At(output, 0, 32, 62), Norm(0, 200) - tolerance, Norm(0, 200) + tolerance);
    }
}
