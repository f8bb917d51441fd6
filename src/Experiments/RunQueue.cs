using System.Diagnostics;
using System.Text.Json;
using Rethink.Core;

namespace Rethink.Experiments;

/// <summary>What a <see cref="RunQueue"/> did.</summary>
/// <param name="Computed">Runs this process computed.</param>
/// <param name="Failures">Runs that failed here, with their error (recorded in <c>&lt;run&gt;.failed.json</c>).</param>
/// <param name="HeldElsewhere">Runs of this shard another process was computing.</param>
/// <param name="OtherShards">Pending runs that belong to other shards.</param>
public sealed record QueueOutcome(int Computed, IReadOnlyList<(RunUnit Unit, string Error)> Failures, int HeldElsewhere, int OtherShards);

/// <summary>How a queue reports: a line per finished run in logs, a live bar on a terminal.</summary>
public interface IRunReporter
{
    /// <summary>The queue is about to compute <paramref name="runs"/>, in about <paramref name="estimate"/>.</summary>
    void Starting(IReadOnlyList<RunUnit> runs, TimeSpan estimate);
    /// <summary>Run <paramref name="index"/> of <paramref name="total"/> starts; progress in [0, 1] goes to the returned sink.</summary>
    IProgress<double> Running(RunUnit run, int index, int total);
    /// <summary>Run <paramref name="index"/> finished after <paramref name="seconds"/>; about <paramref name="remaining"/> is left.</summary>
    void Finished(RunUnit run, int index, int total, double seconds, TimeSpan remaining);
    /// <summary>Another process holds the run (<paramref name="owner"/>, when known).</summary>
    void Held(RunUnit run, RunOwner? owner);
    /// <summary>The run failed (recorded beside the results; the queue goes on).</summary>
    void Failed(RunUnit run, Exception error);
}

/// <summary>
/// Computes the pending runs this shard owns, one at a time: each is claimed first (so that processes
/// sharing the folder never compute the same run), its result written atomically, a failure recorded
/// beside the results without stopping the queue. Estimates of what is left use the runs' own
/// estimates, corrected by how long the runs finished so far took against theirs.
/// </summary>
public sealed class RunQueue(ResultStore store, Shard shard)
{
    /// <summary>The record of a run's last failure.</summary>
    public static string FailurePath(ResultStore store, RunUnit run) => Path.Combine(store.Directory, $"{run.ResultKind}-{run.Hash}.failed.json");

    /// <summary>Computes the pending runs of this shard in order and reports them; returns what was computed, failed, held elsewhere or left to other shards.</summary>
    public QueueOutcome Run(IReadOnlyList<RunUnit> runs, IRunReporter reporter, CancellationToken cancel)
    {
        var pending = runs.Where(r => !store.Exists(r.ResultKind, r.Hash)).DistinctBy(r => (r.ResultKind, r.Hash)).ToList();
        var mine = pending.Where(r => shard.Owns(r.Hash)).ToList();
        reporter.Starting(mine, TimeSpan.FromSeconds(mine.Sum(r => r.Estimate.TotalSeconds)));
        var failures = new List<(RunUnit, string)>();
        int computed = 0, held = 0;
        double spent = 0, estimatedSpent = 0;
        for (var i = 0; i < mine.Count; i++)
        {
            cancel.ThrowIfCancellationRequested();
            var run = mine[i];
            using var claim = RunClaim.TryTake(store, run.ResultKind, run.Hash, run.Description);
            if (claim is null)
            {
                held++;
                reporter.Held(run, RunClaim.Probe(store, run.ResultKind, run.Hash).Owner);
                continue;
            }
            if (store.Exists(run.ResultKind, run.Hash)) continue; // finished by another process meanwhile
            var watch = Stopwatch.StartNew();
            try
            {
                run.Execute(store, reporter.Running(run, i + 1, mine.Count), cancel);
                File.Delete(FailurePath(store, run));
                computed++;
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                failures.Add((run, e.Message));
                AtomicFile.WriteAllText(FailurePath(store, run), JsonSerializer.Serialize(new RunFailure(run.Experiment, run.Description, e.GetType().Name, e.Message, e.ToString(), DateTimeOffset.UtcNow, Environment.MachineName)));
                reporter.Failed(run, e);
                continue;
            }
            spent += watch.Elapsed.TotalSeconds;
            estimatedSpent += run.Estimate.TotalSeconds;
            var left = mine.Skip(i + 1).Sum(r => r.Estimate.TotalSeconds);
            var correction = estimatedSpent > 0 ? spent / estimatedSpent : 1;
            reporter.Finished(run, i + 1, mine.Count, watch.Elapsed.TotalSeconds, TimeSpan.FromSeconds(left * correction));
        }
        return new QueueOutcome(computed, failures, held, pending.Count - mine.Count);
    }
}

/// <summary>A run that failed: recorded beside the results, retried by the next reproduce.</summary>
public sealed record RunFailure(string Experiment, string Description, string Error, string Message, string Detail, DateTimeOffset When, string Host);
