using Rethink.Data;

namespace Rethink.Experiments;

/// <summary>Why a group of runs cannot start for want of data, in one line, or null when every dataset is found.</summary>
public static class DatasetAvailability
{
    /// <summary>The first of <paramref name="datasets"/> not found under <paramref name="dataDirectory"/> (or the usual places), in one line with the fix; null when all are there.</summary>
    public static string? Missing(IEnumerable<DatasetId> datasets, string? dataDirectory)
    {
        foreach (var dataset in datasets.Distinct())
            if (dataset.Known is { } known && DataLocator.Find(known, dataDirectory) is null)
                return $"{known.DisplayName} not found: pass --data DIR or set RETHINK_DATA to a folder with {known.DirectoryName}/, or download it with `rethink data info --dataset {known.Name}`.";
        return null;
    }
}
