using System.Globalization;
using Rethink.Data;
using Rethink.Deep;
using Rethink.Experiments;
using Rethink.Plots.Figures;

namespace Rethink.Plots.Tables;

/// <summary>
/// Table 1 of the paper (CIFAR-10): model, parameters, random crop, weight decay, train and test
/// accuracy — the paper's number, ours, and the difference. Random-label rows come from the
/// corruption sweep (p = 1).
/// </summary>
public sealed class Table1(DeepRunGroup trueLabels, DeepRunGroup sweep) : IFigure
{
    public string Id => "table1";
    public string Title => "Table 1: CIFAR-10 train and test accuracy";
    public bool IsTable => true;
    public IReadOnlyList<IExperiment> Needs => [trueLabels, sweep];

    /// <summary>The paper profile renders the rows that exist (its runs take GPU-hours); the quick profile all or nothing.</summary>
    public bool RendersPartially(ReproduceContext context) => context.Profile == RunProfile.Paper;

    public string Caption(ReproduceContext context)
    {
        if (context.Profile == RunProfile.Paper)
            return $"CIFAR-10 accuracy (%) with and without random 28x28 crops and weight decay ({PaperNumbers.WeightDecay}); paper, reproduced, and the difference. " +
                   "The scale column says what each reproduced number is: 'full' rows trained on all 50,000 training images and were evaluated on all 10,000 test images " +
                   "(paper profile, <= 200 epochs, stopped once the training set is fitted; steps and device given); 'subset' rows are the quick profile's runs on the subsets named there, " +
                   "not comparable with the paper's numbers; rows with neither have not been run. Random-label rows: labels drawn uniformly once per run (seed 1).";
        var runs = trueLabels.Configure(context);
        var sizes = string.Join(", ", runs.GroupBy(r => r.Model).Select(g => $"{g.Key.Name()}: {(g.First().Train is { } n ? $"{n:N0} training / {g.First().Test:N0} test images" : "full CIFAR-10")}, <= {g.First().MaxSteps:N0} steps"));
        return $"CIFAR-10 accuracy (%) with and without random 28x28 crops and weight decay ({PaperNumbers.WeightDecay}); paper, reproduced, and the difference. " +
               $"Reproduced runs ({context.Profile.ToString().ToLowerInvariant()} profile): {sizes}; training stops once the training set is fitted. " +
               "These are subsets, not the paper's scale (rethink reproduce --profile paper trains on all of CIFAR-10).";
    }

    private static string P(double v) => v.ToString("F2", CultureInfo.InvariantCulture);

    /// <summary>A paper row, our result for it (or none), and whether that result is at the paper's scale.</summary>
    private sealed record Row(PaperNumbers.Table1Row Paper, TrainingResult? Ours, bool FullSize);

    private static TrainingResult? Match(PaperNumbers.Table1Row row, IReadOnlyList<TrainingResult> results) =>
        row.RandomLabels
            ? results.FirstOrDefault(r => r.Config.Model == row.Model && r.Config.Labels.Kind == RandomizationKind.RandomLabels)
            : results.FirstOrDefault(r => r.Config.Model == row.Model && r.Config.Labels.Kind == RandomizationKind.TrueLabels && r.Config.Augment == row.RandomCrop && (r.Config.WeightDecay > 0) == row.WeightDecay);

    private List<Row> Rows(ResultStore store, ReproduceContext context)
    {
        // Random-label rows: the sweep's p = 1 runs, and Table 1's own for the models the sweep leaves out.
        IReadOnlyList<TrainingResult> Results(ReproduceContext c) =>
            [.. trueLabels.LoadAvailable(store, c), .. sweep.LoadAvailable(store, c).Where(r => CorruptionSweep.Level(r.Config) == 1.0)];
        if (context.Profile != RunProfile.Paper)
        {
            var quick = Results(context);
            return PaperNumbers.Table1.Select(row => new Row(row, Match(row, quick), false)).ToList();
        }
        // The paper profile: full-size results where they exist, else the quick profile's (labelled "subset").
        var full = Results(context);
        var subset = Results(context with { Profile = RunProfile.Quick });
        return PaperNumbers.Table1.Select(row => Match(row, full) is { } f ? new Row(row, f, true) : new Row(row, Match(row, subset), false)).ToList();
    }

