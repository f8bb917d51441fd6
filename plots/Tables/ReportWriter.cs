using System.Text;
using Rethink.Core;
using Rethink.Experiments;
using Rethink.Plots.Figures;

namespace Rethink.Plots.Tables;

/// <summary>report.md: every figure and table of a reproduce run with its caption, and the manifest.</summary>
public static class ReportWriter
{
    public static string Save(ResultStore store, ReproduceContext context, IReadOnlyList<(IFigure Figure, IReadOnlyList<string> Files)> rendered, IReadOnlyList<(IFigure Figure, string Reason)> skipped)
    {
        var sb = new StringBuilder();
        sb.AppendLine("# Rethink: reproduction report");
        sb.AppendLine();
        sb.AppendLine($"Zhang, Bengio, Hardt, Recht, Vinyals, *Understanding deep learning requires rethinking generalization* (ICLR 2017), " +
                      $"profile **{context.Profile.ToString().ToLowerInvariant()}**, rendered {DateTimeOffset.UtcNow:yyyy-MM-dd HH:mm} UTC on {MachineInfo.Current}.");
        sb.AppendLine();
        sb.AppendLine("Numbers for LaTeX are in [`macros.tex`](macros.tex); tables also come as `tables/*.tex` (booktabs).");
        foreach (var (figure, files) in rendered)
        {
            sb.AppendLine();
            sb.AppendLine($"## {figure.Title}");
            sb.AppendLine();
            if (figure.IsTable)
            {
                var md = files.First(f => f.EndsWith(".md", StringComparison.Ordinal));
                sb.AppendLine(File.ReadAllText(md).TrimEnd());
            }
            else
            {
                foreach (var png in files.Where(f => f.EndsWith(".png", StringComparison.Ordinal)))
                    sb.AppendLine($"![{figure.Title}]({Path.GetRelativePath(context.OutputDirectory, png)})");
                sb.AppendLine();
                sb.AppendLine(figure.Caption(store, context));
            }
        }
        if (skipped.Count > 0)
        {
            sb.AppendLine();
            sb.AppendLine("## Not produced");
            sb.AppendLine();
            foreach (var (figure, reason) in skipped) sb.AppendLine($"- {figure.Title}: {reason}");
        }
        var manifest = Path.Combine(context.TablesDirectory, "manifest.md");
        if (File.Exists(manifest))
        {
            sb.AppendLine();
            sb.AppendLine("## Run manifest");
            sb.AppendLine();
            sb.AppendLine(File.ReadAllText(manifest).TrimEnd());
        }
        var path = Path.Combine(context.OutputDirectory, "report.md");
        AtomicFile.WriteAllText(path, sb.ToString());
        return path;
    }
}
