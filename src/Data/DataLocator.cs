namespace Rethink.Data;

/// <summary>
/// Finds datasets, in order: an explicit directory (given by the caller), <c>$RETHINK_DATA</c>, the per-user
/// cache (<c>$XDG_CACHE_HOME/rethink</c>, else <c>~/.cache/rethink</c>), and for Fashion-MNIST Debian's
/// <c>/usr/share/datasets/fashion-mnist</c> (package dataset-fashion-mnist). Under a root, a dataset
/// lives in its own folder (<c>mnist/</c>, <c>fashion-mnist/</c>, <c>cifar-10-batches-bin/</c> or
/// <c>cifar-10-binary.tar.gz</c>); a root may also be the dataset folder itself.
/// </summary>
public static class DataLocator
{
    /// <summary>The environment variable naming a data root, searched after an explicit one.</summary>
    public const string EnvironmentVariable = "RETHINK_DATA";
    /// <summary>Where Debian's dataset-fashion-mnist package puts Fashion-MNIST.</summary>
    public const string DebianFashionMnist = "/usr/share/datasets/fashion-mnist";

    /// <summary>The four IDX files of an MNIST-like dataset, without their .gz.</summary>
    public static readonly IReadOnlyList<string> IdxBaseNames =
        ["train-images-idx3-ubyte", "train-labels-idx1-ubyte", "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte"];

    /// <summary>The user cache ($XDG_CACHE_HOME/rethink, else ~/.cache/rethink): where downloads go.</summary>
    public static string CacheDirectory
    {
        get
        {
            var xdg = Environment.GetEnvironmentVariable("XDG_CACHE_HOME");
            var root = !string.IsNullOrEmpty(xdg) ? xdg : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache");
            return Path.Combine(root, "rethink");
        }
    }

    /// <summary>The roots searched, in order, with the rule that put each there.</summary>
    public static IReadOnlyList<(string Root, string Via)> Roots(string? explicitDirectory)
    {
        var roots = new List<(string, string)>();
        if (!string.IsNullOrEmpty(explicitDirectory)) roots.Add((Path.GetFullPath(explicitDirectory), "the data folder given"));
        var env = Environment.GetEnvironmentVariable(EnvironmentVariable);
        if (!string.IsNullOrEmpty(env)) roots.Add((Path.GetFullPath(env), "$" + EnvironmentVariable));
        roots.Add((CacheDirectory, "user cache"));
        return roots;
    }

    /// <summary>Finds a known dataset, or returns null.</summary>
    public static DatasetLocation? Find(KnownDataset dataset, string? explicitDirectory)
    {
        var candidates = new List<(string Dir, string Via)>();
        foreach (var (root, via) in Roots(explicitDirectory))
        {
            candidates.Add((Path.Combine(root, dataset.DirectoryName), via));
            if (dataset == KnownDataset.Cifar10)
            {
                var archive = Path.Combine(root, KnownDataset.Cifar10Archive.Name);
                if (File.Exists(archive)) return new DatasetLocation(dataset.Name, archive, DatasetLayout.CifarArchive, via, dataset);
            }
            candidates.Add((root, via));
        }
        if (dataset == KnownDataset.FashionMnist) candidates.Add((DebianFashionMnist, "Debian package dataset-fashion-mnist"));
        foreach (var (dir, via) in candidates)
        {
            if (Detect(dir) is { } layout && layout == ExpectedLayout(dataset))
                return new DatasetLocation(dataset.Name, dir, layout, via, dataset);
        }
        return null;
    }

    /// <summary>What a path holds: an IDX folder, a CIFAR folder, a CIFAR archive, or nothing recognizable.</summary>
    public static DatasetLayout? Detect(string path)
    {
        if (File.Exists(path) && path.EndsWith(".tar.gz", StringComparison.OrdinalIgnoreCase)) return DatasetLayout.CifarArchive;
        if (!Directory.Exists(path)) return null;
        if (IdxBaseNames.All(b => IdxFile(path, b) is not null)) return DatasetLayout.IdxFolder;
        if (Cifar10File.TrainBatches.Append(Cifar10File.TestBatch).All(b => File.Exists(Path.Combine(path, b)))) return DatasetLayout.CifarFolder;
        return null;
    }

    /// <summary>The IDX file for a base name in a folder, gzip preferred, or null.</summary>
    public static string? IdxFile(string directory, string baseName)
    {
        foreach (var name in new[] { baseName + ".gz", baseName })
        {
            var path = Path.Combine(directory, name);
            if (File.Exists(path)) return path;
        }
        return null;
    }

    private static DatasetLayout ExpectedLayout(KnownDataset dataset) =>
        dataset == KnownDataset.Cifar10 ? DatasetLayout.CifarFolder : DatasetLayout.IdxFolder;

    /// <summary>One message naming the files needed and where to put them.</summary>
    /// <param name="dataset">The dataset not found.</param>
    /// <param name="explicitDirectory">The explicit data root searched first, if one was given.</param>
    /// <param name="downloadFailure">Why a download failed, or null when none was tried.</param>
    /// <param name="explicitName">How the caller's user names the explicit data root (a console names its option);
    /// null for the neutral "the data folder given".</param>
    public static string MissingMessage(KnownDataset dataset, string? explicitDirectory, string? downloadFailure, string? explicitName = null)
    {
        var roots = Roots(explicitDirectory)
            .Select((r, i) => $"{r.Root} ({(i == 0 && explicitName is not null && !string.IsNullOrEmpty(explicitDirectory) ? explicitName : r.Via)})").ToList();
        if (dataset == KnownDataset.FashionMnist) roots.Add($"{DebianFashionMnist} (apt-get install dataset-fashion-mnist)");
        var files = dataset == KnownDataset.Cifar10
            ? $"{string.Join(", ", dataset.Files.Select(f => f.Name))} in {dataset.DirectoryName}/, or {KnownDataset.Cifar10Archive.Name}"
            : $"{string.Join(", ", dataset.Files.Select(f => f.Name))} in {dataset.DirectoryName}/";
        var download = downloadFailure is null ? "" : $" Download failed: {downloadFailure}.";
        var give = explicitName is null ? "give a data folder" : $"give {explicitName} a folder";
        return $"{dataset.DisplayName} not found; searched {string.Join("; ", roots)}.{download} " +
               $"Put {files} under one of these directories (or {give}, or set {EnvironmentVariable}).";
    }
}
