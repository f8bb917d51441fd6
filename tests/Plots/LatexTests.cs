using Rethink.Experiments;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using Rethink.Plots.Tables;
using Xunit;

namespace Rethink.Plots.Tests;

/// <summary>
/// A fact that needs pdflatex. The README's set-up command (<c>.ci/deps.sh</c>) installs it, so it never skips:
/// where pdflatex is missing the test fails with that one line.
/// </summary>
public sealed class LatexFactAttribute : FactAttribute
{
    /// <summary>Throws, naming the fix, when pdflatex is not installed.</summary>
    public static void Require()
    {
        if (!File.Exists("/usr/bin/pdflatex"))
            throw new InvalidOperationException("pdflatex not found: run the README's set-up command, `bash .ci/deps.sh` as root (or `sudo bash .ci/deps.sh`), which installs Debian's texlive.");
    }
}

/// <summary>
/// The generated LaTeX compiles: macros.tex and every table in a minimal article with pdflatex, failing
/// on any error or undefined control sequence; and the numbers in the tables are the numbers in the
/// result files they were rendered from.
/// </summary>
public sealed partial class LatexTests : IDisposable
{
    private readonly string _out = Directory.CreateTempSubdirectory("rethink-latex").FullName;

    public void Dispose() => Directory.Delete(_out, recursive: true);

    private IReadOnlyList<string> _kernelTableFiles = [];

    private (string Macros, IReadOnlyList<string> Tables) Render()
    {
        var (context, catalog, store) = RecipeTests.Synthesize(_out);
        _kernelTableFiles = catalog.Experiments.Single(e => e.Id == "kernel-table").ResultFiles(store, context);
        var macros = new List<(string, string)>();
        foreach (var figure in catalog.Figures)
        {
            figure.Render(store, context);
            macros.AddRange(figure.Macros(store, context));
        }
        Manifest.Save(catalog.Experiments, store, context);
        var macrosPath = Path.Combine(_out, "macros.tex");
        File.WriteAllText(macrosPath, Macros.Render(macros, "test"));
        return (macrosPath, Directory.GetFiles(context.TablesDirectory, "*.tex").Order().ToList());
    }

    [LatexFact]
    public void Macros_and_every_table_compile_with_pdflatex()
    {
        LatexFactAttribute.Require();
        var (macros, tables) = Render();
        Assert.NotEmpty(tables);
        var body = string.Join("\n", File.ReadAllLines(macros).Where(l => l.StartsWith("\\newcommand", StringComparison.Ordinal))
            .Select(l => Regex.Match(l, @"\\newcommand\{(\\[A-Za-z]+)\}").Groups[1].Value).Select(m => $"\\texttt{{\\detokenize{{{m}}}}}: {m}\\par"));
        var document = $$"""
            \documentclass{article}
            \usepackage{booktabs}
            \usepackage{graphicx}
            \usepackage[margin=2cm]{geometry}
            \input{{{macros}}}
            \begin{document}
            {{body}}
            {{string.Join("\n", tables.Select(t => $"\\input{{{t}}}\n\\clearpage"))}}
            \end{document}
            """;
        var tex = Path.Combine(_out, "check.tex");
        File.WriteAllText(tex, document);
        var info = new ProcessStartInfo("/usr/bin/pdflatex") { WorkingDirectory = _out, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in new[] { "-interaction=nonstopmode", "-halt-on-error", "check.tex" }) info.ArgumentList.Add(a);
        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        _ = process.StandardError.ReadToEndAsync();
        Assert.True(process.WaitForExit(120_000), "pdflatex did not finish in 2 minutes");
        var log = File.ReadAllText(Path.Combine(_out, "check.log"));
        Assert.True(process.ExitCode == 0, $"pdflatex exit {process.ExitCode}:\n{stdout.Result[^Math.Min(3000, stdout.Result.Length)..]}");
        Assert.DoesNotContain("Undefined control sequence", log);
        Assert.DoesNotContain("! LaTeX Error", log);
        Assert.True(new FileInfo(Path.Combine(_out, "check.pdf")).Length > 1000);
    }

    [Fact]
    public void Kernel_table_rows_carry_the_numbers_of_their_result_files()
    {
        Render();
        var rows = File.ReadAllLines(Path.Combine(_out, "tables", "kernel-table.tex"))
            .Where(l => l.TrimEnd().EndsWith(@"\\", StringComparison.Ordinal) && !l.Contains("dataset &", StringComparison.Ordinal))
            .Select(l => l.Trim()[..^2].Split('&').Select(c => c.Trim()).ToArray()).ToList();
        var results = _kernelTableFiles.Select(f => JsonDocument.Parse(File.ReadAllText(f)).RootElement).ToList();
        Assert.Equal(results.Count, rows.Count);
        foreach (var record in results)
        {
            var result = record.GetProperty("result");
            var config = result.GetProperty("config");
            var features = config.TryGetProperty("features", out var f) && f.ValueKind == JsonValueKind.Object ? f.GetProperty("kind").GetString()! : "raw pixels";
            var n = result.GetProperty("trainPoints").GetInt32().ToString("N0", CultureInfo.InvariantCulture);
            var ridge = config.GetProperty("ridge").GetDouble();
            var row = rows.Single(r => r[0] == config.GetProperty("dataset").GetString() && r[1] == features && r[2] == n && (ridge > 0) == r[4].Contains("lambda", StringComparison.Ordinal));
            Assert.Equal((100 * result.GetProperty("testError").GetDouble()).ToString("F2", CultureInfo.InvariantCulture), row[6]);
            Assert.Equal(result.GetProperty("solve").GetProperty("rkhsNorm").GetDouble().ToString("F1", CultureInfo.InvariantCulture), row[9]);
            Assert.Equal(result.GetProperty("solve").GetProperty("precision").GetString(), row[3]);
        }
    }
}
