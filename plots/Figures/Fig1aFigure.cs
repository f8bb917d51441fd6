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

    /// <summary>The paper profile draws the model whose runs exist (Inception on a GPU, MLP 1×512 on a CPU).</summary>
    public bool RendersPartially(ReproduceContext context) => context.Profile == RunProfile.Paper;

    /// <summary>
    /// The runs drawn: those of the first model of <see cref="ExperimentCatalog.Fig1aModels"/> with the most
    /// stored runs (the paper's Inception when it has as many as any other); the configured runs when nothing is stored.
    /// </summary>
    private static (ModelKind Model, IReadOnlyList<TrainingResult> Results) Drawn(IReadOnlyList<TrainingResult> available, ReproduceContext context)
    {
        var models = ExperimentCatalog.Fig1aModels(context);
        var model = models.OrderByDescending(m => available.Count(r => r.Config.Model == m)).ThenBy(m => models.ToList().IndexOf(m)).First();
        return (model, available.Where(r => r.Config.Model == model).ToList());
    }

    /// <summary>The caption for the runs drawn (or, before any exist, for the first configured model).</summary>
    private string Caption(ReproduceContext context, IReadOnlyList<TrainingResult>? drawn)
    {
        var configs = runs.Configure(context);
        var c = drawn is { Count: > 0 } ? drawn[0].Config : configs[0];
        var size = c.Train is { } n ? $"{n:N0} CIFAR-10 training images (stratified subset, seed {c.Seed})" : "all 50,000 CIFAR-10 training images";
        var missing = drawn is null ? "" : string.Join(", ", ExperimentCatalog.Fig1aRandomizations.Where(k => drawn.All(r => r.Config.Labels.Kind != k)).Select(k => new Randomization(k).Name));
        var steps = drawn is { Count: > 0 } ? $" ({string.Join(", ", drawn.Select(r => $"{r.Config.Labels.Name} {r.Final?.Step ?? 0:N0} steps"))})" : "";
        return $"Training loss (cross-entropy, moving average over 20 steps) of {c.Model.Name()} on {size} under the five randomization tests{steps}; " +
               $"SGD, momentum {c.Momentum}, batch {c.BatchSize}, lr {c.InitialLearningRate} x {c.Decay} every {c.DecayEvery} steps; each run stops when the training set is fitted " +
               $"(profile {context.Profile.ToString().ToLowerInvariant()}; the paper's Figure 1a is small Inception on all of CIFAR-10)." +
               (missing.Length > 0 ? $" Not yet run at this scale: {missing}." : "");
    }

    public string Caption(ReproduceContext context) => Caption(context, null);

    public IReadOnlyList<string> Render(ResultStore store, ReproduceContext context)
    {
        var (model, results) = Drawn(runs.LoadAvailable(store, context), context);
        var plot = FigureStyle.NewPlot($"Learning curves, {model.Name()}", "thousands of steps", "average training loss");
        for (var i = 0; i < results.Count; i++)
        {
            var losses = results[i].Losses;
            var x = losses.Select(l => l.Step / 1000.0).ToArray();
            var y = MovingAverage(losses.Select(l => l.Loss).ToArray(), 20);
            var line = plot.Add.ScatterLine(x, y);
            FigureStyle.Apply(line, Array.IndexOf(ExperimentCatalog.Fig1aRandomizations, results[i].Config.Labels.Kind), markers: false);
            line.LegendText = results[i].Config.Labels.Name.Replace('-', ' ');
        }
        plot.Axes.SetLimitsY(0, results.Max(r => r.Losses.Max(l => l.Loss)) * 1.05);
        FigureStyle.PlaceLegend(plot, ScottPlot.Alignment.UpperRight);
        return FigureFile.Save(plot, context.FiguresDirectory, Id);
    }

    /// <summary>The caption of what <see cref="Render"/> draws from <paramref name="store"/>.</summary>
    public string Caption(ResultStore store, ReproduceContext context) => Caption(context, Drawn(runs.LoadAvailable(store, context), context).Results);

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
