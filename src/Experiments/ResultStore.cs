using Rethink.Core;

namespace Rethink.Experiments;

/// <summary>
/// Result files under `&lt;out&gt;/data/&lt;experiment&gt;-&lt;config hash&gt;.json`: a result is reused
/// exactly when an experiment with the same config was run before, so a second run only re-renders. Every
/// file carries the SHA-256 of its content (<see cref="SealedJson"/>), verified when it is read: a damaged or
/// edited result is reported with the file and the fix, never used. Temporary files of a write that was
/// killed before its rename are removed when the store is opened.
/// </summary>
public sealed class ResultStore
{
    /// <summary>What to do about a result file that fails its check.</summary>
    public const string Remedy = "delete it and rerun `rethink reproduce` to recompute it";

    private readonly Dictionary<string, (DateTime Written, string? Problem)> _verified = new(StringComparer.Ordinal);
    private readonly Dictionary<string, (DateTime Written, object Record)> _loaded = new(StringComparer.Ordinal);

    /// <summary>The store of <paramref name="directory"/> (temporary files of killed writes are removed).</summary>
    public ResultStore(string directory)
    {
        Directory = directory;
        AtomicFile.RemoveOrphans(directory);
    }

    /// <summary>The folder of the result files.</summary>
    public string Directory { get; }

    /// <summary>The file of a result: &lt;experiment&gt;-&lt;hash&gt;.json.</summary>
    public string PathFor(string experiment, string hash) => Path.Combine(Directory, $"{experiment}-{hash}.json");

    /// <summary>Whether a result file is there (whole or not: see <see cref="Problem"/>).</summary>
    public bool Exists(string experiment, string hash) => File.Exists(PathFor(experiment, hash));

    /// <summary>Null when the result file is whole and unchanged; else one line naming it, what is wrong and what to do.</summary>
    public string? Problem(string experiment, string hash)
    {
        var path = PathFor(experiment, hash);
        if (!File.Exists(path)) return null;
        var written = File.GetLastWriteTimeUtc(path);
        lock (_verified)
            if (_verified.TryGetValue(path, out var known) && known.Written == written) return known.Problem;
        string? problem = null;
        try
        {
            SealedJson.Verify(File.ReadAllText(path), path, Remedy);
        }
        catch (CorruptFileException e)
        {
            problem = e.Message;
        }
        lock (_verified) _verified[path] = (written, problem);
        return problem;
    }

    /// <summary>
    /// The stored result of a config, or null; throws <see cref="CorruptFileException"/> for a damaged file. A file is read
    /// and verified once: later calls for the same unchanged file return the same record.
    /// </summary>
    public ExperimentRecord<TConfig, TResult>? TryLoad<TConfig, TResult>(string experiment, Configured<TConfig> run) =>
        Read<TConfig, TResult>(PathFor(experiment, run.Hash));

    /// <summary>Every stored record of one kind (e.g. every deep run) that reads as (<typeparamref name="TConfig"/>, <typeparamref name="TResult"/>); damaged files are left out.</summary>
    public IEnumerable<ExperimentRecord<TConfig, TResult>> All<TConfig, TResult>(string kind)
    {
        if (!System.IO.Directory.Exists(Directory)) yield break;
        foreach (var path in System.IO.Directory.EnumerateFiles(Directory, $"{kind}-*.json").Where(f => !f.EndsWith(".failed.json", StringComparison.Ordinal)).Order(StringComparer.Ordinal))
        {
            ExperimentRecord<TConfig, TResult>? record;
            try { record = Read<TConfig, TResult>(path); }
            catch (IOException) { continue; } // damaged: reported where it is needed, never used
            if (record is not null) yield return record;
        }
    }

    private ExperimentRecord<TConfig, TResult>? Read<TConfig, TResult>(string path)
    {
        if (!File.Exists(path)) return null;
        var written = File.GetLastWriteTimeUtc(path);
        lock (_loaded)
            if (_loaded.TryGetValue(path, out var known) && known.Written == written && known.Record is ExperimentRecord<TConfig, TResult> cached) return cached;
        var record = SealedJson.Deserialize<ExperimentRecord<TConfig, TResult>>(File.ReadAllText(path), path, Remedy);
        lock (_loaded) _loaded[path] = (written, record);
        return record;
    }

    /// <summary>The seconds a stored result took (0 when missing or damaged).</summary>
    public double TryLoadSeconds(string experiment, string hash)
    {
        if (Problem(experiment, hash) is not null) return 0;
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

    /// <summary>Writes a whole record (sealed, atomically) under its <see cref="ExperimentRecord{TConfig, TResult}.ConfigHash"/>, which must be its config's hash; returns the file.</summary>
    public string Write<TConfig, TResult>(ExperimentRecord<TConfig, TResult> record)
    {
        ArgumentNullException.ThrowIfNull(record);
        if (record.ConfigHash != Json.Hash(record.Config)) throw new ArgumentException($"The record's hash {record.ConfigHash} is not its config's ({Json.Hash(record.Config)}).", nameof(record));
        var path = PathFor(record.Experiment, record.ConfigHash);
        AtomicFile.WriteAllText(path, SealedJson.Serialize(record));
        return path;
    }

    /// <summary>Writes a result (sealed, atomically) under its config's hash.</summary>
    public ExperimentRecord<TConfig, TResult> Save<TConfig, TResult>(string experiment, Configured<TConfig> run, TResult result, double seconds)
    {
        var record = new ExperimentRecord<TConfig, TResult>(experiment, run.Hash, run.Config, result,
            new RunInfo(DateTimeOffset.UtcNow, seconds, MachineInfo.Current, RethinkVersion.Version, RethinkVersion.Commit));
        AtomicFile.WriteAllText(PathFor(experiment, run.Hash), SealedJson.Serialize(record));
        return record;
    }
}
