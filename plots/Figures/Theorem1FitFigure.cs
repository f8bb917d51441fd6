using Rethink.Experiments;

namespace Rethink.Plots.Figures;

/// <summary>The 1-D Theorem 1 fit: data points, the piecewise-linear interpolant, and the thresholds.</summary>
public sealed class Theorem1FitFigure(Theorem1FitExperiment experiment) : IFigure
{
    public string Id => "theorem1-fit";
    public string Title => experiment.Title;
    public IReadOnlyList<IExperiment> Needs => [experiment];

    public string Caption(ReproduceContext context)
    {
        var c = experiment.Configure(context);
        return $"Theorem 1 in one dimension: n = {c.N} points uniform in [0, 1] with labels uniform in [-1, 1] (seed {c.Seed}) are fitted exactly by " +
               $"c(x) = sum_j w_j max(a x - b_j, 0) with 2n + d = {2 * c.N + 1} parameters; ticks mark the thresholds b_j / a.";
    }

    public IReadOnlyList<string> Render(ResultStore store, ReproduceContext context)
    {
        var record = experiment.Load(store, context) ?? throw new InvalidOperationException($"No result for {experiment.Id}.");
        var r = record.Result;
        var plot = FigureStyle.NewPlot($"Theorem 1: {r.ParameterCount} parameters fit {r.X.Length} random labels", "x", "label y, network c(x)");
        var curve = plot.Add.ScatterLine(r.GridX, r.GridY);
        FigureStyle.Apply(curve, 1, markers: false);
        curve.LinePattern = ScottPlot.LinePattern.Solid;
        curve.LegendText = "c(x), 2n+d-parameter ReLU net";
        var data = plot.Add.ScatterPoints(r.X, r.Y);
        FigureStyle.Apply(data, 0, lines: false);
        data.MarkerSize = 6;
        data.LegendText = $"data (max error {r.MaxError:G2})";
        var low = Math.Min(r.Y.Min(), r.GridY.Min());
        var high = Math.Max(r.Y.Max(), r.GridY.Max());
        var bottom = low - 0.1 * (high - low);
        var ticks = plot.Add.ScatterPoints(r.Thresholds, r.Thresholds.Select(_ => bottom).ToArray());
        FigureStyle.Apply(ticks, 2, lines: false);
        ticks.MarkerShape = ScottPlot.MarkerShape.VerticalBar;
        ticks.MarkerSize = 8;
        ticks.LegendText = "thresholds b_j / a";
        // Head room for the legend above the data.
        plot.Axes.SetLimitsY(bottom - 0.05 * (high - low), high + 0.75 * (high - low));
        FigureStyle.PlaceLegend(plot, ScottPlot.Alignment.UpperLeft);
        return FigureFile.Save(plot, context.FiguresDirectory, Id);
    }
}
