using System.Text.Json;
using Rethink.Core;

namespace Rethink.Experiments;

/// <summary>
/// An exclusive claim on one run, so that two processes sharing a results folder (shards, several jobs, two
/// users) never compute the same run: an operating-system lock on <c>data/.locks/&lt;run&gt;.lock</c>
/// (flock, released by the kernel when the process ends however it ends — a killed shard's run is free
/// again at once), and an owner file saying who holds it, for `rethink status`.
/// </summary>
public sealed class RunClaim : IDisposable
{
    private readonly FileStream _lock;
    private readonly string _owner;

    private RunClaim(FileStream stream, string owner)
    {
        _lock = stream;
        _owner = owner;
    }

    /// <summary>The folder of the claims' lock files.</summary>
    public static string LockDirectory(ResultStore store) => Path.Combine(store.Directory, ".locks");

    /// <summary>The claim, or null when another live process holds the run.</summary>
    public static RunClaim? TryTake(ResultStore store, string kind, string hash, string description)
    {
        var directory = LockDirectory(store);
        Directory.CreateDirectory(directory);
        var path = Path.Combine(directory, $"{kind}-{hash}.lock");
        FileStream stream;
        try
        {
            // FileShare.None is an exclusive flock on Linux: a second process fails to open it.
            stream = new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
        }
        catch (IOException)
        {
            return null;
        }
        var owner = Path.Combine(directory, $"{kind}-{hash}.owner");
        AtomicFile.WriteAllText(owner, JsonSerializer.Serialize(new RunOwner(Environment.MachineName, Environment.ProcessId, DateTimeOffset.UtcNow, description)));
        return new RunClaim(stream, owner);
    }

    /// <summary>Whether another process holds the run now (the lock cannot be taken), and who, when it said so.</summary>
    public static (bool Held, RunOwner? Owner) Probe(ResultStore store, string kind, string hash)
    {
        var path = Path.Combine(LockDirectory(store), $"{kind}-{hash}.lock");
        if (!File.Exists(path)) return (false, null);
        try
        {
            using var stream = new FileStream(path, FileMode.Open, FileAccess.ReadWrite, FileShare.None);
            return (false, null);
        }
        catch (IOException)
        {
            var owner = Path.Combine(LockDirectory(store), $"{kind}-{hash}.owner");
            try { return (true, JsonSerializer.Deserialize<RunOwner>(File.ReadAllText(owner))); }
            catch (Exception e) when (e is IOException or JsonException) { return (true, null); }
        }
    }

    /// <summary>Releases the claim.</summary>
    public void Dispose()
    {
        try { File.Delete(_owner); }
        catch (IOException) { }
        _lock.Dispose();
    }
}

/// <summary>Who computes a run: host, process and since when.</summary>
public sealed record RunOwner(string Host, int Process, DateTimeOffset Since, string Description);
