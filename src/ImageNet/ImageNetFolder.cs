using System.Globalization;
using System.Text.RegularExpressions;

namespace Rethink.ImageNet;

/// <summary>One ImageNet class: its WordNet id (n01440764) and, where the folder has a synset list, its words.</summary>
public sealed record Synset(string Wnid, string Words);

/// <summary>One image file and its class index.</summary>
public sealed record LabeledFile(string Path, int Label);

/// <summary>How the validation images are labelled.</summary>
public enum ValidationLayout
{
    /// <summary>val/&lt;wnid&gt;/*.JPEG, as train/ (the layout torchvision's ImageFolder reads).</summary>
    Sorted,
    /// <summary>val/*.JPEG flat, labelled by Kaggle's LOC_val_solution.csv (ImageId, then the wnid first in PredictionString).</summary>
    SolutionCsv,
    /// <summary>val/ILSVRC2012_val_00000001.JPEG … flat, labelled by the devkit's ILSVRC2012_validation_ground_truth.txt (ILSVRC2012_IDs, one a line, in file order) and data/meta.mat (ID → wnid).</summary>
    Devkit,
}

/// <summary>An ImageNet folder that cannot be read as ILSVRC2012: one line naming the file or folder and what to do.</summary>
public sealed class ImageNetLayoutException(string message) : IOException(message);

/// <summary>
/// An ILSVRC2012 folder as labs keep it: <c>train/&lt;wnid&gt;/*.JPEG</c> (or Kaggle's
/// <c>ILSVRC/Data/CLS-LOC/train</c>) and a <c>val/</c> that is either sorted into <c>val/&lt;wnid&gt;/</c>
/// or flat with its labels in <c>LOC_val_solution.csv</c> or the devkit's ground truth. Class indices are
/// the wnids in ordinal order (torchvision's and Keras's convention: index 0 is n01440764, tench); the words
/// come from <c>LOC_synset_mapping.txt</c>, Caffe's <c>synset_words.txt</c> or the devkit's meta.mat when
/// one is there. Nothing is decoded here: a folder is read in a few seconds even at 1.33 million files.
/// </summary>
public sealed partial class ImageNetFolder
{
    /// <summary>ILSVRC2012's number of classes.</summary>
    public const int PublishedClasses = 1000;
    /// <summary>ILSVRC2012's training images.</summary>
    public const int PublishedTrainImages = 1_281_167;
    /// <summary>ILSVRC2012's validation images.</summary>
    public const int PublishedValidationImages = 50_000;

    [GeneratedRegex(@"^n\d{8}$")]
    private static partial Regex WnidPattern();

    private ImageNetFolder(string root, string trainDirectory, string validationDirectory, IReadOnlyList<Synset> synsets,
        IReadOnlyList<LabeledFile> train, IReadOnlyList<LabeledFile> validation, ValidationLayout layout, string labelSource, string? wordsSource)
    {
        Root = root;
        TrainDirectory = trainDirectory;
        ValidationDirectory = validationDirectory;
        Synsets = synsets;
        Train = train;
        Validation = validation;
        Layout = layout;
        ValidationLabels = labelSource;
        WordsSource = wordsSource;
    }

    /// <summary>The folder given.</summary>
    public string Root { get; }
    /// <summary>The train/ folder used.</summary>
    public string TrainDirectory { get; }
    /// <summary>The val/ folder used.</summary>
    public string ValidationDirectory { get; }
    /// <summary>The classes, by index (wnids in ordinal order).</summary>
    public IReadOnlyList<Synset> Synsets { get; }
    /// <summary>The training images, ordered by class then file name.</summary>
    public IReadOnlyList<LabeledFile> Train { get; }
    /// <summary>The validation images (the paper's test set), ordered by file name.</summary>
    public IReadOnlyList<LabeledFile> Validation { get; }
    /// <summary>How the validation labels are given.</summary>
    public ValidationLayout Layout { get; }
    /// <summary>The file (or folder) the validation labels come from.</summary>
    public string ValidationLabels { get; }
    /// <summary>The synset list the words come from, or null (words empty).</summary>
    public string? WordsSource { get; }
    /// <summary>The number of classes.</summary>
    public int Classes => Synsets.Count;

