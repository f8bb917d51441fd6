using Rethink.Kernels;
using System.Text.Json.Serialization;
using Rethink.Core;

namespace Rethink.Experiments;

/// <summary>The outcome of a <see cref="KernelFitConfig"/>: the solve, the test error, and how it was computed. <see cref="Scores"/> (m×classes, column-major) stays in memory, not in result files.</summary>
public sealed record KernelFitResult(
    KernelFitConfig Config,
    Kernel Kernel,
    Bandwidth? Bandwidth,
    IReadOnlyList<string> Preprocessing,
    string? FeatureDescription,
    int TrainPoints,
    int TestPoints,
    int Classes,
    double RealizedLabelCorruption,
    SolveReport Solve,
    double TestError,
    double[] PerClassTestError,
    string? BackendWarning,
    MachineInfo Machine,
    IReadOnlyDictionary<string, double> Timings,
    [property: JsonIgnore] double[]? Scores = null);
