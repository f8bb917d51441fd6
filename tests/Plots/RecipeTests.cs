using Rethink.Core;
using Rethink.Deep;
using Rethink.Kernels;
using Rethink.Kernels.Devices;
using Rethink.Plots;
using Rethink.Experiments;
using Rethink.Plots.Figures;
using Rethink.Plots.Tables;
using Xunit;

namespace Rethink.Plots.Tests;

/// <summary>
/// Every figure and table recipe renders from result files: the theory experiments are computed
/// (they take milliseconds), the deep and kernel results are synthesized with the configs the
/// catalog asks for, so no training or solve runs here.
/// </summary>
public sealed class RecipeTests : IDisposable
{
    private readonly string _out = Directory.CreateTempSubdirectory("rethink-recipes").FullName;

    public void Dispose() => Directory.Delete(_out, recursive: true);

    internal static TrainingResult FakeTraining(TrainingConfig c, int seed)
    {
        var random = new Random(seed);
        var level = c.Labels.LabelProbability;
        var steps = (long)(300 * (1 + level) + random.Next(50));
        var records = Enumerable.Range(1, 10).Select(k => new TrainingRecord(k * steps / 10, k, 0.01, 2.3 / k, Math.Min(1, k / 9.0), 0.4 * (1 - level) + 0.1, 0.45 * (1 - level) + 0.1, k)).ToList();
        var losses = Enumerable.Range(1, (int)steps).Select(s => new StepLoss(s, 2.3 * Math.Exp(-s / 100.0) + 0.05 * random.NextDouble(), 0.5)).ToList();
        return new TrainingResult(c, Models.PaperParameterCounts[c.Model], c.Train ?? 50_000, c.Test ?? 10_000, ["scale-0-1"], 0.9 * level, records, losses, steps, steps / 10.0, TrainingDevice.Cpu, 0);
    }

    internal static KernelFitResult FakeKernel(KernelFitConfig c) =>
        new(c, new GaussianKernel(0.02), Bandwidth.Given(0.02), ["scale-0-1"], c.Features?.Describe(), c.Train ?? 60_000, c.Test ?? 10_000, 10, 0,
            new SolveReport(Backend.Lapack, "libopenblas", "CPU", c.Precision, SolveMethod.Cholesky, c.Train ?? 60_000, 10, c.Ridge, 1e-14, 1.0,
                40 + (c.Train ?? 60_000) / 100.0 * (c.Labels.Kind == Rethink.Data.RandomizationKind.TrueLabels ? 1 : 3),
                null, null, 100, 50, new SolveTimings(Gram: 1), null),
            c.Labels.Kind == Rethink.Data.RandomizationKind.TrueLabels ? 0.03 : 0.9, Enumerable.Repeat(0.03, 10).ToArray(), null, MachineInfo.Current, new FitTimings());

    /// <summary>Synthesized results for every experiment of the quick profile, stored under <paramref name="output"/>.</summary>
    internal static (ReproduceContext Context, Catalog Catalog, ResultStore Store) Synthesize(string output)
    {
        var context = new ReproduceContext(RunProfile.Quick, ComputeDevice.Cpu, null, output);
        var catalog = new Catalog();
        var store = new ResultStore(context.DataResultsDirectory);
        var seed = 0;
        foreach (var experiment in catalog.Experiments)
            switch (experiment)
            {
                case DeepRunGroup deep:
                    foreach (var c in deep.Configure(context)) store.Save(DeepRunGroup.RunId, Configured<TrainingConfig>.Of(c), FakeTraining(c, seed++), 1);
                    break;
                case KernelRunGroup kernel:
                    foreach (var c in kernel.Configure(context)) store.Save(KernelRunGroup.RunId, Configured<KernelFitConfig>.Of(c), FakeKernel(c), 1);
                    break;
                default:
                    foreach (var unit in experiment.Units(context)) unit.Execute(store, new Progress<double>(), default);
                    break;
            }
        return (context, catalog, store);
    }

