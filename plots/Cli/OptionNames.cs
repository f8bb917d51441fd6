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
        ["Gamma"] = "--gamma",
        ["Multiplier"] = "--multiplier",
        ["Ridge"] = "--ridge",
        ["Seed"] = "--seed",
        ["Dataset"] = "--dataset",
        ["Model"] = "--model",
        ["Randomization"] = "--randomization",
        ["Out"] = "--out",
        ["Resume"] = "--resume",
    };

    /// <summary>The option a parameter is given by, e.g. "--train", or "--feature-options pool" for "FeatureOptions.pool".</summary>
    public static string For(string parameter) =>
        parameter.StartsWith("FeatureOptions.", StringComparison.Ordinal) ? $"--feature-options {parameter["FeatureOptions.".Length..]}"
        : Options.TryGetValue(parameter, out var option) ? option : parameter;

    /// <summary>One line: the option and the value given, then the library's reason and fix.</summary>
    public static string Describe(UserInputException e)
    {
        var option = For(e.Parameter);
        var value = e.ValueText;
        var given = value.Length == 0 ? option : option.StartsWith("--feature-options ", StringComparison.Ordinal) ? $"{option}={value}" : $"{option} {value}";
        return $"{given}: {e.Message}";
    }
}
