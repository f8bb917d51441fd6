using Rethink.Data;
using Xunit;

namespace Rethink.Integration;

/// <summary>
/// A fact that needs a real dataset: skipped, with the reason, when the dataset is not on this
/// machine (searched as the console would, without downloading).
/// </summary>
public sealed class DatasetFactAttribute : FactAttribute
{
    public DatasetFactAttribute(string dataset)
    {
        var known = KnownDataset.Find(dataset) ?? throw new ArgumentException($"Unknown dataset {dataset}.", nameof(dataset));
        if (DataLocator.Find(known, null) is null)
            Skip = $"{known.DisplayName} is not available: set {DataLocator.EnvironmentVariable} to a folder holding {known.DirectoryName}/ (CI uses ../shared/data).";
    }
}
