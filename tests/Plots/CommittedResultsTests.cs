using System.Text.Json;
using Rethink.Deep;
using Xunit;

namespace Rethink.Plots.Tests;

/// <summary>
/// The committed full-size results (full-size/data: CPU-hours and GPU time) stay addressable: the config
/// inside each file, read by the current code and hashed as the cache hashes it, gives the file's name.
/// A new config field that is not left out of the JSON when unset would change every hash and orphan
/// them all (the render would show Table 1 as "not run").
/// </summary>
public sealed class CommittedResultsTests
{
    private static string Root()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Rethink.sln"))) return dir.FullName;
        throw new InvalidOperationException("the repository root (Rethink.sln) is not above the test assembly");
    }

    [Fact]
    public void Every_committed_full_size_result_hashes_to_its_name_under_the_current_config_type()
    {
        var files = Directory.GetFiles(Path.Combine(Root(), "full-size", "data"), "deep-run-*.json");
        Assert.True(files.Length >= 10, $"{files.Length} committed deep-run results");
        foreach (var file in files)
        {
            using var doc = JsonDocument.Parse(File.ReadAllText(file));
            var config = Json.Deserialize<TrainingConfig>(doc.RootElement.GetProperty("result").GetProperty("config").GetRawText(), file);
            var name = Path.GetFileNameWithoutExtension(file)["deep-run-".Length..];
            Assert.True(Json.Hash(config) == name, $"{Path.GetFileName(file)}: its config now hashes to {Json.Hash(config)}");
            Assert.Equal(name, doc.RootElement.GetProperty("configHash").GetString());
        }
    }
}
