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

/// <summary>The cost printed before a paper-profile run learns how many steps such runs take from the finished ones.</summary>
public sealed class CostEstimateTests : IDisposable
{
    private readonly string _out = Directory.CreateTempSubdirectory("rethink-costs").FullName;

    public void Dispose() => Directory.Delete(_out, recursive: true);

    [Fact]
    public void Finished_runs_of_a_model_set_the_steps_expected_of_its_pending_runs()
    {
        var paper = new ReproduceContext(RunProfile.Paper, ComputeDevice.Cpu, null, _out);
        var catalog = new Catalog();
        var store = new ResultStore(paper.DataResultsDirectory);
        var sweep = catalog.Runs.Sweep.Configure(paper).Where(c => c.Model == ModelKind.Mlp1x512).ToList();
        var random = sweep.Single(c => c.Labels.Kind == RandomizationKind.RandomLabels);
        // A finished random-label run that took its whole budget (as the MLPs do at full size).
        var result = RecipeTests.FakeTraining(random, 1) with { Records = [new TrainingRecord(random.MaxSteps, 199, 1e-6, 0.15, 0.9925, 0.094, 0.109, 1700)] };
        store.Save(DeepRunGroup.RunId, Configured<TrainingConfig>.Of(random), result, 1784);
        var costs = CostModel.Load(store);
        var corrupted = sweep.First(c => c.Labels.Kind == RandomizationKind.PartiallyCorrupted);
        var truth = sweep.Single(c => c.Labels.Kind == RandomizationKind.TrueLabels);
        Assert.Equal(random.MaxSteps, costs.ExpectedSteps(corrupted));       // randomized labels: as the random-label run
        Assert.Null(costs.ExpectedSteps(truth));                              // true labels: nothing finished yet
        Assert.Null(costs.ExpectedSteps(truth with { Model = ModelKind.Mlp3x512 }));
        // The estimate of a pending corrupted-label run is then the budget times the measured rate.
        var unit = catalog.Runs.Sweep.Units(paper with { Costs = costs }).Single(u => u.Hash == Rethink.Core.Json.Hash(corrupted));
        // (1784 / 78,200) × 78,200 in doubles: two roundings, within 2u relative (u = 2^-53; 4u allowed), then
        // TimeSpan's quantization to 100 ns ticks (at most half a tick).
        Assert.Equal(1784.0, unit.Estimate.TotalSeconds, 4 * 1784.0 * Math.Pow(2, -53) + 0.5e-7);
    }
}
