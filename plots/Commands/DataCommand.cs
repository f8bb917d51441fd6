using System.CommandLine;
using System.Diagnostics;
using Rethink.Data;
using Rethink.ImageNet;
using Rethink.Plots.Cli;
using Spectre.Console;

namespace Rethink.Plots.Commands;

/// <summary>`rethink data info`: where a dataset was found, its sizes, label histograms and checksum status.</summary>
public static class DataCommand
{
    public static Command Create()
    {
        var command = new Command("data", "Datasets: find, download, inspect.");
        var dataset = new Option<string>("--dataset") { Description = "mnist, fashion-mnist, cifar10, imagenet (--data: the ILSVRC2012 folder, or a folder holding imagenet/), or a path (IDX folder, CIFAR-10 batch folder, cifar-10-binary.tar.gz).", Required = true };
        var data = CommonOptions.Data();
        var offline = new Option<bool>("--no-download") { Description = "Do not download a missing dataset." };
        var info = new Command("info", "Print a dataset's location, sizes, label histograms and checksum status.") { dataset, data, offline };
        info.SetAction(parse =>
        {
            if (string.Equals(parse.GetValue(dataset), "imagenet", StringComparison.OrdinalIgnoreCase))
            {
                PrintImageNet(ImageNetData.Locate(parse.GetValue(data)));
                return 0;
            }
            var options = new DataOptions(parse.GetValue(data), !parse.GetValue(offline), ConsoleDownloadProgress.Instance);
            var location = DatasetLoader.Locate(parse.GetValue(dataset)!, options);
            var watch = Stopwatch.StartNew();
            var loaded = DatasetLoader.Load(location);
            var seconds = watch.Elapsed.TotalSeconds;
            Print(location, loaded, seconds);
            return 0;
        });
        command.Subcommands.Add(info);
        command.Subcommands.Add(Augment());
        return command;
    }

    /// <summary>`rethink data augment`: a single-channel dataset's training set enlarged by translated copies, as an IDX folder (for kernel solves at n beyond 60,000).</summary>
    private static Command Augment()
    {
        var dataset = new Option<string>("--dataset") { Description = "A single-channel dataset: mnist, fashion-mnist, or an IDX folder.", DefaultValueFactory = _ => "mnist" };
        var train = new Option<int>("--train") { Description = "Training images wanted: the originals, then translated copies of randomly drawn ones.", Required = true };
        var shift = new Option<int>("--shift") { Description = "The largest translation in pixels, each direction (zeros fill the border).", DefaultValueFactory = _ => 2 };
        var seed = new Option<int>("--seed") { Description = "Which images are copied and how they are shifted.", DefaultValueFactory = _ => 0 };
        var data = CommonOptions.Data();
        var output = new Option<string>("--out") { Description = "The IDX folder to write (then: rethink kernels fit --dataset DIR ...).", Required = true }.OutputDirectory();
        var command = new Command("augment", "Write a dataset whose training set is enlarged by translated copies (test set unchanged) as an IDX folder, e.g. MNIST at n = 100,000 for an exact solve beyond 60,000.")
        {
            dataset, train, shift, seed, data, output,
        };
        command.SetAction(parse =>
        {
            var source = DatasetLoader.Load(new DatasetId(parse.GetValue(dataset)!), new DataOptions(parse.GetValue(data), Progress: ConsoleDownloadProgress.Instance));
            Augmentation.RequireSingleChannel(source);
            var watch = Stopwatch.StartNew();
            var augmented = Augmentation.Translated(source, parse.GetValue(train), parse.GetValue(shift), parse.GetValue(seed));
            var directory = Path.GetFullPath(parse.GetValue(output)!);
            Augmentation.WriteIdxFolder(augmented, directory);
            Console.WriteLine($"{augmented.Name}: {ReportText.N0(augmented.Train.Count)} training and {ReportText.N0(augmented.Test.Count)} test images written to {directory} in {ReportText.Seconds(watch.Elapsed.TotalSeconds)}");
            Console.WriteLine($"  fit them: rethink kernels fit --dataset {directory} --gamma 0.02 --precision fp64 --device cuda   (rethink kernels capacity --device cuda: the largest n the GPU holds)");
            return 0;
        });
        return command;
    }

