namespace Rethink.Experiments;

/// <summary>
/// A set of runs of one kind behind a figure or table (training runs, kernel fits): every config of the
/// profile is one unit, cached on its own as <c>&lt;kind&gt;-&lt;config hash&gt;.json</c>, so that changing one
/// config recomputes exactly that run.
/// </summary>
/// <param name="id">The experiment's id.</param>
/// <param name="title">What it computes, in a few words.</param>
/// <param name="kind">The result files' prefix.</param>
/// <param name="configure">The configs of a profile.</param>
public abstract class RunGroup<TConfig, TResult>(string id, string title, string kind, Func<ReproduceContext, IReadOnlyList<TConfig>> configure) : IExperiment
{
    /// <inheritdoc/>
    public string Id => id;

    /// <inheritdoc/>
    public string Title => title;

    /// <summary>The group's configs under the context's profile (the same for every device).</summary>
    public IReadOnlyList<TConfig> Configure(ReproduceContext context) => configure(context);

    private IReadOnlyList<Configured<TConfig>> Runs(ReproduceContext context) => Configure(context).Select(Configured<TConfig>.Of).ToList();

    /// <inheritdoc/>
    public abstract string? Unavailable(ReproduceContext context);

    /// <summary>The config in a few words, for progress lines, errors and the manifest.</summary>
    protected abstract string Describe(TConfig config);

    /// <summary>Expected seconds of one run on this machine.</summary>
    protected abstract double Seconds(TConfig config, ReproduceContext context);

    /// <summary>Computes one run (progress in [0, 1]) and returns its result; the group stores it.</summary>
    protected abstract TResult Compute(Configured<TConfig> run, ReproduceContext context, IProgress<double> progress, CancellationToken cancel);

    /// <summary>What computed a stored run, in which precision, with which seed (for the manifest).</summary>
    protected abstract (string Backend, Kernels.Precision Precision, int? Seed) Provenance(ExperimentRecord<TConfig, TResult> record);

    /// <summary>Called after a run is stored, with its wall seconds (e.g. to refine a cost model).</summary>
    protected virtual void Finished(TConfig config, TResult result, double seconds, ReproduceContext context) { }

    /// <inheritdoc/>
    public IReadOnlyList<RunUnit> Units(ReproduceContext context) =>
        Runs(context).Select(run => new RunUnit(id, kind, run.Hash, Describe(run.Config), TimeSpan.FromSeconds(Seconds(run.Config, context)),
            (store, progress, cancel) =>
            {
                var watch = System.Diagnostics.Stopwatch.StartNew();
                var result = Compute(run, context, progress, cancel);
                store.Save(kind, run, result, watch.Elapsed.TotalSeconds);
                Finished(run.Config, result, watch.Elapsed.TotalSeconds, context);
            })).ToList();

    /// <inheritdoc/>
    public IReadOnlyList<RunSummary> Summaries(ResultStore store, ReproduceContext context) =>
        Runs(context).Select(run => store.TryLoad<TConfig, TResult>(kind, run)).OfType<ExperimentRecord<TConfig, TResult>>()
            .Select(r =>
            {
                var (backend, precision, seed) = Provenance(r);
                return new RunSummary(id, Describe(r.Config), backend, precision, seed, r.Run);
            }).ToList();

    /// <summary>The stored results among the group's runs, in <see cref="Configure"/>'s order (missing ones left out).</summary>
    public IReadOnlyList<TResult> LoadAvailable(ResultStore store, ReproduceContext context) =>
        Runs(context).Select(run => store.TryLoad<TConfig, TResult>(kind, run)).OfType<ExperimentRecord<TConfig, TResult>>().Select(r => r.Result).ToList();

    /// <summary>The stored results of the group's runs, in <see cref="Configure"/>'s order (all must exist).</summary>
    public IReadOnlyList<TResult> Load(ResultStore store, ReproduceContext context) =>
        Runs(context).Select(run => store.TryLoad<TConfig, TResult>(kind, run) is { } record ? record.Result
            : throw new InvalidOperationException($"No result for {id}: {Describe(run.Config)}.")).ToList();
}
