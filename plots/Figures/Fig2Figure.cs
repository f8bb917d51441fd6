using Rethink.Experiments;

namespace Rethink.Plots.Figures;

/// <summary>Figure 2 (CIFAR-10 part): test accuracy over training with and without BatchNorm, best-so-far marked.</summary>
public sealed class Fig2Figure(DeepRunGroup runs) : IFigure
{
    public string Id => "fig2";
    public string Title => "Figure 2: BatchNorm and the early-stopping view";
    public IReadOnlyList<IExperiment> Needs => [runs];

    public string Caption(ReproduceContext context)
    {
        var c = runs.Configure(context)[0];
        var size = c.Train is { } n ? $"{n:N0} training and {c.Test:N0} test images of CIFAR-10, {c.MaxSteps} steps" : $"all of CIFAR-10, {c.MaxSteps:N0} steps";
        return $"Test accuracy of the small Inception with and without BatchNorm ({size}, evaluated every {c.EvaluateEvery} steps; profile {context.Profile.ToString().ToLowerInvariant()}). " +
               "Dotted lines: best test accuracy so far (what early stopping would keep); markers: where it was reached.";
    }

    public IReadOnlyList<string> Render(ResultStore store, ReproduceContext context)
    {
        var results = runs.Load(store, context);
        var plot = FigureStyle.NewPlot("Inception on CIFAR-10", "thousands of steps", "test accuracy (%)");
        for (var i = 0; i < results.Count; i++)
        {
            var records = results[i].Records;
            var x = records.Select(r => r.Step / 1000.0).ToArray();
            var acc = plot.Add.Scatter(x, records.Select(r => 100 * r.TestAccuracy).ToArray());
            FigureStyle.Apply(acc, i);
            acc.MarkerSize = 3;
            acc.LinePattern = ScottPlot.LinePattern.Solid;
            acc.LegendText = results[i].Config.Model == Rethink.Deep.ModelKind.Inception ? "with BatchNorm" : "without BatchNorm";
            var best = plot.Add.ScatterLine(x, records.Select(r => 100 * r.BestTestAccuracy).ToArray());
            FigureStyle.Apply(best, i, markers: false);
            best.LinePattern = ScottPlot.LinePattern.Dotted;
            var at = records.MaxBy(r => r.TestAccuracy)!;
            plot.Add.Marker(at.Step / 1000.0, 100 * at.TestAccuracy, ScottPlot.MarkerShape.FilledDiamond, 9, FigureStyle.SeriesColor(i));
        }
        FigureStyle.PlaceLegend(plot, ScottPlot.Alignment.LowerRight);
        return FigureFile.Save(plot, context.FiguresDirectory, Id);
    }
}
