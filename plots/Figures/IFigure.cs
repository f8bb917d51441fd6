using Rethink.Plots.Experiments;

namespace Rethink.Plots.Figures;

/// <summary>A recipe that reads result files and renders one figure (PNG and SVG).</summary>
public interface IFigure
{
    /// <summary>File name and --only key, e.g. "fig1a".</summary>
    string Id { get; }

    string Title { get; }

    /// <summary>The experiments whose results this figure reads.</summary>
    IReadOnlyList<IExperiment> Needs { get; }

    /// <summary>Caption for report.md, stating the profile's subsets and schedules.</summary>
    string Caption(ReproduceContext context);

    /// <summary>Renders from stored results; returns the files written.</summary>
    IReadOnlyList<string> Render(ResultStore store, ReproduceContext context);
}
