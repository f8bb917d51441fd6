using Rethink.Deep;
using Rethink.Experiments;
using Rethink.Kernels.Devices;
using Xunit;

namespace Rethink.Plots.Tests;

/// <summary>
/// Table 2 (ImageNet, Inception V3) renders with no result at all: the paper's seven rows, as the paper
/// prints them (typed here from the paper, not from <see cref="PaperNumbers"/>), an empty reproduced column,
/// and a caption that says it was not run.
/// </summary>
public sealed class Table2Tests : IDisposable
{
    private readonly string _out = Directory.CreateTempSubdirectory("rethink-table2").FullName;

    public void Dispose() => Directory.Delete(_out, recursive: true);

    [Theory]
    [InlineData(RunProfile.Quick)]
    [InlineData(RunProfile.Paper)]
    public void Table2_renders_the_papers_numbers_and_an_empty_reproduced_column(RunProfile profile)
    {
        var context = new ReproduceContext(profile, ComputeDevice.Cpu, null, _out);
        Directory.CreateDirectory(context.TablesDirectory);
        var table = new Catalog().Figures.Single(f => f.Id == "table2");
        Assert.Single(table.Needs);
        table.Render(new ResultStore(context.DataResultsDirectory), context);
        var rows = File.ReadAllLines(Path.Combine(context.TablesDirectory, "table2.md")).Skip(2).TakeWhile(l => l.StartsWith('|')).ToList();
        string[] paper =
        [
            "| true | yes | yes | yes | 92.18 | — | 99.21 | — | 77.84 | — | 93.92 | — |",
            "| true | yes | no | no | 92.33 | — | 99.17 | — | 72.95 | — | 90.43 | — |",
            "| true | no | no | yes | 90.60 | — | 100.00 | — | 67.18 (72.57) | — | 86.44 (91.31) | — |",
            "| true | no | no | no | 99.53 | — | 100.00 | — | 59.80 (63.16) | — | 80.38 (84.49) | — |",
            "| random | no | yes | yes | 91.18 | — | 97.95 | — | 0.09 | — | 0.49 | — |",
            "| random | no | no | yes | 87.81 | — | 96.15 | — | 0.12 | — | 0.50 | — |",
            "| random | no | no | no | 95.20 | — | 99.14 | — | 0.11 | — | 0.56 | — |",
        ];
        Assert.Equal(paper, rows);
        var text = File.ReadAllText(Path.Combine(context.TablesDirectory, "table2.md"));
        Assert.Contains("Reproduced: not run", text);
        Assert.Contains("\\label{tab:table2}", File.ReadAllText(Path.Combine(context.TablesDirectory, "table2.tex")));
        Assert.Empty(table.Macros(new ResultStore(context.DataResultsDirectory), context));
    }

    /// <summary>A stored run fills its row (top-1 and top-5, train and test) and becomes macros; the other rows stay empty.</summary>
    [Fact]
    public void A_stored_imagenet_run_fills_its_row_and_its_macros()
    {
        var context = new ReproduceContext(RunProfile.Paper, ComputeDevice.Cpu, null, _out);
        Directory.CreateDirectory(context.TablesDirectory);
        var catalog = new Catalog();
        var configs = catalog.Runs.Table2.Configure(context);
        Assert.Equal(7, configs.Count);
        Assert.All(configs, c => Assert.Equal(ModelKind.InceptionV3, c.Model));
        var random = configs.Single(c => c.Labels.Kind == Rethink.Data.RandomizationKind.RandomLabels && !c.Augment && c.Dropout == 0 && c.WeightDecay == 0);
        var store = new ResultStore(context.DataResultsDirectory);
        var fake = RecipeTests.FakeTraining(random, 1);
        var last = fake.Records[^1] with { TrainAccuracy = 0.952, TrainTop5 = 0.9914, TestAccuracy = 0.0011, TestTop5 = 0.0056 };
        store.Save(DeepRunGroup.RunId, Configured<TrainingConfig>.Of(random), fake with { Records = [.. fake.Records.SkipLast(1), last] }, 1);

        var table = catalog.Figures.Single(f => f.Id == "table2");
        table.Render(store, context);
        var md = File.ReadAllText(Path.Combine(context.TablesDirectory, "table2.md"));
        Assert.Contains("| random | no | no | no | 95.20 | 95.20 | 99.14 | 99.14 | 0.11 | 0.11 | 0.56 | 0.56 |", md);
        Assert.Contains("| random | no | no | yes | 87.81 | — |", md);
        Assert.Contains("Reproduced: 1 of 7 rows", table.Caption(store, context));
        var macros = table.Macros(store, context).ToDictionary(m => m.Name, m => m.Value);
        Assert.Equal("0.56\\%", macros["TableTwoTestTopFiveRandomLabels"]);
        Assert.Equal(4, macros.Count);
    }
}
