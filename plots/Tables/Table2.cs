using System.Globalization;
using Rethink.Deep;
using Rethink.Experiments;
using Rethink.Plots.Figures;

namespace Rethink.Plots.Tables;

/// <summary>
/// Table 2 of the paper (Inception V3 on ImageNet, random labels): top-1 and top-5 accuracy on the training
/// and the validation set, the paper's beside ours. ImageNet cannot be had here and its runs are GPU-days:
/// the table renders with no result at all, ours empty ("—") for every row not yet run, and says so.
/// </summary>
public sealed class Table2(DeepRunGroup runs) : IFigure
{
    public string Id => "table2";
    public string Title => "Table 2: ImageNet top-1 and top-5 accuracy of Inception V3";
    public bool IsTable => true;
    public IReadOnlyList<IExperiment> Needs => [runs];
    public bool RendersWithoutResults => true;
    public bool RendersPartially(ReproduceContext context) => true;

    public string Caption(ReproduceContext context) => Caption(null, context);

    public string Caption(ResultStore? store, ReproduceContext context)
    {
        var done = store is null ? 0 : runs.LoadAvailable(store, context).Count;
        return "ImageNet (ILSVRC2012) top-1 and top-5 accuracy (%) of Inception V3 on the training set and the 50,000 validation images, with true and random labels, " +
            "with and without data augmentation (random-resized crops and flips), dropout before the classifier and weight decay; in parentheses, the paper's test accuracy with early stopping. " +
            $"The paper also cites AlexNet's {PaperNumbers.AlexNetImageNetTop5Test.ToString("F1", CultureInfo.InvariantCulture)}% top-5 test accuracy. " +
            (done == 0
                ? "Reproduced: not run (ImageNet is not here; `rethink reproduce --profile paper --only table2 --data DIR` runs the seven rows on the ILSVRC2012 folder in DIR, under mpirun across processes)."
                : $"Reproduced: {done} of 7 rows, Inception V3 at 299x299 on all of ImageNet (paper profile: SGD momentum 0.9, lr 0.045 x 0.94 every 2 epochs, batch 128, <= 100 epochs); rows marked — not yet run.");
    }

    string IFigure.Caption(ResultStore store, ReproduceContext context) => Caption(store, context);

    private static string P(double v) => v.ToString("F2", CultureInfo.InvariantCulture);

    private static string WithEarly(double value, double? early) => early is { } e ? $"{P(value)} ({P(e)})" : P(value);

    private static TrainingResult? Match(PaperNumbers.Table2Row row, IReadOnlyList<TrainingResult> results) =>
        results.FirstOrDefault(r => r.Config.Labels.Kind == (row.RandomLabels ? Data.RandomizationKind.RandomLabels : Data.RandomizationKind.TrueLabels)
            && r.Config.Augment == row.DataAugmentation && (r.Config.Dropout > 0) == row.Dropout && (r.Config.WeightDecay > 0) == row.WeightDecay);

    /// <summary>Macros of the rows run: e.g. \TableTwoTestTopFiveRandomLabels, \TableTwoTrainTopOneTrueLabelsAugDropoutWd.</summary>
    public IReadOnlyList<(string Name, string Value)> Macros(ResultStore store, ReproduceContext context) =>
        SourcedMacros(store, context).Select(m => (m.Name, m.Value)).ToList();

    /// <summary>Each row's numbers come from that row's run alone.</summary>
    public IReadOnlyList<FigureMacro> SourcedMacros(ResultStore store, ReproduceContext context)
    {
        var results = runs.LoadAvailable(store, context);
        var macros = new List<FigureMacro>();
        foreach (var row in PaperNumbers.Table2)
        {
            if (Match(row, results) is not { Final: { } f } run) continue;
            var key = $"{(row.RandomLabels ? "random-labels" : "true-labels")}{(row.DataAugmentation ? "-aug" : "")}{(row.Dropout ? "-dropout" : "")}{(row.WeightDecay ? "-wd" : "")}";
            IReadOnlyList<string> source = [MacroSources.Of(DeepRunGroup.RunId, run.Config)];
            foreach (var (what, value) in new (string, double?)[] { ("TrainTopOne", f.TrainAccuracy), ("TrainTopFive", f.TrainTop5), ("TestTopOne", f.TestAccuracy), ("TestTopFive", f.TestTop5) })
                if (value is { } v) macros.Add(new FigureMacro(Tables.Macros.Name("TableTwo" + what, key), P(100 * v) + "\\%", source));
        }
        return macros;
    }

    public IReadOnlyList<string> Render(ResultStore store, ReproduceContext context)
    {
        var results = runs.LoadAvailable(store, context);
        string Ours(TrainingResult? r, Func<TrainingRecord, double?> value) => r?.Final is { } f && value(f) is { } v ? P(100 * v) : "—";
        var rows = PaperNumbers.Table2.Select(row =>
        {
            var ours = Match(row, results);
            return (IReadOnlyList<string>)
            [
                row.RandomLabels ? "random" : "true",
                row.DataAugmentation ? "yes" : "no",
                row.Dropout ? "yes" : "no",
                row.WeightDecay ? "yes" : "no",
                P(row.Top1Train), Ours(ours, f => f.TrainAccuracy), P(row.Top5Train), Ours(ours, f => f.TrainTop5),
                WithEarly(row.Top1Test, row.Top1TestEarlyStopping), Ours(ours, f => f.TestAccuracy), WithEarly(row.Top5Test, row.Top5TestEarlyStopping), Ours(ours, f => f.TestTop5),
            ];
        }).ToList();
        List<string> header = ["labels", "data aug", "dropout", "weight decay", "top-1 train (paper)", "(ours)", "top-5 train (paper)", "(ours)", "top-1 test (paper)", "(ours)", "top-5 test (paper)", "(ours)"];
        return TableFile.Save(context.TablesDirectory, Id, Caption(store, context), header, rows, "lccc" + new string('r', 8), Provenance.Sources(Needs, store, context));
    }
}
