using Rethink.Core;

namespace Rethink.Experiments;

/// <summary>
/// A computation behind one or more figures or tables. Its configs are records derived from the profile;
/// each config's hash (computed once, in <see cref="Configured{TConfig}"/>) names its result file, so cached
/// results are reused exactly.
/// </summary>
public interface IExperiment
{
    /// <summary>A stable id (a selection of figures names the experiments they read).</summary>
    string Id { get; }

    /// <summary>What it computes, in a few words.</summary>
    string Title { get; }

    /// <summary>Why this experiment cannot run here (missing data or native library), or null.</summary>
    string? Unavailable(ReproduceContext context);

    /// <summary>The units of work (one per result file) for the context's profile.</summary>
    IReadOnlyList<RunUnit> Units(ReproduceContext context);

    /// <summary>What each stored result of the context's profile is, where and how it ran (for the run manifest); units without a result are left out.</summary>
    IReadOnlyList<RunSummary> Summaries(ResultStore store, ReproduceContext context);
}

/// <summary>One stored run as the run manifest lists it.</summary>
/// <param name="Experiment">The experiment it belongs to.</param>
/// <param name="Description">What it computed, in a few words.</param>
/// <param name="Backend">What computed it (the solver's device, TorchSharp on a device, or .NET).</param>
/// <param name="Precision">Its floating-point precision.</param>
/// <param name="Seed">Its master seed, when it has one.</param>
/// <param name="Run">When, where and how long.</param>
public sealed record RunSummary(string Experiment, string Description, string Backend, Kernels.Precision Precision, int? Seed, RunInfo Run);

/// <summary>A config and its hash, computed once: the result file's name, the shard assignment, the lock.</summary>
/// <param name="Config">The config.</param>
/// <param name="Hash">Its <see cref="Json.Hash{T}"/>.</param>
public sealed record Configured<TConfig>(TConfig Config, string Hash)
{
    /// <summary>A config with its hash.</summary>
    public static Configured<TConfig> Of(TConfig config) => new(config, Json.Hash(config));
}

/// <summary>What every experiment offers through its units: whether all are cached, and their result files.</summary>
public static class ExperimentExtensions
{
    /// <summary>Whether every result of the experiment is stored (whole or damaged: see <see cref="ResultStore.Problem"/>).</summary>
    public static bool IsCached(this IExperiment experiment, ResultStore store, ReproduceContext context) =>
        experiment.Units(context) is { Count: > 0 } units && units.All(u => store.Exists(u.ResultKind, u.Hash)); // no runs (all filtered out): nothing to show

    /// <summary>The result files the experiment reads for the context's profile (for the run manifest and provenance).</summary>
    public static IReadOnlyList<string> ResultFiles(this IExperiment experiment, ResultStore store, ReproduceContext context) =>
        experiment.Units(context).Select(u => store.PathFor(u.ResultKind, u.Hash)).ToList();
}

/// <summary>Typed base of a single-run experiment: a config from the profile, a result from the config.</summary>
public abstract class Experiment<TConfig, TResult> : IExperiment
{
    /// <inheritdoc/>
    public abstract string Id { get; }

    /// <inheritdoc/>
    public abstract string Title { get; }

    /// <summary>The config for the context's profile.</summary>
    public abstract TConfig Configure(ReproduceContext context);

    /// <summary>Computes the result of a config.</summary>
    public abstract TResult Compute(TConfig config, ReproduceContext context, IProgress<double> progress, CancellationToken cancel);

    /// <inheritdoc/>
    public virtual string? Unavailable(ReproduceContext context) => null;

    /// <summary>Rough cost on this machine, printed before a run.</summary>
    public abstract TimeSpan Estimate(ReproduceContext context);

    /// <summary>The config in a few words and its seed, for the run manifest.</summary>
    protected abstract (string Description, int? Seed) Describe(TConfig config);

    /// <inheritdoc/>
    public IReadOnlyList<RunSummary> Summaries(ResultStore store, ReproduceContext context) =>
        Load(store, context) is { } record
            ? [new RunSummary(Id, Describe(record.Config).Description, "managed (.NET)", Kernels.Precision.Fp64, Describe(record.Config).Seed, record.Run)]
            : [];

    /// <summary>The stored result for the context's profile, or null.</summary>
    public ExperimentRecord<TConfig, TResult>? Load(ResultStore store, ReproduceContext context) =>
        store.TryLoad<TConfig, TResult>(Id, Configured<TConfig>.Of(Configure(context)));

    /// <inheritdoc/>
    public IReadOnlyList<RunUnit> Units(ReproduceContext context)
    {
        var run = Configured<TConfig>.Of(Configure(context));
        return [new RunUnit(Id, Id, run.Hash, Title, Estimate(context), (store, progress, cancel) =>
        {
            var watch = System.Diagnostics.Stopwatch.StartNew();
            var result = Compute(run.Config, context, progress, cancel);
            store.Save(Id, run, result, watch.Elapsed.TotalSeconds);
        })];
    }
}