    /// <summary>"full, 5,865 steps, cuda" or "subset 1,000/1,000, 1,500 steps, cpu".</summary>
    private static string Scale(Row row) => row.Ours is not { } r ? "not run"
        : $"{(row.FullSize ? "full" : $"subset {r.TrainPoints:N0}/{r.TestPoints:N0}")}, {r.Final!.Step:N0} steps, {(r.Device == TrainingDevice.Cuda ? "cuda" : "cpu")}";

    public IReadOnlyList<string> Render(ResultStore store, ReproduceContext context)
    {
        var paper = context.Profile == RunProfile.Paper;
        var rows = Rows(store, context).Select(t =>
        {
            var (row, ours) = (t.Paper, t.Ours);
            var train = ours is null ? "—" : P(100 * ours.Final!.TrainAccuracy);
            var test = ours is null ? "—" : P(100 * ours.Final!.TestAccuracy);
            List<string> cells =
            [
                row.Model.Name() + (row.RandomLabels ? " (random labels)" : ""),
                Models.PaperParameterCounts[row.Model].ToString("N0", CultureInfo.InvariantCulture),
                row.RandomCrop ? "yes" : "no",
                row.WeightDecay ? "yes" : "no",
                P(row.Train), train, ours is null ? "" : Signed(100 * ours.Final!.TrainAccuracy - row.Train),
                P(row.Test), test, ours is null ? "" : Signed(100 * ours.Final!.TestAccuracy - row.Test),
            ];
            if (paper) cells.Add(Scale(t));
            return (IReadOnlyList<string>)cells;
        }).ToList();
        List<string> header = ["model", "# params", "random crop", "weight decay", "train (paper)", "train (ours)", "Δ", "test (paper)", "test (ours)", "Δ"];
        if (paper) header.Add("scale");
        return TableFile.Save(context.TablesDirectory, Id, Caption(context), header, rows, "lrcc" + new string('r', 6) + (paper ? "l" : ""),
            Provenance.Sources(Needs, store, context));
    }

    private static string Signed(double v) => (v >= 0 ? "+" : "") + v.ToString("F2", CultureInfo.InvariantCulture);

    public IReadOnlyList<(string Name, string Value)> Macros(ResultStore store, ReproduceContext context) =>
        SourcedMacros(store, context).Select(m => (m.Name, m.Value)).ToList();

    /// <summary>Each row's numbers come from that row's run alone.</summary>
    public IReadOnlyList<FigureMacro> SourcedMacros(ResultStore store, ReproduceContext context) =>
        // Only numbers at the profile's own scale become macros (a paper quoting the paper profile never gets a subset's number).
        Rows(store, context).Where(t => t.Ours is not null && (t.FullSize || context.Profile != RunProfile.Paper)).SelectMany(t =>
        {
            var key = $"{t.Paper.Model.Name()}{(t.Paper.RandomLabels ? "-random-labels" : "")}{(t.Paper.RandomCrop ? "-crop" : "")}{(t.Paper.WeightDecay ? "-wd" : "")}";
            IReadOnlyList<string> source = [MacroSources.Of(DeepRunGroup.RunId, t.Ours!.Config)];
            return new[]
            {
                new FigureMacro(Tables.Macros.Name("TableOneTrainAcc", key), P(100 * t.Ours!.Final!.TrainAccuracy) + "\\%", source),
                new FigureMacro(Tables.Macros.Name("TableOneTestAcc", key), P(100 * t.Ours!.Final!.TestAccuracy) + "\\%", source),
            };
        }).ToList();
}
