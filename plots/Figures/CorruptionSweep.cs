using Rethink.Deep;
using Rethink.Experiments;

namespace Rethink.Plots.Figures;

/// <summary>The corruption sweep's runs grouped by model and sorted by p.</summary>
public static class CorruptionSweep
{
    public static double Level(TrainingConfig c) => c.Labels.LabelProbability;

    public static IEnumerable<IGrouping<ModelKind, TrainingResult>> ByModel(IEnumerable<TrainingResult> results) =>
        results.OrderBy(r => Level(r.Config)).GroupBy(r => r.Config.Model);

    public static string Caption(DeepRunGroup runs, ReproduceContext context, string what) => Caption(runs, context, what, null);

    /// <summary>The caption, with the models drawn and the corruption levels not yet run when the stored runs are given.</summary>
    public static string Caption(DeepRunGroup runs, ReproduceContext context, string what, IReadOnlyList<TrainingResult>? stored)
    {
        var c = runs.Configure(context);
        var sizes = string.Join(", ", c.GroupBy(x => x.Model).Select(g => $"{g.Key.Name()} {(g.First().Train is { } n ? $"{n:N0}" : "all 50,000")} training images / {g.First().MaxSteps:N0} steps max"));
        var missing = stored is null ? "" : string.Join("; ", c.GroupBy(x => x.Model).Select(g =>
        {
            var absent = g.Where(x => stored.All(r => r.Config != x)).Select(x => Level(x).ToString("0.0", System.Globalization.CultureInfo.InvariantCulture)).ToList();
            return absent.Count == 0 ? null : absent.Count == g.Count() ? $"{g.Key.Name()} (every p)" : $"{g.Key.Name()} p = {string.Join(", ", absent)}";
        }).OfType<string>());
        return $"{what} against the probability p of replacing a CIFAR-10 training label by a uniform random class (the paper's rule: about 0.9p of the labels change). " +
               $"Runs: {sizes}; profile {context.Profile.ToString().ToLowerInvariant()}" +
               (context.Profile == RunProfile.Paper ? " (full size)" : " (subsets, not the paper's scale)") + "." +
               (missing.Length > 0 ? $" Not yet run: {missing}." : "");
    }

    /// <summary>The sweep's runs to draw: all of them, or in the paper profile those stored.</summary>
    public static IReadOnlyList<TrainingResult> Load(DeepRunGroup runs, ResultStore store, ReproduceContext context) =>
        context.Profile == RunProfile.Paper ? runs.LoadAvailable(store, context) : runs.Load(store, context);
}

/// <summary>Figure 1b: steps to fit the training set, relative to true labels, against label corruption.</summary>
public sealed class Fig1bFigure(DeepRunGroup sweep) : IFigure
{
    public string Id => "fig1b";
    public string Title => "Figure 1b: convergence slowdown under label corruption";
    public IReadOnlyList<IExperiment> Needs => [sweep];

    private const string What = "Time to overfit (first evaluation with 100% training accuracy) relative to the same model on true labels,";
    private const string Note = " A run that did not fit within its step budget is drawn at the budget with an open marker.";

    public string Caption(ReproduceContext context) => CorruptionSweep.Caption(sweep, context, What) + Note;

    public string Caption(ResultStore store, ReproduceContext context)
    {
        var stored = sweep.LoadAvailable(store, context);
        // A model whose true-label run did not fit either is drawn relative to a budget, not to a time to fit: say so.
        var unfittedBaselines = CorruptionSweep.ByModel(stored).Where(g => CorruptionSweep.Level(g.First().Config) == 0 && g.First().StepsToFit is null).Select(g => g.Key.Name()).ToList();
        return CorruptionSweep.Caption(sweep, context, What, stored) + Note +
               (unfittedBaselines.Count > 0 ? $" {string.Join(", ", unfittedBaselines)}: the true-label run did not reach 100% training accuracy within its budget either, so its ratios compare budgets, not times to fit." : "");
    }

    public bool RendersPartially(ReproduceContext context) => context.Profile == RunProfile.Paper;