    private static void PrintImageNet(Func<ImageNetFolder> open)
    {
        var watch = Stopwatch.StartNew();
        var folder = open();
        var seconds = watch.Elapsed.TotalSeconds;
        Console.WriteLine($"ImageNet (ILSVRC2012 layout): {folder.Root}, read in {ReportText.Seconds(seconds)} (file names only; nothing decoded)");
        Console.WriteLine($"  train {ReportText.N0(folder.Train.Count)} images in {folder.TrainDirectory}; val {ReportText.N0(folder.Validation.Count)} images in {folder.ValidationDirectory}, labelled by {folder.Layout switch
        {
            ValidationLayout.Sorted => "their class folders (val/<wnid>/)",
            ValidationLayout.SolutionCsv => folder.ValidationLabels + " (Kaggle)",
            _ => folder.ValidationLabels + " with meta.mat (devkit)",
        }}");
        Console.WriteLine($"  {folder.Classes} classes; words from {folder.WordsSource ?? "no synset list (LOC_synset_mapping.txt or synset_words.txt)"}");
        var full = folder.Classes == ImageNetFolder.PublishedClasses && folder.Train.Count == ImageNetFolder.PublishedTrainImages && folder.Validation.Count == ImageNetFolder.PublishedValidationImages;
        Console.WriteLine(full ? "  the full ILSVRC2012: 1,000 classes, 1,281,167 training and 50,000 validation images"
            : $"  not the full ILSVRC2012 (1,000 classes, {ImageNetFolder.PublishedTrainImages:N0} training and {ImageNetFolder.PublishedValidationImages:N0} validation images): a subset or another release");
        var trainCounts = new int[folder.Classes];
        var valCounts = new int[folder.Classes];
        foreach (var f in folder.Train) trainCounts[f.Label]++;
        foreach (var f in folder.Validation) valCounts[f.Label]++;
        var sorted = trainCounts.Order().ToArray();
        Console.WriteLine($"  training images per class: min {sorted[0]}, median {sorted[sorted.Length / 2]}, max {sorted[^1]}; validation per class: min {valCounts.Min()}, max {valCounts.Max()}");
        var table = new Table().AddColumns("class", "wnid", "words", "train", "val");
        var shown = Math.Min(folder.Classes, 10);
        for (var c = 0; c < shown; c++)
            table.AddRow(c.ToString(), folder.Synsets[c].Wnid, Markup.Escape(folder.Synsets[c].Words), trainCounts[c].ToString(), valCounts[c].ToString());
        if (shown < folder.Classes) table.AddRow("…", $"{folder.Classes - shown} more", "", "", "");
        AnsiConsole.Write(table);
        var (width, height) = Jpeg.Size(folder.Train[0].Path);
        Console.WriteLine($"  first training image: {Path.GetFileName(folder.Train[0].Path)}, {width}x{height} (read by its header)");
    }

    private static void Print(DatasetLocation location, LabeledDataset data, double seconds)
    {
        var train = data.Train;
        Console.WriteLine($"{location.Known?.DisplayName ?? location.Name}: {location.Path} (found via {location.FoundVia}, layout {location.Layout}), read in {ReportText.Seconds(seconds)}");
        Console.WriteLine($"  train {ReportText.N0(train.Count)} images, test {ReportText.N0(data.Test.Count)} images, {train.Channels}x{train.Height}x{train.Width} bytes each, {train.Classes} classes");
        var table = new Table().AddColumns("class", "name", "train", "test");
        var trainCounts = train.LabelHistogram();
        var testCounts = data.Test.LabelHistogram();
        for (var c = 0; c < train.Classes; c++)
            table.AddRow(c.ToString(), Markup.Escape(train.ClassNames[c]), trainCounts[c].ToString(), testCounts[c].ToString());
        table.AddRow("", "total", train.Count.ToString(), data.Test.Count.ToString());
        AnsiConsole.Write(table);
        Console.WriteLine($"  train label counts: {string.Join(' ', trainCounts)}");
        if (location.Known is { } known)
        {
            var match = known.TrainLabelCounts.SequenceEqual(trainCounts);
            Console.WriteLine($"  published train label counts: {(match ? "match" : "DIFFER: " + string.Join(' ', known.TrainLabelCounts))}");
            foreach (var line in ChecksumLines(location, known)) Console.WriteLine("  " + line);
        }
        else
        {
            Console.WriteLine("  checksums: not a known distribution (read and validated: headers, sizes, label ranges)");
        }
    }

    private static IEnumerable<string> ChecksumLines(DatasetLocation location, KnownDataset known)
    {
        if (location.Layout == DatasetLayout.CifarArchive)
        {
            yield return Status(location.Path, KnownDataset.Cifar10Archive, location);
            yield break;
        }
        foreach (var file in known.Files)
        {
            var path = Path.Combine(location.Path, file.Name);
            if (!File.Exists(path))
            {
                var raw = Path.Combine(location.Path, Path.GetFileNameWithoutExtension(file.Name));
                yield return File.Exists(raw)
                    ? $"{file.Name}: stored uncompressed as {Path.GetFileName(raw)}; no published checksum for it (content read and validated)"
                    : $"{file.Name}: missing";
                continue;
            }
            yield return Status(path, file, location);
        }
    }

    private static string Status(string path, KnownFile file, DatasetLocation location)
    {
        var problem = DatasetDownloader.Verify(path, file);
        if (problem is null) return $"{file.Name}: ok ({file.Bytes} bytes, MD5 {file.Md5})";
        if (location.Path.StartsWith(DataLocator.DebianFashionMnist, StringComparison.Ordinal))
            return $"{file.Name}: {problem}, not the official {file.Bytes}-byte file: Debian re-compressed it (gzip header without the file name); content read and validated";
        return $"{file.Name}: MISMATCH, {problem} instead of {file.Bytes} bytes with MD5 {file.Md5}";
    }
}

/// <summary>Download progress on the console: one line per file, updated in place.</summary>
internal sealed class ConsoleDownloadProgress : IProgress<DownloadProgress>
{
    public static ConsoleDownloadProgress Instance { get; } = new();
    private string? _file;
    private long _lastPrinted;

    public void Report(DownloadProgress value)
    {
        if (value.File != _file) { _file = value.File; _lastPrinted = 0; Console.Error.WriteLine(); }
        if (value.Bytes - _lastPrinted < (1 << 20) && value.Bytes != value.Total) return;
        _lastPrinted = value.Bytes;
        var percent = value.Total is > 0 ? $" {100.0 * value.Bytes / value.Total.Value,5:F1}%" : "";
        Console.Error.Write($"\r  downloading {value.File}: {value.Bytes / 1048576.0:F1} MiB{percent}   ");
    }
}
