using System.CommandLine;
using Rethink.Plots.Cli;
using Xunit;
using Xunit.Abstractions;

namespace Rethink.Console.Tests;

[CollectionDefinition(nameof(InProcessConsole), DisableParallelization = true)]
public sealed class InProcessConsole;

/// <summary>
/// The console's promise, table-driven over the whole command tree: every option of every command,
/// given a bad value, ends in exactly one line on stderr that names it, and exit code 2. Numbers get a
/// non-number, choices a non-choice, booleans a non-boolean; the table below adds a value that is
/// wrong for what the option means (out of range, missing path, malformed list). A new option without
/// an entry here fails the test until someone decides what a bad value for it is.
/// </summary>
[Collection(nameof(InProcessConsole))]
public sealed class BadInputTests : IDisposable
{
    private readonly TempDirectory _dir = new();
    private readonly ITestOutputHelper _output;

    public BadInputTests(ITestOutputHelper output)
    {
        _output = output;
        // In process, the console reads the data root from the environment, as a user's shell sets it.
        Environment.SetEnvironmentVariable("RETHINK_DATA", RethinkProcess.DataDirectory);
    }

    public void Dispose() => _dir.Dispose();

    /// <summary>The smallest valid, quick invocation of each command (a bad option is added to it).</summary>
    private Dictionary<string, string[]> Base() => new()
    {
        ["reproduce"] = ["--out", _dir.File("reproduce"), "--only", "lemma1-spectrum", "--device", "cpu"],
        ["render"] = ["--out", Directory.CreateDirectory(_dir.File("render")).FullName, "--only", "lemma1-spectrum"],
        ["status"] = ["--out", Directory.CreateDirectory(_dir.File("status")).FullName, "--only", "lemma1-spectrum"],
        ["theory lemma1"] = ["--n", "5"],
        ["theory interpolate"] = ["--n", "20", "--d", "3"],
        ["theory sgd"] = ["--n", "5", "--d", "10", "--steps", "10"],
        ["theory depth"] = ["--n", "20", "--d", "3", "--k", "2"],
        ["theory rademacher"] = ["--n", "10", "--d", "3", "--draws", "10"],
        ["data info"] = ["--dataset", "mnist", "--no-download"],
        ["kernels fit"] = ["--dataset", "mnist", "--gamma", "0.02", "--train", "50", "--test", "20", "--out", _dir.File("fit")],
        ["kernels select-bandwidth"] = ["--dataset", "mnist", "--fit", "50", "--held-out", "20", "--multipliers", "1"],
        ["kernels capacity"] = ["--dimension", "784"],
        ["data augment"] = ["--dataset", "mnist", "--train", "60001", "--out", _dir.File("augmented")],
        ["deep run"] = ["--model", "mlp1x512", "--dataset", "mnist", "--train", "20", "--test", "10", "--steps", "1", "--out", _dir.File("deep")],
        ["paper init"] = [_dir.File("paper-init")],
        ["paper check"] = [PaperWithoutMacros(), "--results", _dir.Path],
        ["record value"] = ["MyValue", "1.5", "--out", _dir.File("record")],
        ["record figure"] = ["my-figure", Png(), "--out", _dir.File("record")],
    };

    /// <summary>A file with PNG's signature (what `record figure` checks before copying it).</summary>
    private string Png()
    {
        var png = _dir.File("figure.png");
        File.WriteAllBytes(png, [0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 0]);
        return png;
    }

    private string PaperWithoutMacros()
    {
        var paper = Directory.CreateDirectory(_dir.File("paper-check")).FullName;
        File.WriteAllText(Path.Combine(paper, "main.tex"), "\\documentclass{article}\\begin{document}x\\end{document}\n");
        return paper;
    }

    /// <summary>Values wrong for what an option means, by option name (for every command that has it).</summary>
    private Dictionary<string, string[]> Meaning()
    {
        var file = _dir.File("a-file");
        File.WriteAllText(file, "");
        var underFile = Path.Combine(file, "below");
        return new()
        {
            ["--data"] = ["/no/such/folder"],
            ["--out"] = [underFile],
            ["--export"] = [Path.Combine(underFile, "net.json")],
            ["--only"] = ["no-such-figure"],
            ["--models"] = ["no-such-model"],
            ["--x"] = ["1,a"],
            ["--b"] = ["0,x"],
            ["--dataset"] = ["/no/such/dataset"],
            ["--labels"] = ["no-such-labels"],
            ["--randomization"] = ["no-such-randomization"],
            ["--grid"] = ["2by2"],
            ["--feature-options"] = ["filterz=3"],
            ["--multipliers"] = ["1,x"],
            ["--ridges"] = ["0,-1"],
            ["--n"] = ["0"],
            ["--d"] = ["0"],
            ["--k"] = ["0"],
            ["--steps"] = ["0"],
            ["--draws"] = ["0"],
            ["--bound"] = ["-1"],
            ["--literal-sample"] = ["-1"],
            ["--train"] = ["0"],
            ["--test"] = ["-1"],
            ["--ridge"] = ["-1"],
            ["--block"] = ["0"],
            ["--gamma"] = ["0"],
            ["--multiplier"] = ["-2"],
            ["--degree"] = ["0"],
            ["--fit"] = ["0"],
            ["--held-out"] = ["0"],
            ["--weight-decay"] = ["-1"],
            ["--dropout"] = ["1.5"],
            ["--lr"] = ["-0.1"],
            ["--shard"] = ["3/2"],
            ["--jobs"] = ["0"],
            ["--results"] = [file],
            ["--format"] = ["Q9x"],
            ["--figure-width"] = ["0.2"],
            ["--checkpoint-every"] = ["-1"],
            ["--dimension"] = ["-1"],
            ["--classes"] = ["0"],
            ["--shift"] = ["0"],
            ["--input"] = ["/no/such/input.csv"],
        };
    }

