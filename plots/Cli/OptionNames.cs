using Rethink.Core;

namespace Rethink.Plots.Cli;

/// <summary>
/// The console's names for the libraries' parameters: a <see cref="UserInputException"/> names a parameter
/// (a config property), and the user reads the option they typed.
/// </summary>
public static class OptionNames
{
    private static readonly Dictionary<string, string> Options = new(StringComparer.Ordinal)
    {
        ["Train"] = "--train",
        ["Test"] = "--test",
        ["Fit"] = "--fit",
        ["HeldOut"] = "--held-out",
        ["LearningRate"] = "--lr",
        ["MaxSteps"] = "--steps",
        ["WeightDecay"] = "--weight-decay",
        ["Dropout"] = "--dropout",
        ["ImageSize"] = "--image-size",
        ["Gamma"] = "--gamma",
        ["Multiplier"] = "--multiplier",
        ["Ridge"] = "--ridge",
        ["Seed"] = "--seed",
        ["Dataset"] = "--dataset",
        ["Model"] = "--model",
        ["Randomization"] = "--randomization",
        ["Out"] = "--out",
        ["Resume"] = "--resume",
        ["Device"] = "--device",
        ["Layout"] = "--grid",
        ["Block"] = "--block",
        ["Shard"] = "--shard",
        ["Augment"] = "--augment",
        ["Precision"] = "--precision",
        ["Method"] = "--method",
        ["Kernel"] = "--kernel",
        ["Degree"] = "--degree",
        ["BandwidthRule"] = "--bandwidth-rule",
        ["Multipliers"] = "--multipliers",
        ["Ridges"] = "--ridges",
        ["Features"] = "--features",
        ["Subset"] = "--subset",
        ["Profile"] = "--profile",
        ["Data"] = "--data",
    };

    /// <summary>The option a parameter is given by, e.g. "--train", or "--feature-options pool" for "GaborConfig.Pool".</summary>
    public static string For(string parameter) =>
        FeatureProperty(parameter) is { } property ? $"--feature-options {FeatureOptions.Key(property)}"
        : Options.TryGetValue(parameter, out var option) ? option : parameter;

    /// <summary>The property of a feature-map config a parameter names ("RandomConvConfig.Filters" → "Filters"), else null.</summary>
    private static string? FeatureProperty(string parameter)
    {
        foreach (var prefix in new[] { nameof(Features.GaborConfig) + ".", nameof(Features.RandomConvConfig) + "." })
            if (parameter.StartsWith(prefix, StringComparison.Ordinal)) return parameter[prefix.Length..];
        return null;
    }

    /// <summary>One line: the option and the value given, then the library's reason and fix.</summary>
    public static string Describe(UserInputException e)
    {
        var option = For(e.Parameter);
        var value = e.ValueText;
        var given = value.Length == 0 ? option : option.StartsWith("--feature-options ", StringComparison.Ordinal) ? $"{option}={value}" : $"{option} {value}";
        return $"{given}: {e.Message}";
    }
}
