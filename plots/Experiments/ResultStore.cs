using Rethink.Core;

namespace Rethink.Plots.Experiments;

/// <summary>
/// Result files under `&lt;out&gt;/data/&lt;experiment&gt;-&lt;config hash&gt;.json`: a result is reused
/// exactly when an experiment with the same config was run before, so a second run only re-renders.
/// </summary>
public sealed class ResultStore(string directory)
{
    public string Directory { get; } = directory;

    public string PathFor(string experiment, string hash) => Path.Combine(Directory, $"{experiment}-{hash}.json");

    public bool Exists(string experiment, string hash) => File.Exists(PathFor(experiment, hash));

    public ExperimentRecord<TConfig, TResult>? TryLoad<TConfig, TResult>(string experiment, TConfig config)
    {
        var path = PathFor(experiment, Json.Hash(config));
        if (!File.Exists(path)) return null;
        return Json.Deserialize<ExperimentRecord<TConfig, TResult>>(File.ReadAllText(path), path);
    }

    /// <summary>The seconds a stored result took (0 when unreadable).</summary>
    public double TryLoadSeconds(string experiment, string hash)
    {
        try
        {
            using var doc = System.Text.Json.JsonDocument.Parse(File.ReadAllText(PathFor(experiment, hash)));
            return doc.RootElement.GetProperty("run").GetProperty("seconds").GetDouble();
        }
        catch (Exception e) when (e is IOException or System.Text.Json.JsonException or KeyNotFoundException or InvalidOperationException)
        {
            return 0;
        }
    }

    public ExperimentRecord<TConfig, TResult> Save<TConfig, TResult>(string experiment, TConfig config, TResult result, double seconds)
    {
        var hash = Json.Hash(config);
        var record = new ExperimentRecord<TConfig, TResult>(experiment, hash, config, result,
            new RunInfo(DateTimeOffset.UtcNow, seconds, MachineInfo.Current, RethinkVersion.Version, RethinkVersion.Commit));
        AtomicFile.WriteAllText(PathFor(experiment, hash), Json.Serialize(record));
        return record;
    }
}
