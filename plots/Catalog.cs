using Rethink.Plots.Experiments;
using Rethink.Plots.Figures;

namespace Rethink.Plots;

/// <summary>Every experiment and every figure the console knows, wired together.</summary>
public sealed class Catalog
{
    public Catalog()
    {
        var lemma1 = new Lemma1SpectrumExperiment();
        var theorem1 = new Theorem1FitExperiment();
        Experiments = [lemma1, theorem1];
        Figures = [new Lemma1SpectrumFigure(lemma1), new Theorem1FitFigure(theorem1)];
    }

    public IReadOnlyList<IExperiment> Experiments { get; }
    public IReadOnlyList<IFigure> Figures { get; }

    /// <summary>Figures selected by --only (all when null), failing on unknown names.</summary>
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
