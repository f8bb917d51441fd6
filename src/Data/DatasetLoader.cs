namespace Rethink.Data;

/// <summary>
/// Loads a dataset by name ("mnist", "fashion-mnist", "cifar10") or by path (a folder of IDX files, a
/// folder of CIFAR-10 batches, or cifar-10-binary.tar.gz), downloading a missing known dataset when
/// allowed. Either a complete, validated dataset comes back or a typed exception.
/// </summary>
public static class DatasetLoader
{
    /// <summary>Loads <paramref name="dataset"/> (found, or downloaded where allowed, as <see cref="Locate"/> finds it) and validates it.</summary>
    public static LabeledDataset Load(DatasetId dataset, DataOptions? options = null) => Load(Locate(dataset.Name, options));

    /// <summary>Finds (or downloads) a dataset without reading it.</summary>
    public static DatasetLocation Locate(string nameOrPath, DataOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(nameOrPath);
        options ??= DataOptions.Default;
        if (KnownDataset.Find(nameOrPath) is { } known)
        {
            if (DataLocator.Find(known, options.Directory) is { } found) return found;
            if (!options.AllowDownload)
            {
                var missing = new MissingDataset(known, options.Directory, null);
                throw new DatasetNotFoundException(missing.Message()) { Missing = missing };
            }
            try
            {
                return Download(known, options);
            }
            catch (DatasetNotFoundException e)
            {
                var missing = new MissingDataset(known, options.Directory, e.Message);
                throw new DatasetNotFoundException(missing.Message(), e) { Missing = missing };
            }
        }
        var path = Path.GetFullPath(nameOrPath);
        if (DataLocator.Detect(path) is { } layout)
            return new DatasetLocation(Path.GetFileName(path.TrimEnd('/')), path, layout, "path", null);
        if (!File.Exists(path) && !Directory.Exists(path))
            throw new DatasetNotFoundException($"'{nameOrPath}' is neither a known dataset (mnist, fashion-mnist, cifar10) nor an existing path.");
        throw new DatasetNotFoundException(
            $"{path}: no dataset recognized; expected a folder with {string.Join(", ", DataLocator.IdxBaseNames)} (each optionally .gz), " +
            $"a folder with {string.Join(", ", Cifar10File.TrainBatches)} and {Cifar10File.TestBatch}, or {KnownDataset.Cifar10Archive.Name}.");
    }

    /// <summary>Reads the dataset at <paramref name="location"/> and validates it.</summary>
    public static LabeledDataset Load(DatasetLocation location) => location.Layout switch
    {
        DatasetLayout.IdxFolder => ReadIdxFolder(location.Name, location.Path, location.Known?.ClassNames),
        DatasetLayout.CifarFolder => Cifar10File.ReadFolder(location.Path),
        DatasetLayout.CifarArchive => Cifar10File.ReadArchive(location.Path),
        _ => throw new ArgumentOutOfRangeException(nameof(location), location.Layout, "Unknown layout."),
    };

    /// <summary>
    /// Reads train/test images and labels from a folder of IDX files. With no class names given, the
    /// classes are 0..max label.
    /// </summary>
    public static LabeledDataset ReadIdxFolder(string name, string directory, IReadOnlyList<string>? classNames = null)
    {
        var files = DataLocator.IdxBaseNames.Select(b => DataLocator.IdxFile(directory, b)
            ?? throw new DatasetNotFoundException($"{directory}: no {b} or {b}.gz.")).ToArray();
        var classes = classNames?.Count ?? 256;
        // The four files are independent: read them in parallel (gzip inflation is single-threaded per stream).
        var trainImages = Task.Run(() => IdxFile.ReadImages(files[0]));
        var trainLabels = Task.Run(() => IdxFile.ReadLabels(files[1], classes));
        var testImages = Task.Run(() => IdxFile.ReadImages(files[2]));
        var testLabels = Task.Run(() => IdxFile.ReadLabels(files[3], classes));
        try
        {
            Task.WaitAll(trainImages, trainLabels, testImages, testLabels);
        }
        catch (AggregateException e) when (e.InnerExceptions.Count > 0)
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(e.InnerExceptions[0]).Throw();
        }
        var (trainPixels, trainCount, height, width) = trainImages.Result;
        var (testPixels, testCount, testHeight, testWidth) = testImages.Result;
        if (trainCount != trainLabels.Result.Length)
            throw new DatasetFormatException(files[1], "label count", $"{trainCount} labels, one per image in {Path.GetFileName(files[0])}", trainLabels.Result.Length.ToString());
        if (testCount != testLabels.Result.Length)
            throw new DatasetFormatException(files[3], "label count", $"{testCount} labels, one per image in {Path.GetFileName(files[2])}", testLabels.Result.Length.ToString());
        if (testHeight != height || testWidth != width)
            throw new DatasetFormatException(files[2], "image size", $"{height}x{width} like the training images", $"{testHeight}x{testWidth}");
        var names = classNames ?? Enumerable.Range(0, Math.Max(MaxLabel(trainLabels.Result), MaxLabel(testLabels.Result)) + 1)
            .Select(i => i.ToString()).ToArray();
        return new LabeledDataset(name,
            new ImageSet(trainPixels, trainLabels.Result, 1, height, width, names),
            new ImageSet(testPixels, testLabels.Result, 1, height, width, names),
            directory);
    }

    private static int MaxLabel(byte[] labels) => labels.Length == 0 ? 0 : labels.Max();

    private static DatasetLocation Download(KnownDataset known, DataOptions options)
    {
        var http = options.Http ?? DefaultClient.Value;
        var downloader = new DatasetDownloader(http, options.Progress);
        if (known == KnownDataset.Cifar10)
        {
            var archive = downloader.Download(KnownDataset.Cifar10Archive, DataLocator.CacheDirectory);
            return new DatasetLocation(known.Name, archive, DatasetLayout.CifarArchive, "downloaded to user cache", known);
        }
        var directory = Path.Combine(DataLocator.CacheDirectory, known.DirectoryName);
        foreach (var file in known.Files) downloader.Download(file, directory);
        return new DatasetLocation(known.Name, directory, DatasetLayout.IdxFolder, "downloaded to user cache", known);
    }

    private static readonly Lazy<HttpClient> DefaultClient = new(() =>
        new HttpClient(new SocketsHttpHandler { ConnectTimeout = TimeSpan.FromSeconds(10) }) { Timeout = TimeSpan.FromHours(1) });
}
