using System.Text.Json;

namespace Rethink.Experiments;

/// <summary>
/// Seconds per training step (evaluations and data loading amortized in) by model, device and batch
/// size: measured from the deep runs already in the results folder — every finished run is a
/// measurement — and refined as runs finish, so `--profile paper` prints an estimate from this
/// machine's own numbers once a few runs exist. Before any measurement: the rates measured on a 2-core
/// CPU at batch 128 (and a GPU at 1/20 of them).
/// </summary>
public sealed class CostModel
{
    private readonly Dictionary<(string Model, string Device, int Batch), List<double>> _measured = new();
    private readonly HashSet<(string Model, string Device, int Batch)> _calibrated = [];

    /// <summary>Evaluations on the whole training and test sets, amortized over the steps between them.</summary>
    public const double EvaluationFactor = 1.5;

    /// <summary>
    /// Times a few steps of every (model, device, batch) among <paramref name="configs"/> that has no
    /// measurement yet — <paramref name="timeStep"/> returns seconds per bare step (see
    /// <see cref="Deep.StepTimer"/>) — so the first estimate on a new machine or device is its own.
    /// Returns how many were calibrated.
    /// </summary>
    public int Calibrate(IEnumerable<Deep.TrainingConfig> configs, Func<Deep.TrainingConfig, double> timeStep)
    {
        var count = 0;
        foreach (var config in configs.DistinctBy(c => (c.Model, c.Device, c.BatchSize)))
        {
            if (IsMeasured(config.Model, config.Device, config.BatchSize)) continue;
            Observe(config.Model, config.Device, config.BatchSize, EvaluationFactor * timeStep(config));
            lock (_measured) _calibrated.Add((config.Model, config.Device, config.BatchSize));
            count++;
        }
        return count;
    }

    /// <summary>Whether the rate for this run came from <see cref="Calibrate"/> rather than finished runs.</summary>
    public bool IsCalibrated(string model, string device, int batch)
    {
        lock (_measured) return _calibrated.Contains((model, device, batch));
    }

    /// <summary>The measured seconds per step for a run, when it has been measured at least once.</summary>
    public double? Measured(string model, string device, int batch)
    {
        lock (_measured)
            return _measured.TryGetValue((model, device, batch), out var list) && list.Count > 0 ? Median(list) : null;
    }

    public double SecondsPerStep(string model, string device, int batch) =>
        Measured(model, device, batch) ?? Default(model) * (device == "cuda" ? 0.05 : 1) * batch / 128.0;

    /// <summary>Whether the estimate for this run comes from measurements.</summary>
    public bool IsMeasured(string model, string device, int batch) => Measured(model, device, batch) is not null;

    public void Observe(string model, string device, int batch, double secondsPerStep)
    {
        if (!(secondsPerStep > 0) || double.IsInfinity(secondsPerStep)) return;
        lock (_measured)
        {
            if (!_measured.TryGetValue((model, device, batch), out var list)) _measured[(model, device, batch)] = list = [];
            list.Add(secondsPerStep);
        }
    }

    /// <summary>Reads every deep-run result in <paramref name="directory"/>: wall seconds of the run over its steps.</summary>
    public static CostModel Load(string directory)
    {
        var model = new CostModel();
        if (!Directory.Exists(directory)) return model;
        foreach (var file in Directory.EnumerateFiles(directory, "deep-run-*.json"))
        {
            try
            {
                using var doc = JsonDocument.Parse(File.ReadAllText(file));
                var root = doc.RootElement;
                var config = root.GetProperty("config");
                var records = root.GetProperty("result").GetProperty("records");
                if (records.GetArrayLength() == 0) continue;
                var steps = records[records.GetArrayLength() - 1].GetProperty("step").GetInt64();
                var seconds = root.GetProperty("run").GetProperty("seconds").GetDouble();
                if (steps > 0)
                    model.Observe(config.GetProperty("model").GetString()!, config.GetProperty("device").GetString()!, config.GetProperty("batchSize").GetInt32(), seconds / steps);
            }
            catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException or IOException)
            {
                // A file that is not a finished deep run says nothing about costs.
            }
        }
        return model;
    }

    /// <summary>Measured on a 2-core CPU at batch 128, evaluations included.</summary>
    private static double Default(string model) => EvaluationFactor * model switch
    {
        Deep.ModelKind.Mlp1x512 => 0.008,
        Deep.ModelKind.Mlp3x512 => 0.015,
        Deep.ModelKind.AlexNet => 0.22,
        _ => 1.0,
    };

    private static double Median(List<double> values)
    {
        var sorted = values.Order().ToList();
        var mid = sorted.Count / 2;
        return sorted.Count % 2 == 1 ? sorted[mid] : 0.5 * (sorted[mid - 1] + sorted[mid]);
    }
}
