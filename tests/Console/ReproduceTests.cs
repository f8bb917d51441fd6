using System.Text.Json;
using System.Text.RegularExpressions;
using Rethink.Kernels;
using Rethink.Kernels.Devices;
using Rethink.Experiments;
using Xunit;
using Xunit.Abstractions;

namespace Rethink.Console.Tests;

/// <summary>
/// `rethink reproduce` as a user meets it: the cache follows the configs exactly, an interrupted run
/// resumes without recomputing, a machine without data or without TorchSharp still gets its figures
/// with one line per missing piece, the paper profile says what it will cost before it starts, and
/// processes sharing a results folder (two users, shards, `--jobs`) compute every run exactly once.
/// Tiny runs: the MNIST kernel-norm fits (eight, a second or two each) and the Lemma 1 spectrum.
/// </summary>
public sealed partial class ReproduceTests(ITestOutputHelper output) : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    private static readonly string[] Tiny = ["reproduce", "--only", "kernel-norm,lemma1-spectrum", "--device", "cpu"];

    private static Dictionary<string, DateTime> Results(string output) =>
        Directory.Exists(Path.Combine(output, "data"))
            ? Directory.GetFiles(Path.Combine(output, "data"), "*.json").Where(f => !f.EndsWith(".failed.json", StringComparison.Ordinal)).ToDictionary(f => Path.GetFileName(f), File.GetLastWriteTimeUtc)
            : [];

    [Fact]
    public void A_changed_config_invalidates_exactly_the_affected_runs()
    {
        var context = new ReproduceContext(RunProfile.Quick, ComputeDevice.Cpu, null, _dir.Path);
        var store = new ResultStore(context.DataResultsDirectory);
        KernelFitConfig Config(int n, double ridge = 0) => new("mnist", new GaussianSpec(BandwidthRule.Given, 0.02), Train: n, Ridge: ridge);
        var before = new KernelRunGroup("g", "group", _ => [Config(100), Config(200), Config(300)]);
        foreach (var unit in before.Units(context)) store.Save(unit.ResultKind, Configured<KernelFitConfig>.Of(before.Configure(context).Single(c => Core.Json.Hash(c) == unit.Hash)), "result", 0);
        Assert.True(before.IsCached(store, context));
        var after = new KernelRunGroup("g", "group", _ => [Config(100), Config(200, ridge: 1e-3), Config(300)]);
        var pending = after.Units(context).Where(u => !store.Exists(u.ResultKind, u.Hash)).ToList();
        Assert.Single(pending);
        Assert.Equal(Core.Json.Hash(after.Configure(context)[1]), pending[0].Hash);
        // A field left at its default (null) keeps the hash: adding optional config fields keeps caches.
        Assert.Equal(Core.Json.Hash(Config(100)), Core.Json.Hash(Config(100) with { Randomization = null, Features = null }));
        // Where runs compute is not what they compute: every device names the same result files.
        foreach (var device in Enum.GetValues<ComputeDevice>())
            Assert.Equal(before.Units(context).Select(u => u.Hash), before.Units(context with { Device = device }).Select(u => u.Hash));
    }

    [Fact]
    public void An_interrupted_reproduce_resumes_without_recomputing_finished_runs()
    {
        using (var first = RethinkProcess.Launch([.. Tiny, "--out", _dir.Path], RunningProcess.PauseAt("runs:3")))
        {
            first.WaitForPause("runs:3", TimeSpan.FromMinutes(5));
            first.Kill();
        }
        var done = Results(_dir.Path);
        output.WriteLine($"killed with {done.Count} results");
        Assert.Equal(3, done.Count);
        Assert.False(File.Exists(Path.Combine(_dir.Path, "figures", "kernel-norm.png")));
        var second = RethinkProcess.Run([.. Tiny, "--out", _dir.Path], TimeSpan.FromMinutes(3));
        Assert.True(second.ExitCode == 0, second.ToString());
        var after = Results(_dir.Path);
        Assert.Equal(9, after.Count);
        foreach (var (file, time) in done) Assert.Equal(time, after[file]); // not recomputed
        Assert.Contains($"{9 - done.Count} run(s) to compute", second.Stdout);
        Assert.True(File.Exists(Path.Combine(_dir.Path, "figures", "kernel-norm.png")));
    }

    [Fact]
    public void Without_datasets_it_renders_what_it_can_and_exits_0_with_one_line_per_missing_dataset()
    {
        var empty = Directory.CreateDirectory(_dir.File("no-data")).FullName;
        var run = RethinkProcess.Run([.. Tiny, "--out", _dir.File("out")], TimeSpan.FromMinutes(2),
            new Dictionary<string, string?> { ["RETHINK_DATA"] = empty, ["XDG_CACHE_HOME"] = _dir.File("cache"), ["HOME"] = _dir.File("home") });
        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Matches("kernel-norms .*skipped: .*MNIST", run.Stdout.Replace("\n", " "));
        Assert.True(File.Exists(_dir.File("out/figures/lemma1-spectrum.png")));
        Assert.False(File.Exists(_dir.File("out/figures/kernel-norm.png")));
    }

    [Fact]
    public void The_paper_profile_prints_its_cost_before_it_starts()
    {
        using var run = RethinkProcess.Launch(["reproduce", "--profile", "paper", "--only", "kernel-norm", "--device", "cpu", "--out", _dir.Path], RunningProcess.PauseAt("cost"));
        run.WaitForPause("cost", TimeSpan.FromMinutes(5));
        var first = run.Stdout.Split('\n')[0];
        var whenPrinted = Results(_dir.Path); // paused right after the cost line: nothing may have run yet
        run.Kill();
        output.WriteLine(first);
        Assert.Matches(@"--profile paper: \d+ run\(s\) to compute, estimated [\d.]+ (s|min|h) on this machine", first);
        Assert.Empty(whenPrinted);
    }

    [Fact]
    public void The_paper_profile_times_a_few_steps_of_each_unmeasured_model_before_estimating()
    {
        // Figure 2: Inception with and without BatchNorm, on all 50,000 images; no run of either finished here yet.
        using var run = RethinkProcess.Launch(["reproduce", "--profile", "paper", "--only", "fig2", "--device", "cpu", "--out", _dir.Path], RunningProcess.PauseAt("cost"));
        run.WaitForPause("cost", TimeSpan.FromMinutes(10));
        var first = run.Stdout.Split('\n')[0];
        run.Kill();
        output.WriteLine(first);
        var match = Regex.Match(first, @"--profile paper: (\d+) run\(s\) to compute, estimated ([\d.]+) (min|h) on this machine \(deep-run rates timed on cpu just now, 2 model\(s\), a few steps each\)");
        Assert.True(match.Success, first);
        Assert.Empty(Results(_dir.Path));
    }

    [Fact]
    public void Without_torchsharp_the_deep_figures_degrade_to_one_line_and_the_rest_renders()
    {
        // The console as installed, minus libtorch's native libraries (runtimes/): the program's own files
        // copied (the host takes the app directory from the real path of these), every other assembly linked.
        var app = Directory.CreateDirectory(_dir.File("app")).FullName;
        foreach (var file in Directory.EnumerateFiles(AppContext.BaseDirectory))
        {
            var name = Path.GetFileName(file);
            if (name.StartsWith("rethink", StringComparison.Ordinal)) File.Copy(file, Path.Combine(app, name));
            else File.CreateSymbolicLink(Path.Combine(app, name), file);
        }
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(Path.Combine(app, "rethink"), File.GetUnixFileMode(RethinkProcess.Executable));
        var native = Directory.CreateDirectory(Path.Combine(app, "runtimes", "linux-x64", "native")).FullName;
        foreach (var file in Directory.EnumerateFiles(Path.Combine(AppContext.BaseDirectory, "runtimes", "linux-x64", "native")))
            if (!new[] { "libtorch", "libLibTorchSharp", "libc10" }.Any(Path.GetFileName(file).StartsWith))
                File.CreateSymbolicLink(Path.Combine(native, Path.GetFileName(file)), file);
        // TorchSharp also looks in the NuGet package cache; a user's machine has none.
        var noPackages = new Dictionary<string, string?> { ["NUGET_PACKAGES"] = Directory.CreateDirectory(_dir.File("no-packages")).FullName, ["HOME"] = Directory.CreateDirectory(_dir.File("home")).FullName };
        var run = RethinkProcess.Start(Path.Combine(app, "rethink"), ["reproduce", "--only", "fig1a,lemma1-spectrum", "--device", "cpu", "--out", _dir.File("out")], TimeSpan.FromMinutes(2), noPackages, null);
        Assert.True(run.ExitCode == 0, run.ToString());
        var torchLines = run.Stdout.Split('\n').Where(l => l.Contains("TorchSharp", StringComparison.Ordinal)).ToList();
        Assert.True(torchLines.Count >= 1, run.ToString());
        Assert.Contains("did not load", string.Join('\n', torchLines));
        Assert.True(File.Exists(_dir.File("out/figures/lemma1-spectrum.png")));
        Assert.False(File.Exists(_dir.File("out/figures/fig1a.png")));
    }

    [GeneratedRegex(@"computed (\d+) run\(s\)")]
    private static partial Regex Computed();

    private static int ComputedRuns(string stdout) => Computed().Matches(stdout).Sum(m => int.Parse(m.Groups[1].Value));

    [Fact]
    public void Two_processes_on_one_folder_compute_every_run_once()
    {
        using var a = RethinkProcess.Launch([.. Tiny, "--out", _dir.Path]);
        using var b = RethinkProcess.Launch([.. Tiny, "--out", _dir.Path]);
        var (ra, rb) = (a.Wait(TimeSpan.FromMinutes(3)), b.Wait(TimeSpan.FromMinutes(3)));
        Assert.True(ra.ExitCode == 0 && rb.ExitCode == 0, ra + "\n" + rb);
        Assert.Equal(9, ComputedRuns(ra.Stdout) + ComputedRuns(rb.Stdout));
        foreach (var file in Directory.GetFiles(Path.Combine(_dir.Path, "data"), "*.json"))
            JsonDocument.Parse(File.ReadAllText(file)).Dispose(); // every result file whole
        Assert.Equal(9, Results(_dir.Path).Count);
        Assert.True(File.Exists(Path.Combine(_dir.Path, "figures", "kernel-norm.png")));
    }

    /// <summary>
    /// Figures and tables of a folder, without the run manifest and report (they hold times and hosts), and
    /// with the minute of rendering in a LaTeX file's provenance line blanked: two renders a minute apart
    /// differ there and nowhere else.
    /// </summary>
    private static Dictionary<string, byte[]> Rendered(string output) =>
        Directory.GetFiles(Path.Combine(output, "figures")).Concat(Directory.Exists(Path.Combine(output, "tables")) ? Directory.GetFiles(Path.Combine(output, "tables")) : [])
            .Where(f => !Path.GetFileName(f).StartsWith("manifest", StringComparison.Ordinal))
            .ToDictionary(f => Path.GetRelativePath(output, f), f => f.EndsWith(".tex", StringComparison.Ordinal)
                ? System.Text.Encoding.UTF8.GetBytes(RenderMinute().Replace(File.ReadAllText(f), "rendered (minute) UTC"))
                : File.ReadAllBytes(f));

    [GeneratedRegex(@"rendered \d{4}-\d{2}-\d{2} \d{2}:\d{2} UTC")]
    private static partial Regex RenderMinute();

    [MpiFact]
    public void Shards_under_mpirun_split_the_runs_and_the_last_renders_what_one_process_renders()
    {
        MpiFactAttribute.Require();
        var single = RethinkProcess.Run([.. Tiny, "--out", _dir.File("single")], TimeSpan.FromMinutes(3));
        Assert.True(single.ExitCode == 0, single.ToString());
        var sharded = RethinkProcess.Mpi(2, [.. Tiny, "--out", _dir.File("sharded")], TimeSpan.FromMinutes(3));
        Assert.True(sharded.ExitCode == 0, sharded.ToString());
        Assert.Contains("[shard 1/2]", sharded.Stdout);
        Assert.Contains("[shard 2/2]", sharded.Stdout);
        Assert.Equal(9, ComputedRuns(sharded.Stdout));
        var (one, two) = (Rendered(_dir.File("single")), Rendered(_dir.File("sharded")));
        Assert.Equal(one.Keys.Order(), two.Keys.Order());
        foreach (var (file, bytes) in one) Assert.True(bytes.AsSpan().SequenceEqual(two[file]), $"{file} differs between one process and two shards");
    }

    [Fact]
    public void A_killed_shard_restarted_completes_the_sweep_without_repeating_runs()
    {
        var shards = _dir.File("shards");
        using (var killed = RethinkProcess.Launch([.. Tiny, "--out", shards, "--shard", "2/2"], RunningProcess.PauseAt("runs:2")))
        {
            killed.WaitForPause("runs:2", TimeSpan.FromMinutes(5));
            killed.Kill();
        }
        var partial = Results(shards);
        var first = RethinkProcess.Run([.. Tiny, "--out", shards, "--shard", "1/2"], TimeSpan.FromMinutes(3));
        Assert.True(first.ExitCode == 0, first.ToString());
        Assert.Contains("still being computed elsewhere", first.Stdout);
        var restarted = RethinkProcess.Run([.. Tiny, "--out", shards, "--shard", "2/2"], TimeSpan.FromMinutes(3));
        Assert.True(restarted.ExitCode == 0, restarted.ToString());
        var after = Results(shards);
        Assert.Equal(9, after.Count);
        foreach (var (file, time) in partial) Assert.Equal(time, after[file]);
        Assert.Equal(9 - partial.Count, ComputedRuns(first.Stdout) + ComputedRuns(restarted.Stdout));
        Assert.True(File.Exists(Path.Combine(shards, "figures", "kernel-norm.png")), "the last shard to finish renders");
    }

    [Fact]
    public void Shard_ranks_come_from_each_launchers_environment()
    {
        Shard? From(params (string Name, string Value)[] variables) => Shard.FromEnvironment(name => variables.FirstOrDefault(v => v.Name == name).Value);
        Assert.Equal(new Shard(3, 8), From(("SLURM_PROCID", "2"), ("SLURM_NTASKS", "8")));
        Assert.Equal(new Shard(1, 4), From(("OMPI_COMM_WORLD_RANK", "0"), ("OMPI_COMM_WORLD_SIZE", "4")));
        Assert.Equal(new Shard(2, 2), From(("PMI_RANK", "1"), ("PMI_SIZE", "2")));
        Assert.Null(From());
        Assert.Null(From(("SLURM_PROCID", "4"), ("SLURM_NTASKS", "4")));
        Assert.Equal(new Shard(2, 5), Shard.Parse("2/5"));
        foreach (var bad in new[] { "0/2", "3/2", "2", "a/b", "1/0" })
            Assert.Equal("--shard", Rethink.Plots.Cli.OptionNames.For(Assert.Throws<Core.UserInputException>(() => Shard.Parse(bad)).Parameter));
        // Every hash lands in exactly one of N shards.
        var hashes = Enumerable.Range(0, 200).Select(i => Core.Json.Hash(i)).ToList();
        for (var n = 1; n <= 5; n++)
            Assert.All(hashes, h => Assert.Equal(1, Enumerable.Range(1, n).Count(k => new Shard(k, n).Owns(h))));
    }
}