    /// <summary>JPEG file names as ImageNet writes them (.JPEG) and as re-encoded copies often are (.jpg, .jpeg).</summary>
    public static bool IsJpeg(string path) =>
        Path.GetExtension(path) is { } e && (e.Equals(".jpeg", StringComparison.OrdinalIgnoreCase) || e.Equals(".jpg", StringComparison.OrdinalIgnoreCase));

    /// <summary>Reads the layout under <paramref name="root"/>; throws <see cref="ImageNetLayoutException"/> with one line for a partial or odd one.</summary>
    public static ImageNetFolder Open(string root)
    {
        root = Path.GetFullPath(root);
        if (!Directory.Exists(root)) throw new ImageNetLayoutException($"{root}: no such folder; give the ILSVRC2012 folder that holds train/ and val/.");
        var data = Directory.Exists(Path.Combine(root, "train")) ? root
            : Path.Combine(root, "ILSVRC", "Data", "CLS-LOC") is var kaggle && Directory.Exists(Path.Combine(kaggle, "train")) ? kaggle
            : throw new ImageNetLayoutException($"{root}: no train/ folder (nor Kaggle's ILSVRC/Data/CLS-LOC/train); give the ILSVRC2012 folder that holds train/<wnid>/*.JPEG and val/.");
        var trainDir = Path.Combine(data, "train");
        var valDir = Path.Combine(data, "val");
        if (!Directory.Exists(valDir)) throw new ImageNetLayoutException($"{data}: no val/ folder beside train/; the validation images (the paper's test set) go in val/, sorted into val/<wnid>/ or flat with LOC_val_solution.csv or the devkit's ground truth.");

        var classDirs = Visible(Directory.GetDirectories(trainDir)).Order(StringComparer.Ordinal).ToList();
        if (classDirs.Count == 0) throw new ImageNetLayoutException($"{trainDir}: no class folders; train/ holds one folder per class named by its WordNet id (train/n01440764/*.JPEG).");
        foreach (var dir in classDirs)
            if (!WnidPattern().IsMatch(Path.GetFileName(dir)))
                throw new ImageNetLayoutException($"{dir}: '{Path.GetFileName(dir)}' is not a WordNet id (n followed by 8 digits); train/ holds only class folders such as n01440764 (move the others out).");
        var wnids = classDirs.Select(Path.GetFileName).OfType<string>().ToList();
        var index = wnids.Select((w, i) => (w, i)).ToDictionary(p => p.w, p => p.i, StringComparer.Ordinal);
        var looseTrain = Visible(Directory.GetFiles(trainDir)).Where(IsJpeg).ToList();
        if (looseTrain.Count > 0) throw new ImageNetLayoutException($"{trainDir}: {looseTrain.Count} JPEG file(s) directly in train/ ({Path.GetFileName(looseTrain[0])}, …); training images go in their class folder, train/<wnid>/.");

        var train = new List<LabeledFile>();
        foreach (var (dir, label) in classDirs.Select((d, i) => (d, i)))
        {
            var files = Visible(Directory.GetFiles(dir)).Where(IsJpeg).Order(StringComparer.Ordinal).ToList();
            if (files.Count == 0) throw new ImageNetLayoutException($"{dir}: no JPEG files; a class folder holds that class's training images (*.JPEG). An interrupted extraction? Re-extract ILSVRC2012_img_train.tar.");
            train.AddRange(files.Select(f => new LabeledFile(f, label)));
        }

        var (validation, layout, labels) = ReadValidation(root, data, valDir, index);
        var (words, wordsSource) = ReadWords(root, data, wnids);
        return new ImageNetFolder(root, trainDir, valDir, wnids.Select(w => new Synset(w, words.GetValueOrDefault(w, ""))).ToList(), train, validation, layout, labels, wordsSource);
    }

