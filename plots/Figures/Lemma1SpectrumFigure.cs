using Rethink.Experiments;

namespace Rethink.Plots.Figures;

/// <summary>Sorted eigenvalues (A's diagonal) against sorted singular values, log scale.</summary>
public sealed class Lemma1SpectrumFigure(Lemma1SpectrumExperiment experiment) : IFigure
{
    public string Id => "lemma1-spectrum";
    public string Title => experiment.Title;
    public IReadOnlyList<IExperiment> Needs => [experiment];

    public string Caption(ReproduceContext context)
    {
        var c = experiment.Configure(context);
        return $"Lemma 1, n = {c.N} (gaps ~ Exp(1), seed {c.Seed}): the eigenvalues of A = [max(x_i - b_j, 0)] are its diagonal " +
               "x_i - b_i, all positive, so A has full rank; its singular values are different numbers and the smallest is far below the smallest eigenvalue.";
    }

    public IReadOnlyList<string> Render(ResultStore store, ReproduceContext context)
    {
        var record = experiment.Load(store, context) ?? throw new InvalidOperationException($"No result for {experiment.Id}.");
        var r = record.Result;
        var plot = FigureStyle.NewPlot($"Lemma 1 spectrum, n = {record.Config.N}", "rank (sorted, largest first)", "value (log scale)");
        var index = Enumerable.Range(1, r.Eigenvalues.Length).Select(i => (double)i).ToArray();
        var eig = plot.Add.Scatter(index, r.Eigenvalues.Select(Math.Log10).ToArray());
        FigureStyle.Apply(eig, 0);
        eig.LegendText = $"eigenvalues x_i - b_i (min {r.SmallestEigenvalue:G3})";
        var sv = plot.Add.Scatter(index, r.SingularValues.Select(Math.Log10).ToArray());
        FigureStyle.Apply(sv, 1);
        sv.LegendText = $"singular values (min {r.SmallestSingularValue:G3})";
        // Below n*eps*sigma_max an SVD cannot resolve a singular value: mark that floor.
        var floor = record.Config.N * 2.220446049250313e-16 * r.SingularValues[0];
        var line = plot.Add.HorizontalLine(Math.Log10(floor), 1, FigureStyle.SeriesColor(5), ScottPlot.LinePattern.Dotted);
        line.LegendText = "SVD resolution n*eps*sigma_max";
        FigureStyle.LogY(plot, r.Eigenvalues.Concat(r.SingularValues).Append(floor).Select(Math.Log10));
        FigureStyle.PlaceLegend(plot, ScottPlot.Alignment.LowerLeft);
        return FigureFile.Save(plot, context.FiguresDirectory, Id);
    }
}
