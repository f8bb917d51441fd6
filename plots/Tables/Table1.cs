using System.Globalization;
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

    public string Caption(ReproduceContext context)
    {
        var runs = trueLabels.Configure(context);
        var sizes = string.Join(", ", runs.GroupBy(r => r.Model).Select(g => $"{g.Key.Name()}: {(g.First().Train is { } n ? $"{n:N0} training / {g.First().Test:N0} test images" : "full CIFAR-10")}, <= {g.First().MaxSteps:N0} steps"));
        return $"CIFAR-10 accuracy (%) with and without random 28x28 crops and weight decay ({PaperNumbers.WeightDecay}); paper, reproduced, and the difference. " +
               $"Reproduced runs ({context.Profile.ToString().ToLowerInvariant()} profile): {sizes}; training stops once the training set is fitted. " +
               "Rows without a reproduced number need --profile paper.";
    }

    private static string P(double v) => v.ToString("F2", CultureInfo.InvariantCulture);

    private List<(PaperNumbers.Table1Row Paper, TrainingResult? Ours)> Rows(ResultStore store, ReproduceContext context)
    {
        var ours = trueLabels.Load(store, context).ToList();
        var random = sweep.Load(store, context).Where(r => CorruptionSweep.Level(r.Config) == 1.0).ToList();
        return PaperNumbers.Table1.Select(row =>
        {
            var match = row.RandomLabels
                ? random.FirstOrDefault(r => r.Config.Model == row.Model)
                : ours.FirstOrDefault(r => r.Config.Model == row.Model && r.Config.Augment == row.RandomCrop && (r.Config.WeightDecay > 0) == row.WeightDecay);
            return (row, match);
        }).ToList();
    }

    public IReadOnlyList<string> Render(ResultStore store, ReproduceContext context)
    {
        var rows = Rows(store, context).Select(t =>
        {
            var (paper, ours) = t;
            var train = ours is null ? "—" : P(100 * ours.Final!.TrainAccuracy);
            var test = ours is null ? "—" : P(100 * ours.Final!.TestAccuracy);
            return (IReadOnlyList<string>)
            [
                paper.Model.Name() + (paper.RandomLabels ? " (random labels)" : ""),
                Models.PaperParameterCounts[paper.Model].ToString("N0", CultureInfo.InvariantCulture),
                paper.RandomCrop ? "yes" : "no",
                paper.WeightDecay ? "yes" : "no",
                P(paper.Train), train, ours is null ? "" : Signed(100 * ours.Final!.TrainAccuracy - paper.Train),
                P(paper.Test), test, ours is null ? "" : Signed(100 * ours.Final!.TestAccuracy - paper.Test),
            ];
        }).ToList();
        return TableFile.Save(context.TablesDirectory, Id, Caption(context),
            ["model", "# params", "random crop", "weight decay", "train (paper)", "train (ours)", "Δ", "test (paper)", "test (ours)", "Δ"], rows, "lrcc" + new string('r', 6),
            Provenance.Sources(Needs, store, context));
    }

    private static string Signed(double v) => (v >= 0 ? "+" : "") + v.ToString("F2", CultureInfo.InvariantCulture);

    public IReadOnlyList<(string Name, string Value)> Macros(ResultStore store, ReproduceContext context) =>
        Rows(store, context).Where(t => t.Ours is not null).SelectMany(t =>
        {
            var key = $"{t.Paper.Model.Name()}{(t.Paper.RandomLabels ? "-random-labels" : "")}{(t.Paper.RandomCrop ? "-crop" : "")}{(t.Paper.WeightDecay ? "-wd" : "")}";
            return new[]
            {
                (Tables.Macros.Name("TableOneTrainAcc", key), P(100 * t.Ours!.Final!.TrainAccuracy) + "\\%"),
                (Tables.Macros.Name("TableOneTestAcc", key), P(100 * t.Ours!.Final!.TestAccuracy) + "\\%"),
            };
        }).ToList();
}
