using System.CommandLine;
using System.CommandLine.Parsing;
using System.Text.RegularExpressions;

namespace Rethink.Plots.Cli;

/// <summary>
/// Turns System.CommandLine's parse errors into the console's one line: which option or command, what
/// was given, and what it accepts — never a help screen, a multi-line list or a CLR type name.
/// </summary>
public static partial class ParseErrors
{
    /// <summary>One line for the first error of <paramref name="parse"/>, or null when it parsed.</summary>
    public static string? Describe(ParseResult parse)
    {
        if (parse.Errors.Count == 0) return null;
        var command = CommandPath(parse.CommandResult);
        // "Unrecognized …" says more than "Required command was not provided" when both are present.
        var error = parse.Errors.FirstOrDefault(e => e.Message.StartsWith("Unrecognized", StringComparison.Ordinal)) ?? parse.Errors[0];
        var message = error.Message;
        // Our own validators already speak the console's language.
        if (message.StartsWith("--", StringComparison.Ordinal)) return message;
        var option = error.SymbolResult switch
        {
            OptionResult o => o.Option,
            ArgumentResult { Parent: OptionResult o } => o.Option,
            _ => null,
        };
        if (UnrecognizedPattern().Match(message) is { Success: true } unknown)
            return $"unknown option or argument '{unknown.Groups[1].Value}' for `{command}`; see `{command} --help`.";
        if (message.StartsWith("Required command was not provided", StringComparison.Ordinal))
            return $"`{command}` needs a command: {string.Join(", ", parse.CommandResult.Command.Subcommands.Select(c => c.Name))}; see `{command} --help`.";
        if (NotRecognizedPattern().Match(message) is { Success: true } choice && option is not null)
        {
            var allowed = AllowedPattern().Matches(message[choice.Length..]).Select(m => m.Groups[1].Value);
            return $"{option.Name} {choice.Groups[1].Value}: choose {string.Join(", ", allowed)}.";
        }
        if (CannotParsePattern().Match(message) is { Success: true } parseFailure)
        {
            var expected = TypeDescription(parseFailure.Groups[3].Value);
            var what = option?.Description is { Length: > 0 } d ? $" ({d.TrimEnd('.')})" : "";
            return $"{parseFailure.Groups[2].Value} {parseFailure.Groups[1].Value}: expected {expected}{what}.";
        }
        if (RequiredPattern().Match(message) is { Success: true } required)
        {
            var what = option?.Description is { Length: > 0 } d ? $" ({d.TrimEnd('.')})" : "";
            return $"{required.Groups[1].Value} is required{what}; see `{command} --help`.";
        }
        return $"{string.Join(' ', message.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))} (`{command}`)";
    }

    private static string CommandPath(CommandResult result)
    {
        var names = new List<string>();
        for (SymbolResult? r = result; r is not null; r = r.Parent)
            if (r is CommandResult c) names.Add(c.Command is RootCommand ? "rethink" : c.Command.Name);
        names.Reverse();
        return string.Join(' ', names);
    }

    private static string TypeDescription(string clrType) => clrType switch
    {
        _ when clrType.Contains("Int32") || clrType.Contains("Int64") => "a whole number",
        _ when clrType.Contains("Double") || clrType.Contains("Single") => "a number",
        _ when clrType.Contains("Boolean") => "true or false",
        _ => "a value of another form",
    };

    [GeneratedRegex(@"^Unrecognized command or argument '([^']*)'")]
    private static partial Regex UnrecognizedPattern();

    [GeneratedRegex(@"^Argument '([^']*)' not recognized\. Must be one of:")]
    private static partial Regex NotRecognizedPattern();

    [GeneratedRegex(@"'([^']*)'")]
    private static partial Regex AllowedPattern();

    [GeneratedRegex(@"^Cannot parse argument '([^']*)' for option '([^']*)' as expected type '([^']*)'")]
    private static partial Regex CannotParsePattern();

    [GeneratedRegex(@"^Option '([^']*)' is required")]
    private static partial Regex RequiredPattern();
}
