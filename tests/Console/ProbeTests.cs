using System.IO.Compression;
using Rethink.Plots.Cli;
using Xunit;
using Xunit.Abstractions;
using Rethink.Experiments;

namespace Rethink.Console.Tests;

/// <summary>
/// The bad inputs a probe of the console found, each now one line on stderr that names the option (and the
/// value given) with the fix, and exit code 2, with nothing computed from a silently changed input: numbers
/// with a decimal comma, feature options out of range or not whole, subsets larger than the dataset, an
/// empty --only, a results folder that does not exist, --resume with nothing to resume.
/// </summary>
[Collection(nameof(InProcessConsole))]
public sealed class ProbeTests : IDisposable
{
    private readonly TempDirectory _dir = new();
    private readonly ITestOutputHelper _output;

    public ProbeTests(ITestOutputHelper output)
    {
        _output = output;
        Environment.SetEnvironmentVariable("RETHINK_DATA", RethinkProcess.DataDirectory);
    }

    public void Dispose() => _dir.Dispose();

    private static (int Code, string Stdout, string Stderr) Run(string[] args) => InProcessRethink.Run(args, TimeSpan.FromMinutes(3));

    private string[] Fit(params string[] extra) =>
        With(["kernels", "fit", "--dataset", "mnist", "--gamma", "0.02", "--train", "100", "--test", "10", "--out", _dir.File("fit")], extra);

    private string[] Deep(params string[] extra) =>
        With(["deep", "run", "--model", "mlp1x512", "--dataset", "mnist", "--train", "64", "--test", "16", "--steps", "1", "--out", _dir.File("deep")], extra);

    /// <summary>The base invocation with <paramref name="extra"/>'s options replacing its own.</summary>
    private static string[] With(string[] arguments, string[] extra)
    {
        var args = arguments.ToList();
        for (var i = 0; i < extra.Length; i++)
        {
            if (!extra[i].StartsWith("--", StringComparison.Ordinal)) continue;
            var at = args.IndexOf(extra[i]);
            if (at >= 0) args.RemoveRange(at, at + 1 < args.Count && !args[at + 1].StartsWith("--", StringComparison.Ordinal) ? 2 : 1);
        }
        return [.. args, .. extra];
    }

    /// <summary>Each case: the arguments and what its one line must contain.</summary>
    private IEnumerable<(string[] Args, string Expected)> Cases()
    {
        // 1, 12, 13: feature options out of range, not whole, not a switch.
        foreach (var option in new[] { "pool=29", "pool=0", "orientations=99999", "scales=40", "sigma0=1e9", "scales=2.5" })
            yield return (Fit("--features", "gabor", "--feature-options", option), $"--feature-options {option}");
        foreach (var option in new[] { "grid=1000", "filters=1.5", "normalize=2", "stream=5" })
            yield return (Fit("--features", "random-conv", "--feature-options", option), $"--feature-options {option}");
        // 2: a decimal comma is not a thousands separator, nor silently dropped.
        yield return (["kernels", "fit", "--dataset", "mnist", "--gamma", "0,02", "--train", "100", "--test", "10", "--out", _dir.File("fit")], "--gamma 0,02");
        yield return (Fit("--ridge", "1,0"), "--ridge 1,0");
        yield return (["kernels", "fit", "--dataset", "mnist", "--bandwidth-rule", "median", "--multiplier", "0,5", "--train", "100", "--test", "10", "--out", _dir.File("fit")], "--multiplier 0,5");
        yield return (Deep("--lr", "0,01"), "--lr 0,01");
        // 6: an empty --only is not "everything".
        yield return (["reproduce", "--only", "", "--out", _dir.File("reproduce")], "--only");
        yield return (["reproduce", "--only", " , ", "--out", _dir.File("reproduce")], "--only");
        // 8, 9: subsets beyond the dataset, or empty, are refused, never clamped.
        yield return (["kernels", "fit", "--dataset", "mnist", "--gamma", "0.02", "--train", "70000", "--test", "10", "--out", _dir.File("fit")], "--train 70000");
        yield return (Fit("--test", "0"), "--test 0");
        yield return (["deep", "run", "--model", "mlp1x512", "--dataset", "mnist", "--train", "70000", "--test", "16", "--steps", "1", "--out", _dir.File("deep")], "--train 70000");
        yield return (Deep("--test", "0"), "--test 0");
        yield return (["kernels", "select-bandwidth", "--dataset", "mnist", "--fit", "59000", "--held-out", "5000", "--multipliers", "1"], "--fit 59000");
        // 10: unwritable output, refused before any work.
        yield return (Fit("--out", "/sys/kernel/rethink"), "--out /sys/kernel/rethink");
        yield return (["theory", "interpolate", "--n", "20", "--d", "3", "--export", "/sys/kernel/net.json"], "--export /sys/kernel/net.json");
        // 11: --resume needs something to resume.
        yield return (Deep("--resume"), "--resume");
        // 13: a step count beyond the type names its range.
        yield return (Deep("--steps", "99999999999"), "--steps 99999999999: too large");
        // 15: render and status read an existing folder.
        yield return (["render", "--out", "/nonexistent"], "--out /nonexistent");
        yield return (["status", "--out", "/nonexistent"], "--out /nonexistent");
    }

