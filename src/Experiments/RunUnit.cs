namespace Rethink.Experiments;

/// <summary>
/// One unit of work of an experiment: a single training run, kernel fit or theory computation, named
/// by its result file (<see cref="ResultKind"/>-<see cref="Hash"/>.json). Units are what `reproduce`
/// schedules, shards, locks and reports one by one.
/// </summary>
/// <param name="Experiment">The experiment it belongs to.</param>
/// <param name="ResultKind">The result file's prefix (deep-run, kernel-fit, or the experiment's id).</param>
/// <param name="Hash">The config hash: the result's name, the shard assignment, the lock.</param>
/// <param name="Description">A few words for progress lines (model and randomization, dataset and n, …).</param>
/// <param name="Estimate">Expected time on this machine before it runs.</param>
/// <param name="Execute">Computes and saves the result (progress in [0, 1]).</param>
public sealed record RunUnit(
    string Experiment,
    string ResultKind,
    string Hash,
    string Description,
    TimeSpan Estimate,
    Action<ResultStore, IProgress<double>, CancellationToken> Execute);
