using System.Globalization;
using Rethink.Features;

namespace Rethink.Plots.Cli;

/// <summary>
/// --features NAME --feature-options key=value,…: the console's parse of a feature map. Every key is known,
/// every value a finite number of its kind (whole numbers whole, switches 0 or 1) within its range; nothing is
/// rounded or read as "on" silently. The typed config then validates itself (<see cref="FeatureMapConfig.Validate"/>).
/// </summary>
public static class FeatureOptions
{
    private static readonly string[] GaborKeys = ["scales", "orientations", "sigma0", "pool"];
    private static readonly string[] RandomConvKeys = ["filters", "patch", "threshold", "grid", "gaussian", "signs", "normalize", "block", "stream"];

    /// <summary>The option key of a feature-map config property (e.g. RandomConvConfig.Source is "gaussian").</summary>
    public static string Key(string property) => property == nameof(RandomConvConfig.Source) ? "gaussian" : property.ToLowerInvariant();

    /// <summary>The config of feature map <paramref name="name"/> (gabor, random-conv) with <paramref name="options"/>; random filters drawn with <paramref name="seed"/>.</summary>
    public static FeatureMapConfig Parse(string name, string? options, int seed)
    {
        var values = Values(options, name switch
        {
            "gabor" => GaborKeys,
            "random-conv" => RandomConvKeys,
            _ => throw new CommandLineException($"--features {name}: choose gabor or random-conv."),
        });
        FeatureMapConfig config = name == "gabor" ? Gabor(values) : RandomConv(values, seed);
        config.Validate();
        return config;
    }

    private static GaborConfig Gabor(Dictionary<string, (double Value, string Text)> v)
    {
        var d = new GaborConfig();
        return new GaborConfig(Whole(v, "scales", d.Scales, 1, GaborConfig.MaxScales, "the number of scales"),
            Whole(v, "orientations", d.Orientations, 1, GaborConfig.MaxOrientations, "the number of orientations"),
            Real(v, "sigma0", d.Sigma0, 0, GaborConfig.MaxSigma0, inclusive: false, "sigma0 (pixels)"),
            Whole(v, "pool", d.Pool, 1, GaborConfig.MaxPool, "the pooling block (pixels)"));
    }

    private static RandomConvConfig RandomConv(Dictionary<string, (double Value, string Text)> v, int seed)
    {
        var d = new RandomConvConfig();
        var signs = Whole(v, "signs", 1, 1, 2, "signs");
        return new RandomConvConfig(Whole(v, "filters", d.Filters, 1, RandomConvConfig.MaxFilters, "the number of filters"),
            Whole(v, "patch", d.Patch, 1, RandomConvConfig.MaxPatch, "the patch side (pixels)"),
            Switch(v, "gaussian") == true ? FilterSource.Gaussian : FilterSource.Patches,
            Real(v, "threshold", d.Threshold, 0, 1e6, inclusive: true, "the threshold"),
            Whole(v, "grid", d.Grid, 1, RandomConvConfig.MaxGrid, "the pooling grid"), seed,
            signs == 1 ? null : signs,
            Switch(v, "normalize") == true ? true : null,
            v.ContainsKey("block") ? Whole(v, "block", 1, 1, RandomConvConfig.MaxFilters, "the filters per block") : null,
            Switch(v, "stream"));
    }

    private static Dictionary<string, (double Value, string Text)> Values(string? options, string[] known)
    {
        var result = new Dictionary<string, (double Value, string Text)>();
        if (string.IsNullOrWhiteSpace(options)) return result;
        foreach (var part in options.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var kv = part.Split('=', 2);
            if (kv.Length != 2 || !known.Contains(kv[0]))
                throw new CommandLineException($"--feature-options {part}: not key=value with a key among {string.Join(", ", known)}.");
            if (!double.TryParse(kv[1], NumberStyles.Float, CultureInfo.InvariantCulture, out var v) || !double.IsFinite(v))
                throw new CommandLineException($"--feature-options {part}: not a finite number (a dot for decimals).");
            if (!result.TryAdd(kv[0], (v, kv[1]))) throw new CommandLineException($"--feature-options {part}: {kv[0]} given twice.");
        }
        return result;
    }

    private static CommandLineException Refuse(string key, string text, string why) => new($"--feature-options {key}={text}: {why}");

    /// <summary>A whole number within [<paramref name="minimum"/>, <paramref name="maximum"/>], or the default when absent.</summary>
    private static int Whole(Dictionary<string, (double Value, string Text)> values, string key, int fallback, int minimum, int maximum, string meaning)
    {
        if (!values.TryGetValue(key, out var given)) return fallback;
        var v = given.Value;
        if (v != Math.Floor(v)) throw Refuse(key, given.Text, $"{meaning} is a whole number; give one from {minimum} to {maximum}.");
        if (v < minimum || v > maximum) throw Refuse(key, given.Text, $"{meaning} must lie in {minimum}..{maximum}.");
        return (int)v;
    }

    /// <summary>A switch: absent (null), 0 (false) or 1 (true); anything else is refused.</summary>
    private static bool? Switch(Dictionary<string, (double Value, string Text)> values, string key)
    {
        if (!values.TryGetValue(key, out var given)) return null;
        return given.Value switch
        {
            0 => false,
            1 => true,
            _ => throw Refuse(key, given.Text, "a switch: give 1 (on) or 0 (off)."),
        };
    }

    /// <summary>A number within (<paramref name="minimum"/>, <paramref name="maximum"/>] (or [minimum, …] when <paramref name="inclusive"/>).</summary>
    private static double Real(Dictionary<string, (double Value, string Text)> values, string key, double fallback, double minimum, double maximum, bool inclusive, string meaning)
    {
        if (!values.TryGetValue(key, out var given)) return fallback;
        var v = given.Value;
        if (!(inclusive ? v >= minimum : v > minimum) || v > maximum)
            throw Refuse(key, given.Text, $"{meaning} must lie in {(inclusive ? "[" : "(")}{minimum.ToString(CultureInfo.InvariantCulture)}, {maximum.ToString(CultureInfo.InvariantCulture)}].");
        return v;
    }
}
