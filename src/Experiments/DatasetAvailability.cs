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
                return $"{known.DisplayName} not found: give a data folder holding {known.DirectoryName}/ (or set {DataLocator.EnvironmentVariable} to one), or allow downloading it.";
        return null;
    }
}
