using Rethink.Deep;
using Rethink.Data;
using Rethink.Experiments;

namespace Rethink.Plots.Figures;

/// <summary>Figure 1a: training loss against steps for the five randomization tests on one model.</summary>
public sealed class Fig1aFigure(DeepRunGroup runs) : IFigure
{
    public string Id => "fig1a";
    public string Title => "Figure 1a: learning curves under randomization";
    public IReadOnlyList<IExperiment> Needs => [runs];

    public string Caption(ReproduceContext context)
    {
        var c = runs.Configure(context)[0];
        var size = c.Train is { } n ? $"{n:N0} CIFAR-10 training images (stratified subset, seed {c.Seed})" : "all 50,000 CIFAR-10 training images";
        return $"Training loss (cross-entropy, moving average over 20 steps) of {c.Model.Name()} on {size} under the five randomization tests; " +
               $"SGD, momentum {c.Momentum}, batch {c.BatchSize}, lr {c.InitialLearningRate} x {c.Decay} every {c.DecayEvery} steps; each run stops when the training set is fitted " +
               $"(profile {context.Profile.ToString().ToLowerInvariant()}; the paper: small Inception on all of CIFAR-10).";
    }

    public IReadOnlyList<string> Render(ResultStore store, ReproduceContext context)
    {
        var results = runs.Load(store, context);
        var plot = FigureStyle.NewPlot($"Learning curves, {results[0].Config.Model.Name()}", "thousands of steps", "average training loss");
        for (var i = 0; i < results.Count; i++)
        {
            var losses = results[i].Losses;
            var x = losses.Select(l => l.Step / 1000.0).ToArray();
            var y = MovingAverage(losses.Select(l => l.Loss).ToArray(), 20);
            var line = plot.Add.ScatterLine(x, y);
            FigureStyle.Apply(line, i, markers: false);
            line.LegendText = results[i].Config.Labels.Name.Replace('-', ' ');
        }
        plot.Axes.SetLimitsY(0, results.Max(r => r.Losses.Max(l => l.Loss)) * 1.05);
        FigureStyle.PlaceLegend(plot, ScottPlot.Alignment.UpperRight);
        return FigureFile.Save(plot, context.FiguresDirectory, Id);
    }

    public static double[] MovingAverage(double[] values, int window)
    {
        var result = new double[values.Length];
        double sum = 0;
        for (var i = 0; i < values.Length; i++)
        {
            sum += values[i];
            if (i >= window) sum -= values[i - window];
            result[i] = sum / Math.Min(i + 1, window);
        }
        return result;
    }
}
