namespace Rethink.Data;

/// <summary>How a dataset is laid out on disk.</summary>
public enum DatasetLayout
{
    /// <summary>train-images-idx3-ubyte[.gz], train-labels-idx1-ubyte[.gz], t10k-… in one folder.</summary>
    IdxFolder,
    /// <summary>data_batch_1..5.bin and test_batch.bin in one folder.</summary>
    CifarFolder,
    /// <summary>The official cifar-10-binary.tar.gz.</summary>
    CifarArchive,
}

/// <summary>Where a dataset was found, and through which rule (explicit path, RETHINK_DATA, cache, Debian).</summary>
public sealed record DatasetLocation(string Name, string Path, DatasetLayout Layout, string FoundVia, KnownDataset? Known);
