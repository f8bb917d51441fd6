using System.Text.Json.Serialization;
using Rethink.Core;
using Rethink.Kernels;
using Rethink.Kernels.Devices;

namespace Rethink.Experiments;

/// <summary>
/// The outcome of a <see cref="KernelFitConfig"/>: the solve, the test error, and how and where it was computed.
/// <see cref="Scores"/> (m×classes, column-major) stays in memory, not in result files.
/// </summary>
/// <param name="Config">The config, verbatim.</param>
/// <param name="Kernel">The kernel after its bandwidth was resolved.</param>
/// <param name="Bandwidth">How a bandwidth rule chose it (null when given).</param>
/// <param name="Preprocessing">Data steps applied.</param>
/// <param name="FeatureDescription">The feature map as computed (dimension, streaming), or null for raw pixels.</param>
/// <param name="TrainPoints">Training points.</param>
/// <param name="TestPoints">Test points.</param>
/// <param name="Classes">Classes.</param>
/// <param name="RealizedLabelCorruption">Fraction of training labels the randomization changed.</param>
/// <param name="Solve">What the solve did (its backend is the device that computed it) and how well.</param>
/// <param name="TestError">Fraction of test points misclassified by argmax.</param>
/// <param name="PerClassTestError">The same per true class.</param>
/// <param name="BackendWarning">A fallback's one-line warning (device auto without a GPU), else null.</param>
/// <param name="Machine">The machine.</param>
/// <param name="Timings">Seconds per phase of the run.</param>
/// <param name="Device">Where the fit was asked to run (what ran is <see cref="SolveReport.Backend"/>).</param>
/// <param name="Scores">Test scores, m×classes column-major (in memory only).</param>
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
    FitTimings Timings,
    DeviceRequest? Device = null,
    [property: JsonIgnore] double[]? Scores = null);

/// <summary>Seconds per phase of a kernel fit, around the solve's own (<see cref="SolveTimings"/>).</summary>
/// <param name="Data">Loading and preparing the data.</param>
/// <param name="Features">Computing (or streaming) the feature map.</param>
/// <param name="Bandwidth">Resolving the bandwidth rule.</param>
/// <param name="Fit">The solve.</param>
/// <param name="Predict">Scoring the test points.</param>
public sealed record FitTimings(double Data = 0, double Features = 0, double Bandwidth = 0, double Fit = 0, double Predict = 0)
{
    /// <summary>The phases that took time, in order, as the console prints them.</summary>
    public IEnumerable<(string Phase, double Seconds)> Phases()
    {
        (string, double)[] all = [("data", Data), ("features", Features), ("bandwidth", Bandwidth), ("fit", Fit), ("predict", Predict)];
        return all.Where(p => p.Item2 > 0);
    }
}

/// <summary>A finished fit: its result and its model, which keeps the device it was fitted on until disposed.</summary>
public sealed class KernelFit(KernelFitResult result, KernelModel model) : IDisposable
{
    /// <summary>The result (what a result file holds, and the scores).</summary>
    public KernelFitResult Result { get; } = result;

    /// <summary>The model: α, the report, and prediction on its device.</summary>
    public KernelModel Model { get; } = model;

    /// <summary>The result and the model.</summary>
    public void Deconstruct(out KernelFitResult result, out KernelModel model) => (result, model) = (Result, Model);

    /// <summary>Frees the model and closes its device.</summary>
    public void Dispose() => Model.Dispose();
}