    public IReadOnlyList<string> Render(ResultStore store, ReproduceContext context)
    {
        var plot = FigureStyle.NewPlot("Time to overfit", "label corruption p", "steps to fit (× true labels)");
        var index = 0;
        // A model is drawn relative to its true-label run: without one (a partial paper-profile sweep) it is left out.
        foreach (var model in CorruptionSweep.ByModel(CorruptionSweep.Load(sweep, store, context)).Where(g => CorruptionSweep.Level(g.First().Config) == 0))
        {
            var runs = model.ToList();
            var baseline = runs.First().StepsToFit ?? runs.First().Final!.Step;
            var x = runs.Select(r => CorruptionSweep.Level(r.Config)).ToArray();
            var y = runs.Select(r => (double)(r.StepsToFit ?? r.Final!.Step) / baseline).ToArray();
            var line = plot.Add.Scatter(x, y);
            FigureStyle.Apply(line, index);
            line.LegendText = model.Key.Name();
            var unfitted = runs.Where(r => r.StepsToFit is null).ToList();
            if (unfitted.Count > 0)
            {
                var open = plot.Add.ScatterPoints(unfitted.Select(r => CorruptionSweep.Level(r.Config)).ToArray(), unfitted.Select(r => (double)r.Final!.Step / baseline).ToArray());
                FigureStyle.Apply(open, index, lines: false);
                open.MarkerShape = ScottPlot.MarkerShape.OpenCircle;
                open.MarkerSize = 10;
            }
            index++;
        }
        FigureStyle.PlaceLegend(plot, ScottPlot.Alignment.UpperLeft);
        return FigureFile.Save(plot, context.FiguresDirectory, Id);
    }

    public IReadOnlyList<(string Name, string Value)> Macros(ResultStore store, ReproduceContext context) =>
        SourcedMacros(store, context).Select(m => (m.Name, m.Value)).ToList();

    /// <summary>A model's slowdown comes from its two end runs (true labels and p = 1).</summary>
    public IReadOnlyList<FigureMacro> SourcedMacros(ResultStore store, ReproduceContext context) =>
        // Only a model whose sweep has both ends (true labels and p = 1): a partial paper-profile sweep has no slowdown yet.
        CorruptionSweep.ByModel(CorruptionSweep.Load(sweep, store, context))
            .Where(g => CorruptionSweep.Level(g.First().Config) == 0 && CorruptionSweep.Level(g.Last().Config) == 1).Select(g =>
        {
            var runs = g.ToList();
            var factor = runs.Last().StepsToFit is { } s && runs.First().StepsToFit is { } t ? $"{(double)s / t:F1}" : "n/a";
            return new FigureMacro(Tables.Macros.Name("RandomLabelSlowdown", g.Key.Name()), factor,
                [Tables.MacroSources.Of(DeepRunGroup.RunId, runs.First().Config), Tables.MacroSources.Of(DeepRunGroup.RunId, runs.Last().Config)]);
        }).ToList();
}

/// <summary>Figure 1c: test error against label corruption.</summary>
public sealed class Fig1cFigure(DeepRunGroup sweep) : IFigure
{
    public string Id => "fig1c";
    public string Title => "Figure 1c: test error under label corruption";
    public IReadOnlyList<IExperiment> Needs => [sweep];

    private const string What = "Test error at the end of training (once the training set is fitted),";
    private const string Note = " The dotted line is chance (90%).";

    public string Caption(ReproduceContext context) => CorruptionSweep.Caption(sweep, context, What) + Note;

    public string Caption(ResultStore store, ReproduceContext context) => CorruptionSweep.Caption(sweep, context, What, sweep.LoadAvailable(store, context)) + Note;

    public bool RendersPartially(ReproduceContext context) => context.Profile == RunProfile.Paper;

    public IReadOnlyList<string> Render(ResultStore store, ReproduceContext context)
    {
        var plot = FigureStyle.NewPlot("Test error", "label corruption p", "test error (%)");
        var index = 0;
        foreach (var model in CorruptionSweep.ByModel(CorruptionSweep.Load(sweep, store, context)))
        {
            var runs = model.ToList();
            var line = plot.Add.Scatter(runs.Select(r => CorruptionSweep.Level(r.Config)).ToArray(), runs.Select(r => 100 * (1 - r.Final!.TestAccuracy)).ToArray());
            FigureStyle.Apply(line, index++);
            line.LegendText = model.Key.Name();
        }
        var chance = plot.Add.HorizontalLine(90, 1, FigureStyle.SeriesColor(5), ScottPlot.LinePattern.Dotted);
        chance.LegendText = "chance";
        plot.Axes.SetLimitsY(0, 100);
        FigureStyle.PlaceLegend(plot, ScottPlot.Alignment.LowerRight);
        return FigureFile.Save(plot, context.FiguresDirectory, Id);
    }

    public IReadOnlyList<(string Name, string Value)> Macros(ResultStore store, ReproduceContext context) =>
        SourcedMacros(store, context).Select(m => (m.Name, m.Value)).ToList();

    /// <summary>Each point's number comes from its own run.</summary>
    public IReadOnlyList<FigureMacro> SourcedMacros(ResultStore store, ReproduceContext context) =>
        CorruptionSweep.ByModel(CorruptionSweep.Load(sweep, store, context)).SelectMany(g => g.Select(r =>
            new FigureMacro(Tables.Macros.Name($"TestErrorCorrupted{(int)Math.Round(100 * CorruptionSweep.Level(r.Config))}", g.Key.Name()), $"{100 * (1 - r.Final!.TestAccuracy):F1}\\%",
                [Tables.MacroSources.Of(DeepRunGroup.RunId, r.Config)]))).ToList();
}
