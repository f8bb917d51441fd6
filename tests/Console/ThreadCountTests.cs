using System.Text.RegularExpressions;
using Xunit;

namespace Rethink.Console.Tests;

/// <summary>
/// CPU training numbers depend on libtorch's intra-op thread count, so it must not follow how a process
/// was launched: mpirun binds each rank to one core, and a shard's runs must still equal one process's.
/// </summary>
public sealed partial class ThreadCountTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [GeneratedRegex("\"seconds\":[^,}]*")]
    private static partial Regex Seconds();

    private string[] Train(string name, bool bindToOneCore)
    {
        var output = _dir.File(name);
        string[] args = ["deep", "run", "--model", "mlp1x512", "--train", "1000", "--test", "500", "--steps", "120", "--no-stop", "--out", output];
        var run = bindToOneCore
            ? RethinkProcess.Start("taskset", ["-c", "0", RethinkProcess.Executable, .. args], TimeSpan.FromMinutes(5), null, null)
            : RethinkProcess.Run(args, TimeSpan.FromMinutes(5));
        Assert.True(run.ExitCode == 0, run.ToString());
        return File.ReadAllLines(Path.Combine(output, "metrics.jsonl")).Select(line => Seconds().Replace(line, "")).ToArray();
    }

    [Fact]
    public void A_process_bound_to_one_core_trains_to_the_same_numbers()
    {
        Assert.True(RethinkProcess.OnPath("taskset"), "taskset (util-linux) is needed to bind a process to one core");
        var free = Train("free", bindToOneCore: false);
        var bound = Train("bound", bindToOneCore: true);
        Assert.NotEmpty(free);
        Assert.Equal(free, bound);
    }
}
