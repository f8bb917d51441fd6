using System.Globalization;

namespace Rethink.Core;

/// <summary>
/// A value given by a user (through a config, an option, a file) that cannot be used: <see cref="Parameter"/>
/// names the parameter as the library knows it (a config property such as <c>Train</c>), <see cref="Value"/> is
/// what was given, and the message says why and what would work — without naming any console option; the
/// console prefixes the option it came from. Programming errors are other exception types.
/// </summary>
public class UserInputException(string parameter, object? value, string message, Exception? inner = null) : Exception(message, inner)
{
    /// <summary>The parameter, e.g. "Train", or "RandomConvConfig.Filters" for a property of a nested config.</summary>
    public string Parameter { get; } = parameter;

    /// <summary>The value given (null when none).</summary>
    public object? Value { get; } = value;

    /// <summary>The value as text, invariantly.</summary>
    public string ValueText => Value switch
    {
        null => "",
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        var v => v.ToString() ?? "",
    };
}
