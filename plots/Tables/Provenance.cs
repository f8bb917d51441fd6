using System.Globalization;
using System.Text;
using Rethink.Core;
using Rethink.Experiments;

namespace Rethink.Plots.Tables;

/// <summary>
/// Where a generated LaTeX file comes from, as comment lines at its top: the Rethink version and
/// commit that rendered it, the date, and the result files (experiment and config hash) it reads.
/// </summary>
public static class Provenance
{
    public static string Header(IEnumerable<string>? sources = null, DateTimeOffset? rendered = null)
    {
        var sb = new StringBuilder();
        sb.AppendLine(string.Create(CultureInfo.InvariantCulture, $"% Rethink {RethinkVersion.Version} (commit {RethinkVersion.Commit}), rendered {(rendered ?? DateTimeOffset.UtcNow):yyyy-MM-dd HH:mm} UTC"));
        var list = sources?.ToList() ?? [];
        if (list.Count > 0)
        {
            sb.Append("% from results:");
            var width = 16;
            foreach (var source in list)
            {
                if (width + source.Length > 100) { sb.AppendLine(); sb.Append("%  "); width = 3; }
                sb.Append(' ').Append(source);
                width += source.Length + 1;
            }
            sb.AppendLine();
        }
        return sb.ToString();
    }

    /// <summary>Result file names (experiment-hash) of experiments, for <see cref="Header"/>.</summary>
    public static IReadOnlyList<string> Sources(IEnumerable<Rethink.Experiments.IExperiment> experiments, Rethink.Experiments.ResultStore store, Rethink.Experiments.ReproduceContext context) =>
        experiments.SelectMany(e => e.ResultFiles(store, context)).Where(File.Exists).Select(Path.GetFileNameWithoutExtension).OfType<string>().Distinct().Order(StringComparer.Ordinal).ToList();
}
