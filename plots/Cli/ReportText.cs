using System.Globalization;

namespace Rethink.Plots.Cli;

/// <summary>Invariant-culture number formatting for reports.</summary>
public static class ReportText
{
    public static string G(double value, int digits = 4) => value.ToString("G" + digits, CultureInfo.InvariantCulture);

    public static string N0(long value) => value.ToString("N0", CultureInfo.InvariantCulture);

    public static string Seconds(double seconds) => seconds < 1
        ? $"{(seconds * 1000).ToString("F1", CultureInfo.InvariantCulture)} ms"
        : $"{seconds.ToString("F2", CultureInfo.InvariantCulture)} s";

    public static double[] ParseList(string text, string option)
    {
        var parts = text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        var values = new double[parts.Length];
        for (var i = 0; i < parts.Length; i++)
            if (!double.TryParse(parts[i], NumberStyles.Float, CultureInfo.InvariantCulture, out values[i]) || !double.IsFinite(values[i]))
                throw new CommandLineException($"{option}: '{parts[i]}' (item {i + 1}) is not a finite number (a dot for decimals); give a comma-separated list such as 0.5,1,2.");
        return values;
    }
}