    /// <summary>Options for which every value of the right type is valid (a unit is any text printed after a number).</summary>
    private static readonly HashSet<string> AnyValue = ["--seed", "--unit"];

    private static (int Code, string Stdout, string Stderr) Run(string[] args) => InProcessRethink.Run(args, TimeSpan.FromSeconds(90));

    private static IEnumerable<(string Path, Command Command)> Leaves(Command command, string path)
    {
        if (command.Subcommands.Count == 0) yield return (path, command);
        foreach (var sub in command.Subcommands)
            foreach (var leaf in Leaves(sub, path.Length == 0 ? sub.Name : $"{path} {sub.Name}"))
                yield return leaf;
    }

    private static bool IsNumber(Type t) => (Nullable.GetUnderlyingType(t) ?? t) is var u && (u == typeof(int) || u == typeof(double) || u == typeof(long));

    [Fact]
    public void Every_option_refuses_a_bad_value_in_one_line_with_exit_code_2()
    {
        var bases = Base();
        var meaning = Meaning();
        var failures = new List<string>();
        var checkedCount = 0;
        foreach (var (path, command) in Leaves(RethinkApp.Build(), ""))
        {
            Assert.True(bases.ContainsKey(path), $"`rethink {path}` has no base invocation in this test: add one.");
            foreach (var option in command.Options.Where(o => o.Name.StartsWith("--", StringComparison.Ordinal) && o.Name is not "--help" and not "--version"))
            {
                var values = new List<string>();
                if (IsNumber(option.ValueType)) values.Add("abc");
                else if (option.ValueType == typeof(bool)) values.Add("maybe");
                else if (option.GetCompletions(System.CommandLine.Completions.CompletionContext.Empty).Any()) values.Add("no-such-choice");
                if (meaning.TryGetValue(option.Name, out var extra)) values.AddRange(extra);
                if (values.Count == 0 && !AnyValue.Contains(option.Name))
                {
                    failures.Add($"rethink {path} {option.Name}: no bad value known; add one to the table (or to AnyValue with a reason).");
                    continue;
                }
                foreach (var value in values)
                {
                    // The option replaces its value in the base invocation when it has one.
                    var args = path.Split(' ').ToList();
                    var baseArgs = bases[path].ToList();
                    var at = baseArgs.IndexOf(option.Name);
                    if (at >= 0) baseArgs.RemoveRange(at, at + 1 < baseArgs.Count && !baseArgs[at + 1].StartsWith("--", StringComparison.Ordinal) ? 2 : 1);
                    args.AddRange(baseArgs);
                    args.AddRange(option.Name == "--grid" ? ["--device", "scalapack", "--grid", value] : [option.Name, value]);
                    if (option.Name == "--feature-options") args.AddRange(["--features", "random-conv"]);
                    var (code, _, stderr) = Run([.. args]);
                    checkedCount++;
                    var lines = stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries);
                    if (code != 2 || lines.Length != 1 || !(lines[0].Contains(option.Name) || lines[0].Contains(value)))
                        failures.Add($"rethink {string.Join(' ', args)}: exit {code}, stderr ({lines.Length} lines): {stderr.Trim()}");
                }
            }
        }
        _output.WriteLine($"{checkedCount} bad invocations checked");
        Assert.True(failures.Count == 0, string.Join("\n", failures));
    }

    [Fact]
    public void A_dataset_missing_from_the_data_folder_names_the_option_and_the_files()
    {
        var empty = Directory.CreateDirectory(_dir.File("empty-data")).FullName;
        // Every root searched is empty: the folder given, $RETHINK_DATA and the user cache.
        var (data, cache) = (Environment.GetEnvironmentVariable("RETHINK_DATA"), Environment.GetEnvironmentVariable("XDG_CACHE_HOME"));
        Environment.SetEnvironmentVariable("RETHINK_DATA", empty);
        Environment.SetEnvironmentVariable("XDG_CACHE_HOME", empty);
        int code;
        string stderr;
        try
        {
            (code, _, stderr) = Run(["data", "info", "--dataset", "mnist", "--data", empty, "--no-download"]);
        }
        finally
        {
            Environment.SetEnvironmentVariable("RETHINK_DATA", data);
            Environment.SetEnvironmentVariable("XDG_CACHE_HOME", cache);
        }
        var lines = stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.True(code == 2 && lines.Length == 1, $"exit {code}, stderr ({lines.Length} lines): {stderr}");
        Assert.Contains($"{empty} (--data)", lines[0]);
        Assert.Contains("train-images-idx3-ubyte.gz", lines[0]);
        Assert.Contains("give --data a folder", lines[0]);
    }

    [Fact]
    public void Help_still_works_everywhere()
    {
        foreach (var (path, _) in Leaves(RethinkApp.Build(), ""))
        {
            var (code, stdout, stderr) = Run([.. path.Split(' '), "--help"]);
            Assert.True(code == 0 && stdout.Contains("Usage", StringComparison.Ordinal) && stderr.Length == 0, $"rethink {path} --help: exit {code}, {stderr}");
        }
    }
}
