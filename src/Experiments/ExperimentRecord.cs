using Rethink.Core;

namespace Rethink.Experiments;

/// <summary>One experiment's result file: the config verbatim, its hash, the result, and how it was run.</summary>
/// <param name="Experiment">The result kind (deep-run, kernel-fit, or the experiment's id).</param>
/// <param name="ConfigHash">The config's hash (the file's name).</param>
/// <param name="Config">The config, verbatim.</param>
/// <param name="Result">The result.</param>
/// <param name="Run">When, where and how long.</param>
public sealed record ExperimentRecord<TConfig, TResult>(
    string Experiment,
    string ConfigHash,
    TConfig Config,
    TResult Result,
    RunInfo Run);

/// <summary>When, where, how long and by which Rethink version and commit a result was computed.</summary>
/// <param name="Finished">When it finished.</param>
/// <param name="Seconds">Wall seconds.</param>
/// <param name="Machine">The machine.</param>
/// <param name="Version">Rethink's version.</param>
/// <param name="Commit">Rethink's commit.</param>
public sealed record RunInfo(DateTimeOffset Finished, double Seconds, MachineInfo Machine, string? Version = null, string? Commit = null);