    [Fact]
    public void Every_probe_case_is_one_line_naming_the_option_with_exit_code_2()
    {
        var failures = new List<string>();
        foreach (var (args, expected) in Cases())
        {
            var (code, _, stderr) = Run(args);
            var lines = stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries);
            _output.WriteLine($"rethink {string.Join(' ', args.Select(a => a.Length == 0 || a.Contains(' ') ? $"\"{a}\"" : a))}\n  -> exit {code}: {stderr.Trim()}");
            if (code != 2 || lines.Length != 1 || !lines[0].Contains(expected, StringComparison.Ordinal) || lines[0].Contains("   at ", StringComparison.Ordinal))
                failures.Add($"rethink {string.Join(' ', args)}: exit {code}, {lines.Length} line(s): {stderr.Trim()}");
        }
        Assert.True(failures.Count == 0, string.Join("\n", failures));
        Assert.False(Directory.Exists(_dir.File("fit")) && Directory.GetFiles(_dir.File("fit")).Length > 0, "a refused fit wrote a result");
    }
}

/// <summary>
/// The probe's damaged files and interrupted writes, through the console as a user meets them: a truncated
/// .gz, CIFAR-10 batch files that are symbolic links, a result file edited after it was written (it does
/// not stop an unrelated reproduce, `status` names it, the reproduce that needs it refuses it in one
/// line), a temporary file left by a write killed before its rename (removed by the next run), and a
/// kernel fit's α written before its result file.
/// </summary>
public sealed class DamagedFileTests(ITestOutputHelper output) : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void A_truncated_gzip_is_one_line_saying_so_and_what_to_do()
    {
        var data = Directory.CreateDirectory(_dir.File("data/mnist")).FullName;
        foreach (var file in Directory.GetFiles(Path.Combine(RethinkProcess.DataDirectory, "mnist"), "*.gz")) File.Copy(file, Path.Combine(data, Path.GetFileName(file)));
        var images = Path.Combine(data, "train-images-idx3-ubyte.gz");
        var bytes = File.ReadAllBytes(images);
        File.WriteAllBytes(images, bytes[..(bytes.Length / 3)]);
        var run = RethinkProcess.Run(["kernels", "fit", "--dataset", "mnist", "--data", _dir.File("data"), "--gamma", "0.02", "--train", "100", "--test", "10", "--out", _dir.File("out")],
            TimeSpan.FromMinutes(2), new Dictionary<string, string?> { ["RETHINK_DATA"] = _dir.File("data"), ["XDG_CACHE_HOME"] = _dir.File("cache") });
        output.WriteLine(run.ToString());
        var lines = run.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.True(run.ExitCode == 2 && lines.Length == 1, run.ToString());
        Assert.Contains("train-images-idx3-ubyte.gz", lines[0]);
        Assert.Contains("truncated or damaged", lines[0]);
        Assert.False(Directory.Exists(_dir.File("out")) && Directory.GetFiles(_dir.File("out")).Length > 0);
    }

    [Fact]
    public void Cifar10_batch_files_that_are_symbolic_links_are_read_through_the_links()
    {
        var linked = Directory.CreateDirectory(_dir.File("data/cifar-10-batches-bin")).FullName;
        foreach (var file in Directory.GetFiles(Path.Combine(RethinkProcess.DataDirectory, "cifar-10-batches-bin")))
            File.CreateSymbolicLink(Path.Combine(linked, Path.GetFileName(file)), Path.GetFullPath(file));
        var run = RethinkProcess.Run(["data", "info", "--dataset", "cifar10", "--data", _dir.File("data"), "--no-download"], TimeSpan.FromMinutes(2));
        output.WriteLine(run.ToString());
        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains("5000 5000 5000", run.Stdout);
    }

    private static readonly string[] Norms = ["reproduce", "--only", "kernel-norm", "--device", "cpu"];

    [Fact]
    public void A_damaged_result_is_named_and_never_used_and_does_not_stop_unrelated_work()
    {
        var results = _dir.File("results");
        var first = RethinkProcess.Run([.. Norms, "--out", results], TimeSpan.FromMinutes(5));
        Assert.True(first.ExitCode == 0, first.ToString());
        var victim = Directory.GetFiles(Path.Combine(results, "data"), "kernel-fit-*.json").Order(StringComparer.Ordinal).First();
        File.WriteAllText(victim, File.ReadAllText(victim).Replace("\"testError\": 0.", "\"testError\": 0.0", StringComparison.Ordinal));

        // Unrelated work completes; the damaged file is named once, with the fix.
        var unrelated = RethinkProcess.Run(["reproduce", "--only", "lemma1-spectrum", "--device", "cpu", "--out", results], TimeSpan.FromMinutes(5));
        output.WriteLine(unrelated.ToString());
        Assert.True(unrelated.ExitCode == 0, unrelated.ToString());
        Assert.Contains($"{victim}: its content does not match its checksum", unrelated.Stderr + unrelated.Stdout);
        Assert.DoesNotContain("ExperimentRecord", unrelated.Stderr + unrelated.Stdout);

        // status lists it as damaged, not done.
        var status = RethinkProcess.Run(["status", "--only", "kernel-norm", "--device", "cpu", "--out", results], TimeSpan.FromMinutes(2));
        output.WriteLine(status.ToString());
        Assert.Contains("damaged", status.Stdout);

        // The reproduce that needs it refuses it: exit 2, the file named, nothing recomputed over it.
        var before = File.ReadAllText(victim);
        var needed = RethinkProcess.Run([.. Norms, "--out", results], TimeSpan.FromMinutes(5));
        output.WriteLine(needed.ToString());
        Assert.Equal(2, needed.ExitCode);
        Assert.Contains($"{victim}: its content does not match its checksum", needed.Stderr);
        Assert.Equal(before, File.ReadAllText(victim));
    }

    [Fact]
    public void A_write_killed_before_its_rename_leaves_a_temporary_file_the_next_run_removes()
    {
        var results = _dir.File("fit");
        Directory.CreateDirectory(results);
        // What a SIGKILL between write and rename leaves: the temporary file of a process that no longer exists.
        var orphan = Path.Combine(results, $".mnist-result.json.{int.MaxValue - 3}.{Guid.NewGuid():N}.tmp");
        File.WriteAllText(orphan, "{ half a result");
        var run = RethinkProcess.Run(["kernels", "fit", "--dataset", "mnist", "--gamma", "0.02", "--train", "100", "--test", "10", "--out", results, "--save-alpha"], TimeSpan.FromMinutes(2));
        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.False(File.Exists(orphan));
        Assert.Empty(Directory.GetFiles(results, ".*.tmp"));
        // The result names a fit whose α is already there: it is written last.
        var result = Directory.GetFiles(results, "*.json").Single();
        Assert.True(File.Exists(result.Replace(".json", "-alpha.npy", StringComparison.Ordinal)));
        Assert.True(File.GetLastWriteTimeUtc(result) >= File.GetLastWriteTimeUtc(result.Replace(".json", "-alpha.npy", StringComparison.Ordinal)));
    }
}
