using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;

namespace Rethink.Plots.Cli;

/// <summary>
/// Every number on the command line is read the same strict way, whatever the machine's culture: a dot for
/// decimals, no thousands separators, finite, and a whole number within its type's range. ("0,02" read with
/// thousands separators would silently be 2.) Installed once on the whole command tree.
/// </summary>
public static class StrictNumbers
{
    /// <summary>Gives every numeric option of <paramref name="command"/> and its subcommands the strict parser.</summary>
    public static void Apply(Command command)
    {
        foreach (var option in command.Options)
        {
            switch (option)
            {
                case Option<double> o: o.CustomParser = r => Real(r, o) ?? default; break;
                case Option<double?> o: o.CustomParser = r => Real(r, o); break;
                case Option<int> o: o.CustomParser = r => (int?)Whole(r, o, int.MinValue, int.MaxValue) ?? default; break;
                case Option<int?> o: o.CustomParser = r => (int?)Whole(r, o, int.MinValue, int.MaxValue); break;
                case Option<long> o: o.CustomParser = r => Whole(r, o, long.MinValue, long.MaxValue) ?? default; break;
            }
        }
        foreach (var sub in command.Subcommands) Apply(sub);
    }

    private static string Token(ArgumentResult result) => result.Tokens.Count > 0 ? result.Tokens[^1].Value : "";

    private static double? Real(ArgumentResult result, Option option)
    {
        var text = Token(result);
        if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) && double.IsFinite(value)) return value;
        result.AddError(text.Contains(',')
            ? $"{option.Name} {text}: write numbers with a dot for decimals and no thousands separators, e.g. {text.Replace(',', '.')}."
            : $"{option.Name} {text}: expected a finite number, e.g. 0.02 or 1e-3{Description(option)}.");
        return null;
    }

    private static long? Whole(ArgumentResult result, Option option, long minimum, long maximum)
    {
        var text = Token(result);
        if (long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value) && value >= minimum && value <= maximum) return value;
        if (System.Numerics.BigInteger.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var big))
            result.AddError(big > 0
                ? $"{option.Name} {text}: too large; at most {maximum.ToString("N0", CultureInfo.InvariantCulture)}{Description(option)}."
                : $"{option.Name} {text}: too small; at least {minimum.ToString("N0", CultureInfo.InvariantCulture)}{Description(option)}.");
        else
            result.AddError($"{option.Name} {text}: expected a whole number (digits only, no separators or decimals){Description(option)}.");
        return null;
    }

    private static string Description(Option option) => option.Description is { Length: > 0 } d ? $" ({d.TrimEnd('.')})" : "";
}
