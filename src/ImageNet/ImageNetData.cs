namespace Rethink.ImageNet;

/// <summary>Where an ImageNet folder is: the folder given, or imagenet/ (or ILSVRC2012/) in it or in $RETHINK_DATA.</summary>
public static class ImageNetData
{
    /// <summary>Folder names under a data root that hold ImageNet.</summary>
    public static IReadOnlyList<string> Names { get; } = ["imagenet", "ILSVRC2012", "ILSVRC"];

    /// <summary>
    /// The folder to open: <paramref name="data"/> itself when it holds train/ (or Kaggle's ILSVRC/Data/CLS-LOC),
    /// else one of <see cref="Names"/> under it, else under $RETHINK_DATA. Returns a function that opens it, so
    /// the caller times the reading; a folder that is nowhere is an <see cref="ImageNetLayoutException"/> saying where to put it.
    /// </summary>
    public static Func<ImageNetFolder> Locate(string? data)
    {
        var roots = new List<string>();
        if (data is not null) roots.Add(Path.GetFullPath(data));
        if (Environment.GetEnvironmentVariable("RETHINK_DATA") is { Length: > 0 } env) roots.Add(Path.GetFullPath(env));
        foreach (var root in roots)
            foreach (var candidate in Names.Select(n => Path.Combine(root, n)).Prepend(root))
                if (Directory.Exists(Path.Combine(candidate, "train")) || Directory.Exists(Path.Combine(candidate, "ILSVRC", "Data", "CLS-LOC", "train")))
                    return () => ImageNetFolder.Open(candidate);
        // Given a folder that is not ImageNet: say what it lacks.
        if (data is not null) return () => ImageNetFolder.Open(data);
        throw new ImageNetLayoutException($"ImageNet is not here: ImageNet cannot be downloaded for you (its licence asks each user to register at image-net.org); put ILSVRC2012 (train/<wnid>/*.JPEG and val/) in {(roots.Count > 0 ? Path.Combine(roots[0], "imagenet") : "a folder")} and give that folder as the data folder (or set RETHINK_DATA to the folder above it).");
    }
}
