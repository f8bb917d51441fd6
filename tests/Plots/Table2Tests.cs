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
    }
}
