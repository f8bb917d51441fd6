using Rethink.Experiments;
using Rethink.Plots.Figures;
using Rethink.Plots.Tables;

namespace Rethink.Plots;

/// <summary>Every figure and table the console renders, each wired to the experiments it reads (<see cref="ExperimentCatalog"/>).</summary>
public sealed class Catalog
{
    public Catalog()
    {
        var e = Runs;
        Figures =
        [
            new Lemma1SpectrumFigure(e.Lemma1),
            new Theorem1FitFigure(e.Theorem1),
            new Fig1aFigure(e.Fig1a),
            new Fig1bFigure(e.Sweep),
            new Fig1cFigure(e.Sweep),
            new Fig2Figure(e.BatchNorm),
            new KernelNormFigure(e.KernelNorms),
            new Table1(e.Table1, e.Sweep),
            new Table2(e.Table2),
            new KernelTable(e.KernelTable),
        ];
    }

    /// <summary>The experiments the figures read.</summary>
    public ExperimentCatalog Runs { get; } = new();

    /// <summary>Every experiment, in the order the report lists them.</summary>
    public IReadOnlyList<IExperiment> Experiments => Runs.Experiments;

    public IReadOnlyList<IFigure> Figures { get; }

    /// <summary>Figures and tables selected by --only (all when null), failing on unknown names.</summary>
    public IReadOnlyList<IFigure> Select(IReadOnlyCollection<string>? only)
    {
        if (only is null || only.Count == 0) return Figures;
        var known = Figures.Select(f => f.Id).ToHashSet();
        var unknown = only.Where(o => !known.Contains(o)).ToList();
        if (unknown.Count > 0)
            throw new Cli.CommandLineException($"--only: unknown {string.Join(", ", unknown)}; choose from {string.Join(", ", known)}.");
        return Figures.Where(f => only.Contains(f.Id)).ToList();
    }
}
