using Rethink.Core;

namespace Rethink.Experiments;

/// <summary>
/// A computation behind one or more figures or tables. Its config is a record derived from the
/// profile; the config's hash names the result file, so cached results are reused exactly.
/// </summary>
public interface IExperiment
{
    string Id { get; }
    string Title { get; }

    /// <summary>Why this experiment cannot run here (missing data or native library), or null.</summary>
    string? Unavailable(ReproduceContext context);

    /// <summary>Rough cost on this machine, printed before a run.</summary>
    TimeSpan Estimate(ReproduceContext context);

    bool IsCached(ResultStore store, ReproduceContext context);

    /// <summary>The units of work (one per result file) for the context's profile.</summary>
    IReadOnlyList<RunUnit> Units(ReproduceContext context);

    /// <summary>The result files this experiment reads for the context's profile (for the run manifest).</summary>
    IReadOnlyList<string> ResultFiles(ResultStore store, ReproduceContext context);
}

/// <summary>Typed base: a config from the profile, a result from the config.</summary>
public abstract class Experiment<TConfig, TResult> : IExperiment
{
    public abstract string Id { get; }
    public abstract string Title { get; }
    public abstract TConfig Configure(ReproduceContext context);
    public abstract TResult Compute(TConfig config, ReproduceContext context, IProgress<double> progress, CancellationToken cancel);
    public virtual string? Unavailable(ReproduceContext context) => null;
    public abstract TimeSpan Estimate(ReproduceContext context);

    public bool IsCached(ResultStore store, ReproduceContext context) => store.Exists(Id, Json.Hash(Configure(context)));

    public IReadOnlyList<string> ResultFiles(ResultStore store, ReproduceContext context) => [store.PathFor(Id, Json.Hash(Configure(context)))];

    public ExperimentRecord<TConfig, TResult>? Load(ResultStore store, ReproduceContext context) =>
        store.TryLoad<TConfig, TResult>(Id, Configure(context));

    public IReadOnlyList<RunUnit> Units(ReproduceContext context)
    {
        var config = Configure(context);
        return [new RunUnit(Id, Id, Json.Hash(config), Title, Estimate(context), (store, progress, cancel) =>
        {
            var watch = System.Diagnostics.Stopwatch.StartNew();
            var result = Compute(config, context, progress, cancel);
            store.Save(Id, config, result, watch.Elapsed.TotalSeconds);
        })];
    }
}
