using System.Diagnostics;

namespace Rethink.Console.Tests;

/// <summary>What a finished process printed and returned.</summary>
public sealed record ProcessResult(int ExitCode, string Stdout, string Stderr, TimeSpan Elapsed)
{
    public override string ToString() => $"exit {ExitCode} after {Elapsed.TotalSeconds:F1} s\n--- stdout\n{Stdout}\n--- stderr\n{Stderr}";
}

/// <summary>
/// Runs the real `rethink` console (the program built next to these tests) as a child process — the
/// way a user runs it — optionally under mpirun, with a time limit.
/// </summary>
public static class RethinkProcess
{
    /// <summary>The console's app host, copied next to the test assembly by the project reference.</summary>
    public static string Executable => Path.Combine(AppContext.BaseDirectory, "rethink");

    /// <summary>Where the tests find MNIST and CIFAR-10: $RETHINK_DATA (CI sets it), else the user cache downloads go to.</summary>
    public static string DataDirectory =>
        Environment.GetEnvironmentVariable(Rethink.Data.DataLocator.EnvironmentVariable) is { Length: > 0 } d ? d : Rethink.Data.DataLocator.CacheDirectory;

    public static ProcessResult Run(IEnumerable<string> args, TimeSpan? timeout = null, IDictionary<string, string?>? environment = null, string? workingDirectory = null) =>
        Start(Executable, args, timeout, environment, workingDirectory);

    /// <summary>`mpirun -np <paramref name="processes"/> rethink ARGS` (as root where needed, oversubscribed on small machines).</summary>
    public static ProcessResult Mpi(int processes, IEnumerable<string> args, TimeSpan? timeout = null, IDictionary<string, string?>? environment = null)
    {
        var mpi = new List<string>();
        if (Environment.UserName == "root") mpi.Add("--allow-run-as-root");
        mpi.AddRange(["--oversubscribe", "-np", processes.ToString(), Executable]);
        return Start("mpirun", mpi.Concat(args), timeout, environment, null);
    }

    public static ProcessResult Start(string file, IEnumerable<string> args, TimeSpan? timeout, IDictionary<string, string?>? environment, string? workingDirectory)
    {
        var info = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in args) info.ArgumentList.Add(a);
        if (workingDirectory is not null) info.WorkingDirectory = workingDirectory;
        info.Environment["RETHINK_DATA"] = DataDirectory;
        info.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        if (environment is not null)
            foreach (var (k, v) in environment)
                if (v is null) info.Environment.Remove(k);
                else info.Environment[k] = v;
        var watch = Stopwatch.StartNew();
        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(timeout ?? TimeSpan.FromMinutes(5)))
        {
            process.Kill(entireProcessTree: true);
            process.WaitForExit();
            throw new TimeoutException($"{file} {string.Join(' ', info.ArgumentList)} did not finish within {(timeout ?? TimeSpan.FromMinutes(5)).TotalSeconds} s.\n{stdout.Result}\n{stderr.Result}");
        }
        process.WaitForExit();
        return new ProcessResult(process.ExitCode, stdout.Result, stderr.Result, watch.Elapsed);
    }

    /// <summary>Starts `rethink ARGS` without waiting: the running process and its output so far.</summary>
    public static RunningProcess Launch(IEnumerable<string> args, IDictionary<string, string?>? environment = null, string? program = null)
    {
        var info = new ProcessStartInfo(program ?? Executable) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in args) info.ArgumentList.Add(a);
        info.Environment["RETHINK_DATA"] = DataDirectory;
        if (environment is not null)
            foreach (var (k, v) in environment)
                if (v is null) info.Environment.Remove(k);
                else info.Environment[k] = v;
        return new RunningProcess(Process.Start(info)!);
    }

    /// <summary>Whether a program is on PATH.</summary>
    public static bool OnPath(string program) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':').Any(d => File.Exists(Path.Combine(d, program)));
}

/// <summary>A fresh directory under the system temp folder, deleted on dispose.</summary>
public sealed class TempDirectory : IDisposable
{
    public string Path { get; } = Directory.CreateTempSubdirectory("rethink-console-").FullName;
    public string File(string name) => System.IO.Path.Combine(Path, name);

    public void Dispose()
    {
        try { Directory.Delete(Path, recursive: true); }
        catch (IOException) { }
    }
}

/// <summary>A child process whose output is collected as it arrives.</summary>
public sealed class RunningProcess : IDisposable
{
    private readonly System.Text.StringBuilder _stdout = new(), _stderr = new();

    public RunningProcess(Process process)
    {
        Process = process;
        process.OutputDataReceived += (_, e) => { if (e.Data is { } line) lock (_stdout) _stdout.AppendLine(line); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is { } line) lock (_stderr) _stderr.AppendLine(line); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    public Process Process { get; }
    public string Stdout { get { lock (_stdout) return _stdout.ToString(); } }
    public string Stderr { get { lock (_stderr) return _stderr.ToString(); } }

    /// <summary>Waits until <paramref name="condition"/> holds (polling), failing after <paramref name="timeout"/>.</summary>
    public void WaitUntil(Func<bool> condition, TimeSpan timeout, string what)
    {
        var watch = Stopwatch.StartNew();
        while (!condition())
        {
            if (Process.HasExited) throw new InvalidOperationException($"the process exited ({Process.ExitCode}) before {what}:\n{Stdout}\n{Stderr}");
            if (watch.Elapsed > timeout) throw new TimeoutException($"{what} did not happen within {timeout.TotalSeconds} s:\n{Stdout}\n{Stderr}");
            Thread.Sleep(20);
        }
    }

    /// <summary>The environment that makes the console pause at <paramref name="event"/> (RETHINK_PAUSE_AT, see the console's PauseHook).</summary>
    public static Dictionary<string, string?> PauseAt(string @event) => new() { ["RETHINK_PAUSE_AT"] = @event };

    /// <summary>Waits until the process reports that it paused at <paramref name="event"/> (launched with <see cref="PauseAt"/>).</summary>
    public void WaitForPause(string @event, TimeSpan timeout) =>
        WaitUntil(() => Stderr.Contains($"paused at {@event} ", StringComparison.Ordinal), timeout, $"the pause at {@event}");

    /// <summary>SIGKILL: no chance to clean up, as when a machine loses power or the OOM killer strikes.</summary>
    public void Kill()
    {
        Process.Kill(entireProcessTree: true);
        Process.WaitForExit();
    }

    public ProcessResult Wait(TimeSpan timeout)
    {
        if (!Process.WaitForExit(timeout)) { Kill(); throw new TimeoutException($"did not finish in {timeout.TotalSeconds} s:\n{Stdout}\n{Stderr}"); }
        Process.WaitForExit();
        return new ProcessResult(Process.ExitCode, Stdout, Stderr, TimeSpan.Zero);
    }

    public void Dispose()
    {
        if (!Process.HasExited) Kill();
        Process.Dispose();
    }
}
