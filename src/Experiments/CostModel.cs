using Rethink.Deep;

namespace Rethink.Experiments;

/// <summary>
/// Seconds per training step (evaluations and data loading amortized in) by model, device and batch
/// size: measured from the deep runs already in the results folder — every finished run is a
/// measurement — and refined as runs finish, so the paper profile gets an estimate from this
/// machine's own numbers once a few runs exist. Before any measurement: the rates measured on a 2-core
/// CPU at batch 128 (and a GPU at 1/20 of them).
/// </summary>
public sealed class CostModel
{
    private readonly Dictionary<(ModelKind Model, TrainingDevice Device, int Batch), List<double>> _measured = new();
    private readonly HashSet<(ModelKind Model, TrainingDevice Device, int Batch)> _calibrated = [];

    /// <summary>Evaluations on the whole training and test sets, amortized over the steps between them.</summary>
    public const double EvaluationFactor = 1.5;

    /// <summary>
    /// Times a few steps of every (model, batch) among <paramref name="configs"/> that has no measurement
    /// on <paramref name="device"/> yet — <paramref name="timeStep"/> returns seconds per bare step (see
    /// <see cref="StepTimer"/>) — so the first estimate on a new machine or device is its own.
    /// Returns how many were calibrated.
    /// </summary>
    public int Calibrate(IEnumerable<TrainingConfig> configs, TrainingDevice device, Func<TrainingConfig, double> timeStep)
    {
        var count = 0;
        foreach (var config in configs.DistinctBy(c => (c.Model, c.BatchSize)))
        {
            if (IsMeasured(config.Model, device, config.BatchSize)) continue;
            Observe(config.Model, device, config.BatchSize, EvaluationFactor * timeStep(config));
            lock (_measured) _calibrated.Add((config.Model, device, config.BatchSize));
            count++;
        }
        return count;
    }

    /// <summary>Whether the rate for this run came from <see cref="Calibrate"/> rather than finished runs.</summary>
    public bool IsCalibrated(ModelKind model, TrainingDevice device, int batch)
    {
        lock (_measured) return _calibrated.Contains((model, device, batch));
    }

    /// <summary>The measured seconds per step for a run, when it has been measured at least once.</summary>
    public double? Measured(ModelKind model, TrainingDevice device, int batch)
    {
        lock (_measured)
            return _measured.TryGetValue((model, device, batch), out var list) && list.Count > 0 ? Median(list) : null;
    }

    /// <summary>Seconds per step, evaluations amortized in: the median of the measurements, else the 2-core CPU rate (and 1/20 of it on a GPU) scaled by batch.</summary>
    public double SecondsPerStep(ModelKind model, TrainingDevice device, int batch) =>
        Measured(model, device, batch) ?? Default(model) * (device == TrainingDevice.Cuda ? 0.05 : 1) * batch / 128.0;

    /// <summary>Whether the estimate for this run comes from measurements.</summary>
    public bool IsMeasured(ModelKind model, TrainingDevice device, int batch) => Measured(model, device, batch) is not null;

    /// <summary>Adds one measurement (non-positive or infinite ones are ignored).</summary>
    public void Observe(ModelKind model, TrainingDevice device, int batch, double secondsPerStep)
    {
        if (!(secondsPerStep > 0) || double.IsInfinity(secondsPerStep)) return;
        lock (_measured)
        {
            if (!_measured.TryGetValue((model, device, batch), out var list)) _measured[(model, device, batch)] = list = [];
            list.Add(secondsPerStep);
        }
    }

    /// <summary>Reads every deep-run result in the store: wall seconds of the run over its steps, on the device it ran on.</summary>
    public static CostModel Load(ResultStore store)
    {
        var model = new CostModel();
        foreach (var record in store.All<TrainingConfig, TrainingResult>(DeepRunGroup.RunId))
            if (record.Result.Final is { Step: > 0 } final)
            {
                model.Observe(record.Config.Model, record.Result.Device, record.Config.BatchSize, record.Run.Seconds / final.Step);
                model.ObserveSteps(record.Config, final.Step);
            }
        return model;
    }

    private readonly Dictionary<(ModelKind Model, int? Train, bool TrueLabels), List<double>> _steps = new();

    /// <summary>Records how many steps a finished run of this model, training size and kind of labels took (it stopped when fitted or at its budget).</summary>
    public void ObserveSteps(TrainingConfig config, long steps)
    {
        if (steps <= 0) return;
        var key = (config.Model, config.Train, config.Labels.Kind == Data.RandomizationKind.TrueLabels);
        lock (_measured)
        {
            if (!_steps.TryGetValue(key, out var list)) _steps[key] = list = [];
            list.Add(steps);
        }
    }

    /// <summary>
    /// The steps a run is expected to take, from finished runs of the same model and training size with
    /// the same kind of labels (true, or any randomization) in the results folder; null when there are none.
    /// At full size the MLPs never reach exactly 100% training accuracy before the learning rate has decayed
    /// away, so they take their whole budget; that is what this learns.
    /// </summary>
    public double? ExpectedSteps(TrainingConfig config)
    {
        lock (_measured)
            return _steps.TryGetValue((config.Model, config.Train, config.Labels.Kind == Data.RandomizationKind.TrueLabels), out var list) && list.Count > 0
                ? Math.Min(config.MaxSteps, Median(list)) : null;
    }

    /// <summary>Measured on a 2-core CPU at batch 128, evaluations included.</summary>
    private static double Default(ModelKind model) => EvaluationFactor * model switch
    {
        ModelKind.Mlp1x512 => 0.008,
        ModelKind.Mlp3x512 => 0.015,
        ModelKind.AlexNet => 0.22,
        _ => 1.0,
    };

    private static double Median(List<double> values)
    {
        var sorted = values.Order().ToList();
        var mid = sorted.Count / 2;
        return sorted.Count % 2 == 1 ? sorted[mid] : 0.5 * (sorted[mid - 1] + sorted[mid]);
    }
}
