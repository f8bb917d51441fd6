using System.Text.Json.Nodes;
using Xunit;
using Xunit.Abstractions;

namespace Rethink.Console.Tests;

/// <summary>
/// `rethink paper init|check` as an author meets them: the skeleton builds even before any result
/// exists (numbers show as ??), and the check names every macro the paper uses that is missing or
/// stale — a result from another Rethink version, a result recomputed after the render, a theorem
/// check run by another version — and passes once everything is current.
/// </summary>
public sealed class PaperTests(ITestOutputHelper output) : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    private string Results => _dir.File("results");
    private string PaperDir => _dir.File("paper");

    /// <summary>The MNIST kernel-norm fits (a few seconds) rendered into a results folder, and a paper using them.</summary>
    private void Reproduce()
    {
        var run = RethinkProcess.Run(["reproduce", "--only", "kernel-norm", "--device", "cpu", "--out", Results], TimeSpan.FromMinutes(3));
        Assert.True(run.ExitCode == 0, run.ToString());
    }

    private void Paper(params string[] body)
    {
        Directory.CreateDirectory(PaperDir);
        File.WriteAllText(Path.Combine(PaperDir, "main.tex"),
            "\\documentclass{article}\n\\usepackage{rethink}\n\\rethinkresults{../results}\n\\begin{document}\n" + string.Join("\n", body) + "\n\\end{document}\n");
    }

    private ProcessResult Check()
    {
        var run = RethinkProcess.Run(["paper", "check", PaperDir]);
        output.WriteLine(run.ToString());
        return run;
    }

    [Fact]
    public void A_missing_macro_is_named_with_its_place_and_fails_the_check()
    {
        Reproduce();
        Paper("The norm is \\rethink{MnistNormTrueLabels}.", "% \\rethink{CommentedOut} is not a use", "Unknown: \\rethink{NoSuchNumber}.");
        var run = Check();
        Assert.Equal(1, run.ExitCode);
        Assert.Contains("missing \\NoSuchNumber (main.tex:7)", run.Stdout);
        Assert.DoesNotContain("MnistNormTrueLabels", run.Stdout);
        Assert.DoesNotContain("CommentedOut", run.Stdout);
        Assert.Contains("1 missing and 0 stale of 2", run.Stdout);

        Paper("The norm is \\rethink{MnistNormTrueLabels}, random labels \\MnistNormRandomLabels.");
        var clean = Check();
        Assert.True(clean.ExitCode == 0, clean.ToString());
        Assert.Contains("2 Rethink macro(s) used in paper, all present and current", clean.Stdout);
    }

    [Fact]
    public void A_result_from_another_version_or_recomputed_after_the_render_is_stale()
    {
        Reproduce();
        Paper("The norm is \\rethink{MnistNormTrueLabels}.");
        Assert.Equal(0, Check().ExitCode);
        var index = JsonNode.Parse(File.ReadAllText(Path.Combine(Results, "macros.json")))!;
        var source = index["macros"]!["MnistNormTrueLabels"]!["sources"]!.AsArray().Select(s => s!.GetValue<string>()).First();
        var file = Path.Combine(Results, "data", source + ".json");
        var original = File.ReadAllText(file);

        // Deliberately stale: the result claims to come from an older Rethink.
        var old = JsonNode.Parse(original)!;
        old["run"]!["version"] = "0.4.0";
        File.WriteAllText(file, old.ToJsonString());
        var stale = Check();
        Assert.Equal(1, stale.ExitCode);
        Assert.Contains($"stale \\MnistNormTrueLabels (main.tex:5): {source} was computed by Rethink 0.4.0", stale.Stdout);

        // Recomputed after the render: macros.tex no longer shows it.
        var newer = JsonNode.Parse(original)!;
        newer["run"]!["finished"] = DateTimeOffset.UtcNow.AddHours(1).ToString("O");
        File.WriteAllText(file, newer.ToJsonString());
        var rerun = Check();
        Assert.Equal(1, rerun.ExitCode);
        Assert.Contains("was recomputed after the render", rerun.Stdout);
    }

    [Fact]
    public void A_theorem_check_from_another_version_is_stale()
    {
        Directory.CreateDirectory(Path.Combine(Results, "checks"));
        string Record(string version) => $$"""
            {"claim":"lemma1","title":"Lemma 1","statement":"s","properties":[{"property":"P","how":"exact","cases":3,"failed":0,"sizeMin":1,"sizeMax":9,"sizeName":"n"}],
             "seed":null,"version":"{{version}}","commit":"0123456789abcdef","finished":"2026-01-01T00:00:00+00:00"}
            """;
        File.WriteAllText(Path.Combine(Results, "checks", "lemma1.json"), Record("0.4.0"));
        var render = RethinkProcess.Run(["render", "--only", "lemma1-spectrum", "--out", Results]);
        Assert.True(render.ExitCode == 0, render.ToString());
        Assert.Contains("\\newcommand{\\CheckedLemmaOne}{checked on 3 cases with n up to 9 by 1 property, all passed}", File.ReadAllText(Path.Combine(Results, "macros.tex")));
        Paper("\\rethink{CheckedLemmaOne}");
        var stale = Check();
        Assert.Equal(1, stale.ExitCode);
        Assert.Contains("stale \\CheckedLemmaOne (main.tex:5): checked by Rethink 0.4.0", stale.Stdout);
    }

    [Fact]
    public void Init_writes_a_paper_that_builds_before_any_result_exists()
    {
        var init = RethinkProcess.Run(["paper", "init", PaperDir, "--results", Results]);
        Assert.True(init.ExitCode == 0, init.ToString());
        foreach (var file in new[] { "main.tex", "rethink.sty", "Makefile" }) Assert.True(File.Exists(Path.Combine(PaperDir, file)), file);
        Assert.Contains("\\rethinkresults{../results}", File.ReadAllText(Path.Combine(PaperDir, "main.tex")));
        // Without results every number is a visible ?? and the PDF still builds.
        var pdf = LaTeX.Compile(PaperDir, "main.tex");
        Assert.True(pdf.Success, pdf.Log);
        Assert.Contains("??", pdf.Text);
        // A second init keeps what the author wrote.
        File.WriteAllText(Path.Combine(PaperDir, "main.tex"), "mine");
        Assert.Equal(0, RethinkProcess.Run(["paper", "init", PaperDir]).ExitCode);
        Assert.Equal("mine", File.ReadAllText(Path.Combine(PaperDir, "main.tex")));
    }

    /// <summary>
    /// Provenance by content: every change a reader of the PDF would not see is caught with its place —
    /// a value edited inside a result file, a macro edited in macros.tex, the commit edited in macros.json or
    /// as \RethinkCommit, a figure or table file edited after the render, and a \rethinkfigure or
    /// \rethinktable naming something that does not exist — and each is gone once restored.
    /// </summary>
    [Fact]
    public void Content_changed_after_the_render_is_caught_with_its_place()
    {
        Reproduce();
        Paper("The norm is \\rethink{MnistNormTrueLabels}.", "\\rethinkfigure{kernel-norm}", "\\rethinktable{table2}");
        Assert.Equal(0, Check().ExitCode);
        var index = JsonNode.Parse(File.ReadAllText(Path.Combine(Results, "macros.json")))!;
        var source = index["macros"]!["MnistNormTrueLabels"]!["sources"]!.AsArray().Select(s => s!.GetValue<string>()).Single();
        Assert.StartsWith("kernel-fit-", source);

        void Altered(string path, Func<string, string> change, params string[] expected)
        {
            var original = File.ReadAllBytes(path);
            File.WriteAllText(path, change(System.Text.Encoding.UTF8.GetString(original)));
            var run = Check();
            Assert.Equal(1, run.ExitCode);
            foreach (var line in expected) Assert.Contains(line, run.Stdout);
            File.WriteAllBytes(path, original);
            Assert.Equal(0, Check().ExitCode);
        }

        // A number edited inside the result file (its finish time and version untouched): the macro and the figure drawn from it.
        var result = Path.Combine(Results, "data", source + ".json");
        Altered(result, text =>
        {
            var node = JsonNode.Parse(text)!;
            node["result"]!["testError"] = node["result"]!["testError"]!.GetValue<double>() + 0.01;
            return node.ToJsonString();
        }, $"stale \\MnistNormTrueLabels (main.tex:5): {source} changed after the render", $"stale figure kernel-norm (main.tex:6): {source} changed after the render");
        // The value the PDF shows, edited in macros.tex.
        var macros = Path.Combine(Results, "macros.tex");
        var value = index["macros"]!["MnistNormTrueLabels"]!["value"]!.GetValue<string>();
        Altered(macros, text => text.Replace($"{{\\MnistNormTrueLabels}}{{{value}}}", "{\\MnistNormTrueLabels}{12}"),
            "edited \\MnistNormTrueLabels (main.tex:5):", $"reads 12, the render wrote {value}");
        // The commit: in macros.json, and as \RethinkCommit in macros.tex.
        Altered(Path.Combine(Results, "macros.json"), text => text.Replace(index["commit"]!.GetValue<string>(), "0123456789abcdef0123456789abcdef01234567"),
            "edited macros.tex", "macros.json was rendered by commit 0123456789ab");
        Altered(macros, text => System.Text.RegularExpressions.Regex.Replace(text, @"\\newcommand\{\\RethinkCommit\}\{[^}]*\}", "\\newcommand{\\RethinkCommit}{0123456789ab}"),
            "\\RethinkCommit reads 0123456789ab");
        // A figure and a table file changed after the render.
        Altered(Path.Combine(Results, "figures", "kernel-norm.png"), text => text + " ", "edited figure kernel-norm (main.tex:6):");
        Altered(Path.Combine(Results, "tables", "table2.tex"), text => text.Replace("92.18", "93.18"), "edited table table2 (main.tex:7):");

        // Names that do not exist (the PDF shows a framed ??).
        Paper("\\rethinkfigure[width=0.5\\linewidth]{kernel-nrom}", "\\rethinktable{table9}");
        var missing = Check();
        Assert.Equal(1, missing.ExitCode);
        Assert.Contains("missing figure kernel-nrom (main.tex:5):", missing.Stdout);
        Assert.Contains("kernel-norm", missing.Stdout.Split('\n').Single(l => l.Contains("kernel-nrom")));
        Assert.Contains("missing table table9 (main.tex:6):", missing.Stdout);
    }

    /// <summary>
    /// Provenance per number: each row of the kernel table names its own fit, so a changed CIFAR-10 result
    /// marks the CIFAR-10 numbers stale and leaves the MNIST numbers current (the example paper's frozen results, re-rendered).
    /// </summary>
    [Fact]
    public void A_changed_cifar10_result_leaves_the_mnist_numbers_current()
    {
        CopyTree(Path.Combine(Root(), "paper", "results"), Results);
        var render = RethinkProcess.Run(["render", "--out", Results]);
        Assert.True(render.ExitCode == 0, render.ToString());
        var index = JsonNode.Parse(File.ReadAllText(Path.Combine(Results, "macros.json")))!["macros"]!;
        IReadOnlyList<string> Sources(string macro) => index[macro]!["sources"]!.AsArray().Select(s => s!.GetValue<string>()).ToList();
        Assert.Single(Sources("MnistRawTestError"));
        var cifar = Sources("CifarTenRawTestError").Single();
        Assert.DoesNotContain(cifar, Sources("MnistRawTestError"));
        Paper("MNIST \\rethink{MnistRawTestError}, CIFAR-10 \\rethink{CifarTenRawTestError}.");
        Assert.Equal(0, Check().ExitCode);
        var file = Path.Combine(Results, "data", cifar + ".json");
        var node = JsonNode.Parse(File.ReadAllText(file))!;
        node["result"]!["testError"] = 0.5;
        File.WriteAllText(file, node.ToJsonString());
        var run = Check();
        Assert.Equal(1, run.ExitCode);
        Assert.Contains($"stale \\CifarTenRawTestError (main.tex:5): {cifar} changed after the render", run.Stdout);
        Assert.DoesNotContain("MnistRawTestError", run.Stdout);
        Assert.Contains("0 missing and 1 stale of 2", run.Stdout);
    }

    /// <summary>
    /// A user's own program records a value and a figure into the results folder (the library API,
    /// <see cref="Rethink.Core.UserRecord"/>, called here as a consumer would; and the console's `rethink record`);
    /// `rethink render` makes them a macro and a \rethinkfigure target, the PDF shows them, and paper check
    /// catches an edit to the value's record, to the figure file, and to a file they were computed from.
    /// </summary>
    [Fact]
    public void A_users_own_value_and_figure_are_quoted_and_checked_like_rethinks()
    {
        Reproduce();
        var fit = Directory.GetFiles(Path.Combine(Results, "data"), "kernel-fit-*.json").Order(StringComparer.Ordinal).First();
        var data = _dir.File("my-data.csv");
        File.WriteAllText(data, "n,norm\n1000,39\n");
        Rethink.Core.UserRecord.RecordValue(Results, "MyNormRatio", 3.9231, format: "F2", inputs: [fit, data]);
        Rethink.Core.UserRecord.RecordFigure(Results, "my-curve", Path.Combine(Results, "figures", "kernel-norm.png"), inputs: [data]);
        var console = RethinkProcess.Run(["record", "value", "MyCount", "12345", "--format", "N0", "--out", Results]);
        Assert.True(console.ExitCode == 0, console.ToString());
        var bad = RethinkProcess.Run(["record", "value", "My_Count", "1", "--out", Results]);
        Assert.Equal(2, bad.ExitCode);
        Assert.Equal("rethink: NAME: My_Count: a macro name is ASCII letters only (LaTeX's rule), e.g. MyNormRatio.", bad.Stderr.Trim());
        var render = RethinkProcess.Run(["render", "--out", Results]);
        Assert.True(render.ExitCode == 0, render.ToString());
        var macros = File.ReadAllText(Path.Combine(Results, "macros.tex"));
        Assert.Contains("\\newcommand{\\MyNormRatio}{3.92}", macros);
        Assert.Contains("\\newcommand{\\MyCount}{12{,}345}", macros);

        Paper("Ours: \\rethink{MyNormRatio} and \\rethink{MyCount}.", "\\rethinkfigure{my-curve}");
        File.WriteAllText(Path.Combine(PaperDir, "rethink.sty"), Rethink.Plots.Paper.PaperTemplate.Package);
        var pdf = LaTeX.Compile(PaperDir, "main.tex");
        Assert.True(pdf.Success, pdf.Log);
        Assert.Contains("Ours: 3.92 and 12,345.", pdf.Text);
        var clean = Check();
        Assert.True(clean.ExitCode == 0, clean.ToString());
        Assert.Contains("2 Rethink macro(s) and 1 figure(s)/table(s) used in paper, all present and current", clean.Stdout);

        // The value's record edited after the render.
        var record = Path.Combine(Results, "user", "values", "MyNormRatio.json");
        var original = File.ReadAllText(record);
        File.WriteAllText(record, original.Replace("3.92", "4.92"));
        var edited = Check();
        Assert.Equal(1, edited.ExitCode);
        Assert.Contains("stale \\MyNormRatio (main.tex:5): user/values/MyNormRatio changed after the render", edited.Stdout);
        File.WriteAllText(record, original);
        // The figure file replaced.
        var png = Path.Combine(Results, "figures", "my-curve.png");
        var picture = File.ReadAllBytes(png);
        File.WriteAllBytes(png, [.. picture, 0]);
        var redrawn = Check();
        Assert.Contains("edited figure my-curve (main.tex:6):", redrawn.Stdout);
        File.WriteAllBytes(png, picture);
        // A file both were computed from.
        File.AppendAllText(data, "2000,41\n");
        var input = Check();
        Assert.Equal(1, input.ExitCode);
        Assert.Contains($"stale \\MyNormRatio (main.tex:5): its input {data} changed after MyNormRatio was recorded", input.Stdout);
        Assert.Contains($"stale figure my-curve (main.tex:6): its input {data} changed after my-curve was recorded", input.Stdout);
        Assert.DoesNotContain("MyCount", input.Stdout);
    }

    private static string Root()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Rethink.sln"))) return dir.FullName;
        throw new InvalidOperationException("the repository root (Rethink.sln) is not above the test assembly");
    }

    /// <summary>
    /// The worked example in paper/ builds from its frozen inputs with every number, figure and table
    /// present (no ?? marker, no undefined control sequence), in at most four pages, and its
    /// rethink.sty is the one `paper init` writes.
    /// </summary>
    [Fact]
    public void The_example_paper_compiles_with_every_number_present()
    {
        var source = Path.Combine(Root(), "paper");
        Assert.Equal(Rethink.Plots.Paper.PaperTemplate.Package.Replace("\r\n", "\n") + "\n", File.ReadAllText(Path.Combine(source, "rethink.sty")));
        // The note quotes the committed full-size results as well (\rethinkresults[Full]{../full-size}).
        var copy = _dir.File(Path.Combine("example", "paper"));
        CopyTree(source, copy);
        CopyTree(Path.Combine(Root(), "full-size"), _dir.File(Path.Combine("example", "full-size")), skip: "runs");
        var pdf = LaTeX.Compile(copy, "main.tex");
        Assert.True(pdf.Success, pdf.Log);
        var log = File.ReadAllText(Path.Combine(copy, "main.log"));
        Assert.DoesNotContain("Undefined control sequence", log);
        Assert.DoesNotContain("Missing result macro", log);
        Assert.DoesNotContain("??", pdf.Text);
        Assert.Contains("all passed", pdf.Text);
        // Its frozen inputs are complete and current: every number it quotes has its result file beside it.
        var check = RethinkProcess.Run(["paper", "check", copy]);
        Assert.True(check.ExitCode == 0, check.ToString());
        var pages = pdf.Text.Count(c => c == '\f');
        output.WriteLine($"{pages} pages");
        Assert.InRange(pages, 2, 4);
    }

    private static void CopyTree(string source, string target, string? skip = null)
    {
        foreach (var file in Directory.GetFiles(source, "*", SearchOption.AllDirectories))
        {
            var relative = Path.GetRelativePath(source, file);
            // Not the running work (full-size/runs) nor lock files of runs in progress.
            if (skip is not null && relative.StartsWith(skip + Path.DirectorySeparatorChar, StringComparison.Ordinal)
                || relative.Split(Path.DirectorySeparatorChar).Any(part => part.StartsWith('.'))) continue;
            var to = Path.Combine(target, relative);
            Directory.CreateDirectory(Path.GetDirectoryName(to)!);
            File.Copy(file, to);
        }
    }

    /// <summary>
    /// Two results folders side by side (two profiles, say): <c>\rethinkresults[Full]{DIR}</c> reads the
    /// second folder's macros as <c>\FullName</c>; the PDF shows both folders' values, and the check
    /// takes each prefixed name to its own folder — present, missing (naming the prefix) or stale there.
    /// </summary>
    [Fact]
    public void A_second_results_folder_is_quoted_with_its_prefix_and_checked_there()
    {
        Reproduce();
        var full = _dir.File("full");
        CopyTree(Results, full);
        var fullIndex = Path.Combine(full, "macros.json");
        // The copy's value differs from the first folder's, so the PDF shows which folder each number came from.
        // (A render of other results would write both files: macros.tex and, in macros.json, the value and macros.tex's hash.)
        File.WriteAllText(Path.Combine(full, "macros.tex"), File.ReadAllText(Path.Combine(full, "macros.tex")).Replace("\\newcommand{\\MnistNormTrueLabels}{", "\\newcommand{\\MnistNormTrueLabels}{9"));
        var rewritten = JsonNode.Parse(File.ReadAllText(fullIndex))!;
        rewritten["macros"]!["MnistNormTrueLabels"]!["value"] = "9" + rewritten["macros"]!["MnistNormTrueLabels"]!["value"]!.GetValue<string>();
        rewritten["macrosTex"] = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(File.ReadAllBytes(Path.Combine(full, "macros.tex"))));
        File.WriteAllText(fullIndex, rewritten.ToJsonString());
        Directory.CreateDirectory(PaperDir);
        File.WriteAllText(Path.Combine(PaperDir, "main.tex"),
            "\\documentclass{article}\n\\usepackage{rethink}\n\\rethinkresults{../results}\n\\rethinkresults[Full]{../full}\n\\begin{document}\n" +
            "Quick \\rethink{MnistNormTrueLabels}, full \\rethink{FullMnistNormTrueLabels}, \\FullMnistNormRandomLabels.\n\\end{document}\n");
        File.WriteAllText(Path.Combine(PaperDir, "rethink.sty"), Rethink.Plots.Paper.PaperTemplate.Package);
        var pdf = LaTeX.Compile(PaperDir, "main.tex");
        Assert.True(pdf.Success, pdf.Log);
        var quick = System.Text.RegularExpressions.Regex.Match(File.ReadAllText(Path.Combine(Results, "macros.tex")), @"\\newcommand\{\\MnistNormTrueLabels\}\{([^}]*)\}").Groups[1].Value;
        Assert.Contains($"Quick {quick}, full 9{quick},", pdf.Text);
        Assert.DoesNotContain("??", pdf.Text);

        var clean = Check();
        Assert.True(clean.ExitCode == 0, clean.ToString());
        Assert.Contains("3 Rethink macro(s) used in paper, all present and current", clean.Stdout);

        File.AppendAllText(Path.Combine(PaperDir, "main.tex"), "\\rethink{FullNoSuchNumber}\n");
        var missing = Check();
        Assert.Equal(1, missing.ExitCode);
        Assert.Contains("missing \\FullNoSuchNumber (main.tex:8): no result in " + full + " defines NoSuchNumber (prefix Full)", missing.Stdout);

        // A result of the Full folder from another version marks only the Full macro computed from it stale.
        File.WriteAllText(Path.Combine(PaperDir, "main.tex"), File.ReadAllText(Path.Combine(PaperDir, "main.tex")).Replace("\\rethink{FullNoSuchNumber}\n", ""));
        var index = JsonNode.Parse(File.ReadAllText(fullIndex))!;
        var source = index["macros"]!["MnistNormTrueLabels"]!["sources"]!.AsArray().Select(s => s!.GetValue<string>()).First();
        var file = Path.Combine(full, "data", source + ".json");
        var old = JsonNode.Parse(File.ReadAllText(file))!;
        old["run"]!["version"] = "0.4.0";
        File.WriteAllText(file, old.ToJsonString());
        var stale = Check();
        Assert.Equal(1, stale.ExitCode);
        Assert.Contains($"stale \\FullMnistNormTrueLabels (main.tex:6): {source} was computed by Rethink 0.4.0", stale.Stdout);
        Assert.DoesNotContain("stale \\MnistNormTrueLabels", stale.Stdout);
        // Per number: the random-label norm comes from another fit, and stays current.
        Assert.DoesNotContain("FullMnistNormRandomLabels", stale.Stdout);
        Assert.Contains("0 missing and 1 stale of 3", stale.Stdout);
    }

    [Fact]
    public void A_missing_paper_folder_is_one_line_and_exit_code_2()
    {
        var run = RethinkProcess.Run(["paper", "check", _dir.File("nowhere")]);
        Assert.Equal(2, run.ExitCode);
        Assert.Single(run.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("rethink: DIR: no folder", run.Stderr);
    }
}

/// <summary>pdflatex (twice) in a folder, and the PDF's text (pdftotext).</summary>
public static class LaTeX
{
    public sealed record Build(bool Success, string Log, string Text);

    public static Build Compile(string directory, string file)
    {
        ProcessResult run = null!;
        for (var pass = 0; pass < 2; pass++)
        {
            run = RethinkProcess.Start("pdflatex", ["-interaction=nonstopmode", "-halt-on-error", file], TimeSpan.FromMinutes(2), null, directory);
            if (run.ExitCode != 0) return new Build(false, run.Stdout + run.Stderr, "");
        }
        var pdf = Path.Combine(directory, Path.ChangeExtension(file, ".pdf"));
        var text = RethinkProcess.Start("pdftotext", [pdf, "-"], TimeSpan.FromMinutes(1), null, directory);
        return new Build(File.Exists(pdf), run.Stdout, text.Stdout);
    }
}
