using Rethink.Core;
using Rethink.Experiments;
using Rethink.Plots.Figures;
using Rethink.Plots.Tables;

namespace Rethink.Plots;

/// <summary>What a render wrote and what it could not.</summary>
/// <param name="Written">Per figure (null: the report, macros and theorem checks), its files relative to the results folder or why it was skipped.</param>
/// <param name="Rendered">The figures rendered, with their files.</param>
/// <param name="Skipped">The figures not rendered, with the reason.</param>
/// <param name="Warnings">One line each: damaged results of figures rendered only to keep the report whole.</param>
/// <param name="DamagedSelected">How many selected figures could not be rendered because a result file was damaged.</param>
public sealed record RenderOutcome(
    IReadOnlyList<(IFigure? Figure, string State)> Written,
    IReadOnlyList<(IFigure Figure, IReadOnlyList<string> Files)> Rendered,
    IReadOnlyList<(IFigure Figure, string Reason)> Skipped,
    IReadOnlyList<string> Warnings,
    int DamagedSelected);

/// <summary>
/// Renders figures, tables, macros (macros.tex and macros.json), the manifest and report.md from the result files
/// in a store: the one path `reproduce` and `render` take, and the one the recipe tests exercise.
/// </summary>
public static class Rendering
{
    /// <summary>
    /// Renders the selected figures and every other figure whose results are all present (so report.md and
    /// macros.tex stay complete); a figure without its results is skipped with <paramref name="whyMissing"/>'s reason.
    /// </summary>
    /// <param name="catalog">Every figure.</param>
    /// <param name="selected">The figures asked for.</param>
    /// <param name="store">The results.</param>
    /// <param name="context">The profile and the folders.</param>
    /// <param name="whyMissing">Why an experiment has no results (e.g. skipped for want of data), or null for "no result".</param>
    public static RenderOutcome Render(Catalog catalog, IReadOnlyList<IFigure> selected, ResultStore store, ReproduceContext context, Func<IExperiment, string?>? whyMissing = null)
    {
        using var printed = FigureStyle.PrintedAt(context.FigureInches);
        var damaged = 0;
        bool Ready(IFigure f) => f.RendersWithoutResults || f.Needs.All(e => e.IsCached(store, context))
            || f.RendersPartially(context) && f.Needs.SelectMany(e => e.Units(context)).Any(u => store.Exists(u.ResultKind, u.Hash));
        var figures = catalog.Figures.Where(f => selected.Contains(f) || Ready(f)).ToList();
        var written = new List<(IFigure? Figure, string State)>();
        var rendered = new List<(IFigure Figure, IReadOnlyList<string> Files)>();
        var skipped = new List<(IFigure Figure, string Reason)>();
        var warnings = new List<string>();
        var macros = new List<(string Name, string Value, IReadOnlyList<string> Sources)>();
        var targets = new Dictionary<string, RenderedTarget>(StringComparer.Ordinal);
        foreach (var figure in figures)
        {
            if (!Ready(figure) && figure.Needs.FirstOrDefault(e => !e.IsCached(store, context)) is { } missing)
            {
                var reason = whyMissing?.Invoke(missing) ?? "no result";
                written.Add((figure, $"skipped: {reason}"));
                skipped.Add((figure, reason));
                continue;
            }
            IReadOnlyList<string> files;
            IReadOnlyList<FigureMacro> figureMacros;
            try
            {
                files = figure.Render(store, context);
                figureMacros = figure.SourcedMacros(store, context);
            }
            catch (CorruptFileException e)
            {
                written.Add((figure, $"skipped: {e.Message}"));
                skipped.Add((figure, e.Message));
                // What was asked for was reported before the work; a figure rendered only to keep the report whole gets a warning.
                if (selected.Contains(figure)) damaged++;
                else warnings.Add(e.Message);
                continue;
            }
            rendered.Add((figure, files));
            var sources = Provenance.Sources(figure.Needs, store, context);
            macros.AddRange(figureMacros.Select(m => (m.Name, m.Value, m.Sources ?? sources)));
            foreach (var file in files.Where(f => f.EndsWith(".png", StringComparison.Ordinal) || f.EndsWith(".tex", StringComparison.Ordinal)))
                targets[Path.GetRelativePath(context.OutputDirectory, file).Replace('\\', '/')] = new RenderedTarget(MacroSources.Sha256(file)!, MacroSources.Hashes(context.OutputDirectory, sources));
            written.Add((figure, string.Join(", ", files.Select(f => Path.GetRelativePath(context.OutputDirectory, f)))));
        }
        // The property suite's theorem checks (dotnet test writes them into <out>/checks).
        var checks = TheoremCheck.LoadAll(context.OutputDirectory);
        if (checks.Count > 0)
        {
            var files = TheoremChecksReport.Save(checks, context);
            macros.AddRange(TheoremChecksReport.Macros(checks));
            written.Add((null, $"{checks.Count} theorem check(s): {string.Join(", ", files.Select(f => Path.GetRelativePath(context.OutputDirectory, f)))}"));
        }
        // The user's own values and figures (UserRecord): macros and \rethinkfigure targets like Rethink's own.
        var user = UserRecord.LoadAll(context.OutputDirectory);
        foreach (var record in user)
        {
            var source = MacroSources.Hashes(context.OutputDirectory, [record.Source]);
            if (record.Kind == "figure")
            {
                var png = Path.Combine(context.OutputDirectory, record.Text);
                if (MacroSources.Sha256(png) is { } sha) targets[record.Text] = new RenderedTarget(sha, source);
                else warnings.Add($"{record.Source}: its figure {png} is gone; record it again");
            }
            else if (macros.Any(m => m.Name == record.Name))
                warnings.Add($"{record.Source}: \\{record.Name} is also a Rethink macro; record your value under another name");
            else macros.Add((record.Name, record.Text, [record.Source]));
        }
        if (user.Count > 0) written.Add((null, $"{user.Count} value(s) and figure(s) of your own (user/)"));
        if (rendered.Count > 0 || checks.Count > 0 || user.Count > 0)
        {
            // The manifest lists the results behind what was rendered (each read and verified once already).
            if (rendered.Count > 0) Manifest.Save(rendered.SelectMany(r => r.Figure.Needs).Distinct(), store, context);
            macros.Add(("RethinkVersion", RethinkVersion.Version, []));
            macros.Add(("RethinkCommit", RethinkVersion.Commit[..Math.Min(12, RethinkVersion.Commit.Length)], []));
            var macroPath = Path.Combine(context.OutputDirectory, "macros.tex");
            var now = DateTimeOffset.UtcNow;
            var macrosTex = Provenance.Header(macros.SelectMany(m => m.Sources).Distinct().Order(StringComparer.Ordinal), now) +
                Macros.Render(macros.Select(m => (m.Name, m.Value)), $"Rethink {context.Profile.ToString().ToLowerInvariant()} profile, {now:yyyy-MM-dd}");
            AtomicFile.WriteAllText(macroPath, macrosTex);
            // Content hashes: each macro's sources, each figure's and table's file and sources, and macros.tex itself.
            new MacroIndex(RethinkVersion.Version, RethinkVersion.Commit, now, context.Profile, context.Device, context.Torch.Device,
                macros.ToDictionary(m => m.Name, m => new MacroEntry(m.Value, m.Sources, MacroSources.Hashes(context.OutputDirectory, m.Sources)), StringComparer.Ordinal),
                targets, MacroSources.Sha256(macroPath)).Save(context.OutputDirectory);
            var report = ReportWriter.Save(store, context, rendered, skipped);
            written.Add((null, $"{Path.GetRelativePath(context.OutputDirectory, macroPath)}, {MacroIndex.FileName}, tables/manifest.md, {Path.GetRelativePath(context.OutputDirectory, report)}"));
        }
        return new RenderOutcome(written, rendered, skipped, warnings, damaged);
    }
}
