using System.Globalization;
using Rethink.Experiments;
using Rethink.Plots.Figures;

namespace Rethink.Plots.Tables;

/// <summary>
/// Table 2 of the paper (Inception V3 on ImageNet, random labels): top-1 and top-5 accuracy on the training
/// and the validation set, the paper's beside a reproduced column. ImageNet cannot be had here and its runs
/// are GPU-days: the reproduced column is empty until a run on ImageNet is stored, and says so.
/// </summary>
public sealed class Table2 : IFigure
{
    public string Id => "table2";
    public string Title => "Table 2: ImageNet top-1 and top-5 accuracy of Inception V3";
    public bool IsTable => true;
    public IReadOnlyList<IExperiment> Needs => [];

    public string Caption(ReproduceContext context) =>
        "ImageNet (ILSVRC2012) top-1 and top-5 accuracy (%) of Inception V3 on the training set and the 50,000 validation images, with true and random labels, " +
        "with and without data augmentation (random-resized crops and flips), dropout before the classifier and weight decay; in parentheses, the paper's test accuracy with early stopping. " +
        $"The paper also cites AlexNet's {PaperNumbers.AlexNetImageNetTop5Test.ToString("F1", CultureInfo.InvariantCulture)}% top-5 test accuracy. " +
        "Reproduced: not run (no ImageNet here; `rethink data info --dataset imagenet --data DIR` reads an ILSVRC2012 folder).";

    private static string P(double v) => v.ToString("F2", CultureInfo.InvariantCulture);

    private static string WithEarly(double value, double? early) => early is { } e ? $"{P(value)} ({P(e)})" : P(value);

    public IReadOnlyList<string> Render(ResultStore store, ReproduceContext context)
    {
        var rows = PaperNumbers.Table2.Select(r => (IReadOnlyList<string>)
        [
            r.RandomLabels ? "random" : "true",
            r.DataAugmentation ? "yes" : "no",
            r.Dropout ? "yes" : "no",
            r.WeightDecay ? "yes" : "no",
            P(r.Top1Train), "—", P(r.Top5Train), "—",
            WithEarly(r.Top1Test, r.Top1TestEarlyStopping), "—", WithEarly(r.Top5Test, r.Top5TestEarlyStopping), "—",
        ]).ToList();
        List<string> header = ["labels", "data aug", "dropout", "weight decay", "top-1 train (paper)", "(ours)", "top-5 train (paper)", "(ours)", "top-1 test (paper)", "(ours)", "top-5 test (paper)", "(ours)"];
        return TableFile.Save(context.TablesDirectory, Id, Caption(context), header, rows, "lccc" + new string('r', 8), []);
    }
}
