using System.Globalization;
using System.Text.Json;
using Rethink.Experiments;

namespace Rethink.Plots.Tables;

/// <summary>
/// The run manifest: for every result behind the figures and tables, what it is, where it ran
/// (backend, device, precision), its seed, and how long it took.
/// </summary>
public static class Manifest
{
    public static IReadOnlyList<string> Save(IEnumerable<IExperiment> experiments, ResultStore store, ReproduceContext context)
    {
        var rows = new List<IReadOnlyList<string>>();
        var machines = new HashSet<string>();
        double total = 0;
        foreach (var experiment in experiments)
            foreach (var file in experiment.ResultFiles(store, context).Where(File.Exists))
            {
                using var doc = JsonDocument.Parse(File.ReadAllText(file));
                var root = doc.RootElement;
                var config = root.GetProperty("config");
                var result = root.GetProperty("result");
                var run = root.GetProperty("run");
                var seconds = run.GetProperty("seconds").GetDouble();
                total += seconds;
                machines.Add(run.GetProperty("machine").GetProperty("cpu").GetString() ?? "?");
                rows.Add(
                [
                    experiment.Id,
                    Describe(config),
                    Backend(result),
                    Text(result, "solve", "precision") ?? (result.TryGetProperty("device", out _) ? "fp32" : "fp64"),
                    config.TryGetProperty("seed", out var seed) ? seed.ToString() : "—",
                    seconds.ToString("F1", CultureInfo.InvariantCulture),
                ]);
            }
        var caption = $"Run manifest: every result behind the figures and tables ({rows.Count} runs, {total / 60:F1} min of compute) on {string.Join("; ", machines)}; " +
                      $"profile {context.Profile.ToString().ToLowerInvariant()}, device option {context.Device.ToString().ToLowerInvariant()}.";
        return TableFile.Save(context.TablesDirectory, "manifest", caption, ["experiment", "run", "backend", "precision", "seed", "seconds"], rows, "llllrr");
    }

    private static string Describe(JsonElement config)
    {
        string? Get(string name) => config.TryGetProperty(name, out var v) && v.ValueKind != JsonValueKind.Null ? v.ToString() : null;
        var parts = new[] { Get("model"), Get("dataset"), Get("features") is { } features ? $"{features} features" : null, Get("kernel"), Get("randomization"), Get("train") is { } n ? $"n={n}" : null, Get("ridge") is { } r && r != "0" ? $"ridge={r}" : null,
            Get("augment") == "True" || Get("augment") == "true" ? "crop" : null, Get("weightDecay") is { } w && w != "0" ? "wd" : null, Get("n") is { } nn ? $"n={nn}" : null };
        return string.Join(" ", parts.Where(p => p is not null));
    }

    private static string Backend(JsonElement result)
    {
        if (Text(result, "solve", "backend") is { } backend) return backend;
        if (result.TryGetProperty("device", out var device)) return $"torchsharp ({device.GetString()})";
        return "managed (.NET)";
    }

    private static string? Text(JsonElement e, params string[] path)
    {
        foreach (var p in path)
        {
            if (e.ValueKind != JsonValueKind.Object || !e.TryGetProperty(p, out e)) return null;
        }
        return e.ValueKind == JsonValueKind.String ? e.GetString() : null;
    }
}