    private static IEnumerable<string> Visible(IEnumerable<string> paths) => paths.Where(p => !Path.GetFileName(p).StartsWith('.'));

    private static (List<LabeledFile> Files, ValidationLayout Layout, string Labels) ReadValidation(string root, string data, string valDir, Dictionary<string, int> index)
    {
        var dirs = Visible(Directory.GetDirectories(valDir)).Order(StringComparer.Ordinal).ToList();
        var flat = Visible(Directory.GetFiles(valDir)).Where(IsJpeg).Order(StringComparer.Ordinal).ToList();
        if (dirs.Count > 0 && flat.Count > 0)
            throw new ImageNetLayoutException($"{valDir}: both class folders ({Path.GetFileName(dirs[0])}, …) and {flat.Count} JPEG file(s) directly in val/; keep one layout: sorted into val/<wnid>/, or flat with its labels file.");
        if (dirs.Count > 0)
        {
            var files = new List<LabeledFile>();
            foreach (var dir in dirs)
            {
                var wnid = Path.GetFileName(dir);
                if (!index.TryGetValue(wnid, out var label))
                    throw new ImageNetLayoutException($"{dir}: class '{wnid}' has no folder in train/; val/ and train/ must name the same classes.");
                files.AddRange(Visible(Directory.GetFiles(dir)).Where(IsJpeg).Order(StringComparer.Ordinal).Select(f => new LabeledFile(f, label)));
            }
            if (files.Count == 0) throw new ImageNetLayoutException($"{valDir}: its class folders hold no JPEG files.");
            return (files.OrderBy(f => Path.GetFileName(f.Path), StringComparer.Ordinal).ToList(), ValidationLayout.Sorted, valDir);
        }
        if (flat.Count == 0) throw new ImageNetLayoutException($"{valDir}: no validation images; put ILSVRC2012_img_val.tar's 50,000 JPEGs in val/ (flat with LOC_val_solution.csv or the devkit, or sorted into val/<wnid>/).");

        if (Find(root, data, "LOC_val_solution.csv") is { } csv) return (FromSolutionCsv(csv, flat, index), ValidationLayout.SolutionCsv, csv);
        if (Find(root, data, "ILSVRC2012_validation_ground_truth.txt", "ILSVRC2012_devkit_t12/data", "devkit/data", "data") is { } truth)
        {
            var meta = Path.Combine(Path.GetDirectoryName(truth)!, "meta.mat");
            if (!File.Exists(meta)) throw new ImageNetLayoutException($"{truth}: the devkit's ground truth gives ILSVRC2012_IDs, which need its meta.mat beside it ({meta}) to name the classes; extract the whole ILSVRC2012_devkit_t12.tar.gz.");
            return (FromDevkit(truth, DevkitMeta.Read(meta), flat, index), ValidationLayout.Devkit, truth);
        }
        throw new ImageNetLayoutException($"{valDir}: {flat.Count} validation JPEGs lie flat in val/ with no labels: put LOC_val_solution.csv (Kaggle) or the devkit (ILSVRC2012_devkit_t12/data/ILSVRC2012_validation_ground_truth.txt and meta.mat) in {root}, or sort val/ into val/<wnid>/.");
    }

    /// <summary>A labels file in the folder given, the data folder, or up to two folders above it (Kaggle keeps the CSVs at the top).</summary>
    private static string? Find(string root, string data, string name, params string[] under)
    {
        var places = new List<string> { root, data };
        for (var d = Directory.GetParent(data); d is not null && places.Count < 5; d = d.Parent) places.Add(d.FullName);
        foreach (var place in places.Distinct())
            foreach (var sub in under.Prepend(""))
                if (Path.Combine(place, sub, name) is var path && File.Exists(path)) return path;
        return null;
    }

