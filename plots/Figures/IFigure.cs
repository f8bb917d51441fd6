using Rethink.Experiments;

namespace Rethink.Plots.Figures;

/// <summary>A recipe that reads result files and renders one figure (PNG and SVG) or one table (Markdown and LaTeX).</summary>
public interface IFigure
{
    /// <summary>File name and --only key, e.g. "fig1a".</summary>
    string Id { get; }

    string Title { get; }

    /// <summary>True for tables (Markdown + LaTeX), false for figures (PNG + SVG).</summary>
    bool IsTable => false;

    /// <summary>The experiments whose results this reads.</summary>
    IReadOnlyList<IExperiment> Needs { get; }

    /// <summary>Caption for report.md, stating the profile's subsets and schedules.</summary>
    string Caption(ReproduceContext context);

    /// <summary>The caption of what is drawn from <paramref name="store"/> (report.md); by default <see cref="Caption(ReproduceContext)"/>.</summary>
    string Caption(ResultStore store, ReproduceContext context) => Caption(context);

    /// <summary>Renders from stored results; returns the files written.</summary>
    IReadOnlyList<string> Render(ResultStore store, ReproduceContext context);

    /// <summary>
    /// True when this renders from whatever part of its results exists (the paper profile's deep figures:
    /// its runs take GPU-hours, and the rows a CPU reaches are shown as they come, the rest marked as
    /// missing); otherwise it renders only once all its results exist.
    /// </summary>
    bool RendersPartially(ReproduceContext context) => false;

    /// <summary>True when this renders with no result at all (Table 2: the paper's column, ours empty until ImageNet runs exist).</summary>
    bool RendersWithoutResults => false;

    /// <summary>LaTeX macros (name without backslash, value) for every number this reports.</summary>
    IReadOnlyList<(string Name, string Value)> Macros(ResultStore store, ReproduceContext context) => [];

    /// <summary>
    /// The macros with the result files each number was computed from (file names without .json under
    /// data/), so a paper's check marks a number stale only when its own inputs change; by default every
    /// macro names all of this figure's results (null sources).
    /// </summary>
    IReadOnlyList<FigureMacro> SourcedMacros(ResultStore store, ReproduceContext context) =>
        Macros(store, context).Select(m => new FigureMacro(m.Name, m.Value)).ToList();
}

/// <summary>One number a figure or table reports: macro name, LaTeX value, and the result files it comes from (null: all of the figure's).</summary>
public sealed record FigureMacro(string Name, string Value, IReadOnlyList<string>? Sources = null);