    [Fact]
    public void Every_recipe_renders_its_files_and_the_report()
    {
        var (context, catalog, store) = Synthesize(_out);
        // Every experiment with runs in the quick profile is stored (Table 2's ImageNet runs are the paper profile's alone).
        foreach (var experiment in catalog.Experiments.Where(e => e.Units(context).Count > 0)) Assert.True(experiment.IsCached(store, context), experiment.Id);
        Assert.Empty(catalog.Runs.Table2.Units(context));
        // The console's render path, as `rethink render` takes it.
        var outcome = Rendering.Render(catalog, catalog.Figures, store, context);
        Assert.Empty(outcome.Skipped);
        Assert.Empty(outcome.Warnings);
        Assert.Equal(catalog.Figures.Select(f => f.Id), outcome.Rendered.Select(r => r.Figure.Id));
        foreach (var (figure, files) in outcome.Rendered)
        {
            Assert.NotEmpty(files);
            foreach (var file in files)
            {
                Assert.True(new FileInfo(file).Length > 500, $"{figure.Id}: {file} is nearly empty");
                if (file.EndsWith(".png")) Assert.Equal([0x89, (byte)'P', (byte)'N', (byte)'G'], File.ReadAllBytes(file)[..4]);
                if (file.EndsWith(".svg")) Assert.Contains("<svg", File.ReadAllText(file));
                if (file.EndsWith(".tex")) Assert.Contains("\\toprule", File.ReadAllText(file));
            }
        }
        var tex = File.ReadAllText(Path.Combine(_out, "macros.tex"));
        Assert.Contains("\\newcommand{\\MnistRawTestError}", tex);
        Assert.Contains("\\newcommand{\\TableOneTestAccAlexnetCropWd}", tex);
        Assert.DoesNotMatch(@"\\newcommand\{\\[A-Za-z]*[^A-Za-z}]", tex);
        var index = MacroIndex.Load(_out)!;
        Assert.Equal(RunProfile.Quick, index.Profile);
        Assert.Contains("MnistRawTestError", index.Macros.Keys);
        Assert.True(File.Exists(Path.Combine(_out, "tables", "manifest.md")));
        Assert.Contains("![", File.ReadAllText(Path.Combine(_out, "report.md")));
    }

    [Fact]
    public void Macro_names_are_letters_only_with_numbers_spelled_out()
    {
        Assert.Equal("TestErrorCorruptedFortyMlpOneXFiveHundredTwelve", Macros.Name("TestErrorCorrupted40", "mlp1x512"));
        Assert.Equal("CifarTenRawNorm", Macros.Name("cifar10-raw", "Norm"));
        Assert.Equal("SixtyThousand", Macros.Number(60_000));
        Assert.Throws<InvalidOperationException>(() => Macros.Render([("A", "1"), ("A", "2")], "dup"));
    }

    [Fact]
    public void Latex_escaping_covers_the_table_text()
    {
        Assert.Equal("95\\% $\\pm$ 1, $\\lambda$ = 0.1, $\\Delta$, $\\ell$2, a\\_b", TableFile.Escape("95% ± 1, λ = 0.1, Δ, ℓ2, a_b"));
        Assert.Throws<ArgumentException>(() => TableFile.Escape("ü"));
    }

    [Fact]
    public void Bad_command_lines_are_one_line_and_exit_code_2()
    {
        var error = Console.Error;
        using var captured = new StringWriter();
        Console.SetError(captured);
        try
        {
            Assert.Equal(2, Rethink.Plots.Cli.RethinkApp.Run(["theory", "lemma1", "--x", "1,2", "--b", "3,0"]));
            Assert.Equal(2, Rethink.Plots.Cli.RethinkApp.Run(["reproduce", "--only", "fig9"]));
        }
        finally
        {
            Console.SetError(error);
        }
        var lines = captured.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(2, lines.Length);
        Assert.Contains("index 0", lines[0]);
        Assert.Contains("--only", lines[1]);
    }
}
