using System.Text.Json.Nodes;
using Rethink.Core;
using Rethink.Data;
using Rethink.Deep;
using Rethink.Kernels.Devices;

namespace Rethink.Experiments;

/// <summary>
/// Brings result files of Rethink 0.5.0 forward. Their configs named the device (so "auto" and "cuda" were two
/// cache keys for one solve) and kept a training run's randomization as text; the current configs leave the
/// device out and type the randomization, so the same run has another hash and file name. Upgrading rewrites
/// each such file as the current record — the same result and the same run information (when, where, how long,
/// by which version), sealed again — under its new name, so that no finished run is computed twice.
/// </summary>
public static class ResultUpgrade
{
    /// <summary>
    /// Upgrades every old-format deep-run and kernel-fit file in <paramref name="store"/> in place. Files that fail
    /// their checksum are left as they are (the store reports them where they are needed). Returns how many were upgraded.
    /// </summary>
    public static int Run(ResultStore store)
    {
        ArgumentNullException.ThrowIfNull(store);
        if (!Directory.Exists(store.Directory)) return 0;
        var upgraded = 0;
        foreach (var path in Directory.EnumerateFiles(store.Directory, "*.json").Order(StringComparer.Ordinal))
        {
            var name = Path.GetFileName(path);
            var kind = name.StartsWith(DeepRunGroup.RunId + "-", StringComparison.Ordinal) ? DeepRunGroup.RunId
                : name.StartsWith(KernelRunGroup.RunId + "-", StringComparison.Ordinal) ? KernelRunGroup.RunId : null;
            if (kind is null || name.EndsWith(".failed.json", StringComparison.Ordinal)) continue;
            var text = File.ReadAllText(path);
            if (JsonNode.Parse(text) is not JsonObject root || root["config"] is not JsonObject config || !IsOld(config)) continue;
            try
            {
                SealedJson.Verify(text, path, ResultStore.Remedy);
            }
            catch (CorruptFileException)
            {
                continue;
            }
            root.Remove(SealedJson.Property);
            var newPath = kind == DeepRunGroup.RunId ? Write<TrainingConfig, TrainingResult>(store, root, UpgradeTraining)
                : Write<KernelFitConfig, KernelFitResult>(store, root, UpgradeKernel);
            if (!string.Equals(newPath, path, StringComparison.Ordinal)) File.Delete(path);
            upgraded++;
        }
        return upgraded;
    }

    /// <summary>A 0.5.0 config: it names the device, or keeps the randomization as text.</summary>
    private static bool IsOld(JsonObject config) => config.ContainsKey("device") || config["randomization"] is JsonValue;

    private static string Write<TConfig, TResult>(ResultStore store, JsonObject root, Action<JsonObject> upgrade)
    {
        upgrade(root);
        var record = Json.Deserialize<ExperimentRecord<TConfig, TResult>>(root.ToJsonString(Json.Options), "an upgraded result");
        return store.Write(record with { ConfigHash = Json.Hash(record.Config) });
    }

    /// <summary>The device leaves the config; the randomization becomes typed, drawn with the run's seed (none for true labels).</summary>
    private static void UpgradeTraining(JsonObject root)
    {
        foreach (var config in new[] { root["config"], root["result"]?["config"] }.OfType<JsonObject>())
        {
            config.Remove("device");
            if (config["randomization"] is JsonValue value && value.TryGetValue<string>(out var text))
            {
                var seed = config["seed"]?.GetValue<int>() ?? 0;
                var randomization = Randomization.Parse(text, seed: seed);
                config["randomization"] = randomization.Kind == RandomizationKind.TrueLabels ? null : JsonNode.Parse(Json.Serialize(randomization));
            }
        }
    }

    /// <summary>
    /// The device and process grid leave the config for the result's <see cref="KernelFitResult.Device"/>; true labels
    /// become no randomization; the solve's timings take their typed names.
    /// </summary>
    private static void UpgradeKernel(JsonObject root)
    {
        var result = root["result"] as JsonObject;
        foreach (var config in new[] { root["config"], result?["config"] }.OfType<JsonObject>())
        {
            if (config["device"] is JsonValue device && result is not null && !result.ContainsKey("device"))
            {
                var request = new DeviceRequest(Enum.Parse<ComputeDevice>(device.GetValue<string>(), ignoreCase: true),
                    config["layout"] is JsonObject layout ? Json.Deserialize<DistributedLayout>(layout.ToJsonString(), "a layout") : null);
                result["device"] = JsonNode.Parse(Json.Serialize(request));
            }
            config.Remove("device");
            config.Remove("layout");
            if (config["randomization"] is JsonObject r && r["kind"]?.GetValue<string>() == "true-labels" && r["applyToTest"]?.GetValue<bool>() != true)
                config["randomization"] = null;
        }
        if (result?["solve"] is JsonObject solve)
        {
            RenameTimings(solve["timings"] as JsonObject);
            if (solve["processTimings"] is JsonArray processes)
                foreach (var process in processes) RenameTimings(process as JsonObject);
        }
    }

    /// <summary>0.5.0 named the solve's phases as the console prints them ("gram-products"); the typed timings are camelCase.</summary>
    private static void RenameTimings(JsonObject? timings)
    {
        if (timings is null) return;
        foreach (var (old, current) in new[] { ("gram-products", "gramProducts"), ("gram-transform", "gramTransform"), ("eigen-solve", "eigenSolve"), ("gram-rebuild", "gramRebuild") })
            if (timings[old] is { } value)
            {
                timings.Remove(old);
                timings[current] = value.DeepClone();
            }
    }
}