    private static List<LabeledFile> FromSolutionCsv(string csv, List<string> flat, Dictionary<string, int> index)
    {
        var lines = File.ReadAllLines(csv);
        if (lines.Length == 0 || !lines[0].StartsWith("ImageId,PredictionString", StringComparison.Ordinal))
            throw new ImageNetLayoutException($"{csv}:1: expected the header 'ImageId,PredictionString' of Kaggle's LOC_val_solution.csv, found '{(lines.Length > 0 ? lines[0] : "")}'.");
        var labels = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 1; i < lines.Length; i++)
        {
            if (lines[i].Length == 0) continue;
            var comma = lines[i].IndexOf(',');
            var wnid = comma < 0 ? "" : lines[i][(comma + 1)..].Split(' ', 2)[0];
            if (comma <= 0 || !WnidPattern().IsMatch(wnid))
                throw new ImageNetLayoutException($"{csv}:{i + 1}: expected 'ImageId,nXXXXXXXX …', found '{lines[i]}'.");
            if (!index.TryGetValue(wnid, out var label))
                throw new ImageNetLayoutException($"{csv}:{i + 1}: class {wnid} has no folder in train/.");
            labels[lines[i][..comma]] = label;
        }
        return flat.Select(f => labels.TryGetValue(Path.GetFileNameWithoutExtension(f), out var l) ? new LabeledFile(f, l)
            : throw new ImageNetLayoutException($"{f}: no row for {Path.GetFileNameWithoutExtension(f)} in {csv}; is the CSV from the same release as val/?")).ToList();
    }

    private static List<LabeledFile> FromDevkit(string truth, IReadOnlyDictionary<int, string> idToWnid, List<string> flat, Dictionary<string, int> index)
    {
        var ids = File.ReadAllLines(truth).Where(l => l.Length > 0).Select((l, i) =>
            int.TryParse(l.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var id) && idToWnid.ContainsKey(id) ? id
                : throw new ImageNetLayoutException($"{truth}:{i + 1}: expected an ILSVRC2012_ID of meta.mat (1 to 1000), found '{l}'.")).ToList();
        if (ids.Count != flat.Count)
            throw new ImageNetLayoutException($"{truth}: {ids.Count:N0} labels for {flat.Count:N0} JPEGs in val/; the ground truth labels ILSVRC2012_val_00000001.JPEG … in order, so val/ must hold exactly those files.");
        return flat.Select((f, i) =>
        {
            var number = Path.GetFileNameWithoutExtension(f).Split('_')[^1];
            if (!int.TryParse(number, NumberStyles.None, CultureInfo.InvariantCulture, out var n) || n != i + 1)
                throw new ImageNetLayoutException($"{f}: expected ILSVRC2012_val_{i + 1:D8}.JPEG in this place; the devkit's ground truth labels the files by their number.");
            var wnid = idToWnid[ids[i]];
            return index.TryGetValue(wnid, out var label) ? new LabeledFile(f, label)
                : throw new ImageNetLayoutException($"{truth}:{i + 1}: class {wnid} (ILSVRC2012_ID {ids[i]}) has no folder in train/.");
        }).ToList();
    }

    private static (Dictionary<string, string> Words, string? Source) ReadWords(string root, string data, List<string> wnids)
    {
        foreach (var name in new[] { "LOC_synset_mapping.txt", "synset_words.txt" })
            if (Find(root, data, name) is { } path)
            {
                var words = new Dictionary<string, string>(StringComparer.Ordinal);
                foreach (var (line, i) in File.ReadLines(path).Select((l, i) => (l, i)))
                {
                    if (line.Length == 0) continue;
                    var parts = line.Split(' ', 2);
                    if (!WnidPattern().IsMatch(parts[0])) throw new ImageNetLayoutException($"{path}:{i + 1}: expected 'nXXXXXXXX words', found '{line}'.");
                    words[parts[0]] = parts.Length > 1 ? parts[1] : "";
                }
                return (words, path);
            }
        return (new Dictionary<string, string>(StringComparer.Ordinal), null);
    }
}
