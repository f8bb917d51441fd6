using Rethink.Core;

namespace Rethink.Experiments;

/// <summary>One experiment's result file: the config verbatim, its hash, the result, and how it was run.</summary>
public sealed record ExperimentRecord<TConfig, TResult>(
    string Experiment,
    string ConfigHash,
    TConfig Config,
    TResult Result,
    RunInfo Run);

/// <summary>When, where, how long and by which Rethink version and commit a result was computed.</summary>
public sealed record RunInfo(DateTimeOffset Finished, double Seconds, MachineInfo Machine, string? Version = null, string? Commit = null);
