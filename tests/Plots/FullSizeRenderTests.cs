using Rethink.Data;
using Rethink.Deep;
using Rethink.Experiments;
using Rethink.Kernels.Devices;
using Rethink.Plots.Figures;
using Xunit;

namespace Rethink.Plots.Tests;

/// <summary>
/// The paper profile renders what exists: its runs take GPU-hours, so Table 1 and Figure 1 show the
/// full-size rows that have been run, label each reproduced number with its scale (full size, or the
/// quick profile's subset), and make macros only of full-size numbers.
/// </summary>
public sealed class FullSizeRenderTests : IDisposable
{
    private readonly string _out = Directory.CreateTempSubdirectory("rethink-full-size").FullName;

    public void Dispose() => Directory.Delete(_out, recursive: true);

    private static TrainingConfig Find(DeepRunGroup group, ReproduceContext context, ModelKind model, RandomizationKind kind) =>
        group.Configure(context).First(c => c.Model == model && c.Labels.Kind == kind && !c.Augment && c.WeightDecay == 0);

    [Fact]
    public void Table1_shows_full_size_rows_beside_subset_rows_and_says_which()
    {
        var paper = new ReproduceContext(RunProfile.Paper, ComputeDevice.Cpu, null, _out);
        var quick = paper with { Profile = RunProfile.Quick };
        var catalog = new Catalog();
        var store = new ResultStore(paper.DataResultsDirectory);
        var fullMlp = Find(catalog.Runs.Table1, paper, ModelKind.Mlp1x512, RandomizationKind.TrueLabels);
        var fullRandom = Find(catalog.Runs.Table1, paper, ModelKind.Mlp3x512, RandomizationKind.RandomLabels); // Table 1's own random-label run (not in the paper sweep)
        var subsetAlexNet = Find(catalog.Runs.Table1, quick, ModelKind.AlexNet, RandomizationKind.TrueLabels);
        Assert.Null(fullMlp.Train);
        Assert.NotNull(subsetAlexNet.Train);
        foreach (var (c, seed) in new[] { (fullMlp, 1), (fullRandom, 2), (subsetAlexNet, 3) })
            store.Save(DeepRunGroup.RunId, Configured<TrainingConfig>.Of(c), RecipeTests.FakeTraining(c, seed), 1);

        var table = catalog.Figures.Single(f => f.Id == "table1");
        Assert.True(table.RendersPartially(paper));
        Assert.False(table.RendersPartially(quick));
        var outcome = Rendering.Render(catalog, [table], store, paper);
        Assert.Contains(outcome.Rendered, r => r.Figure.Id == "table1");
        var lines = File.ReadAllLines(Path.Combine(_out, "tables", "table1.md"));
        Assert.EndsWith("| scale |", lines[0]);
        string Row(string start) => lines.Single(l => l.StartsWith(start, StringComparison.Ordinal));
        Assert.Contains("| full, ", Row("| mlp1x512 | 1,209,866 | no | no |"));
        Assert.Contains("| full, ", Row("| mlp3x512 (random labels) |"));
        Assert.Contains($"| subset {subsetAlexNet.Train:N0}/{subsetAlexNet.Test:N0}, ", Row("| alexnet | 1,387,786 | no | no |"));
        Assert.Contains("| not run |", Row("| inception | 1,649,402 | no | no |"));
        // Macros: the full-size numbers only.
        var macros = File.ReadAllText(Path.Combine(_out, "macros.tex"));
        Assert.Contains("\\TableOneTestAccMlpOneXFiveHundredTwelve}", macros);
        Assert.Contains("\\TableOneTestAccMlpThreeXFiveHundredTwelveRandomLabels}", macros);
        Assert.DoesNotContain("TableOneTestAccAlexnet}", macros);
        Assert.Contains("'subset' rows are the quick profile's runs", File.ReadAllText(Path.Combine(_out, "report.md")));
    }

    [Fact]
    public void Figure_1a_draws_the_model_whose_runs_exist_and_names_it_and_what_is_missing()
    {
        var paper = new ReproduceContext(RunProfile.Paper, ComputeDevice.Cpu, null, _out);
        var catalog = new Catalog();
        var store = new ResultStore(paper.DataResultsDirectory);
        var seed = 0;
        foreach (var c in catalog.Runs.Fig1a.Configure(paper).Where(c => c.Model == ModelKind.Mlp1x512 && c.Labels.Kind != RandomizationKind.Gaussian))
            store.Save(DeepRunGroup.RunId, Configured<TrainingConfig>.Of(c), RecipeTests.FakeTraining(c, seed++), 1);
        var figure = catalog.Figures.Single(f => f.Id == "fig1a");
        var outcome = Rendering.Render(catalog, [figure], store, paper);
        Assert.Contains(outcome.Rendered, r => r.Figure.Id == "fig1a");
        var caption = figure.Caption(store, paper);
        Assert.StartsWith("Training loss (cross-entropy, moving average over 20 steps) of mlp1x512 on all 50,000 CIFAR-10 training images", caption);
        Assert.EndsWith("Not yet run at this scale: gaussian.", caption);
        Assert.Contains(caption, File.ReadAllText(Path.Combine(_out, "report.md")));
    }

    [Fact]
    public void The_quick_profile_still_renders_only_complete_figures()
    {
        var quick = new ReproduceContext(RunProfile.Quick, ComputeDevice.Cpu, null, _out);
        var catalog = new Catalog();
        var store = new ResultStore(quick.DataResultsDirectory);
        var c = catalog.Runs.Table1.Configure(quick)[0];
        store.Save(DeepRunGroup.RunId, Configured<TrainingConfig>.Of(c), RecipeTests.FakeTraining(c, 1), 1);
        var outcome = Rendering.Render(catalog, catalog.Figures.Where(f => f.Id == "table1").ToList(), store, quick);
        Assert.DoesNotContain(outcome.Rendered, r => r.Figure.Id == "table1");
        Assert.Contains(outcome.Skipped, s => s.Figure.Id == "table1");
    }
}
