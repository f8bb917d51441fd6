using System.Diagnostics;
using System.Globalization;

namespace Rethink.Bench;

/// <summary>Runs a Python reference (Debian's /usr/bin/python3 with numpy/scipy) and reads "key value" lines it prints.</summary>
public static class PythonAnchor
{
    public const string Interpreter = "/usr/bin/python3";

    /// <summary>The single line a snippet prints (e.g. a library version).</summary>
    public static string Version(string snippet)
    {
        var info = new ProcessStartInfo(Interpreter) { RedirectStandardOutput = true, RedirectStandardError = true };
        info.ArgumentList.Add("-c");
        info.ArgumentList.Add(snippet);
        using var process = Process.Start(info)!;
        var text = process.StandardOutput.ReadToEnd().Trim();
        process.WaitForExit();
        return text;
    }

    public static Dictionary<string, double> Run(string script, params string[] args)
    {
        if (!File.Exists(Interpreter))
            throw new FileNotFoundException($"{Interpreter} not found: install Debian's python3-numpy and python3-scipy (sudo bash .ci/deps.sh bench).");
        var path = Path.Combine(Path.GetTempPath(), $"rethink-anchor-{Guid.NewGuid():N}.py");
        File.WriteAllText(path, script);
        try
        {
            var info = new ProcessStartInfo(Interpreter) { RedirectStandardOutput = true, RedirectStandardError = true };
            info.ArgumentList.Add(path);
            foreach (var a in args) info.ArgumentList.Add(a);
            using var process = Process.Start(info)!;
            var stderr = process.StandardError.ReadToEndAsync();
            var stdout = process.StandardOutput.ReadToEnd();
            process.WaitForExit();
            if (process.ExitCode != 0)
                throw new InvalidOperationException($"python anchor failed ({process.ExitCode}): {stderr.Result.Trim()}");
            var values = new Dictionary<string, double>();
            foreach (var line in stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries))
            {
                var parts = line.Split(' ', 2);
                if (parts.Length == 2 && double.TryParse(parts[1], NumberStyles.Float, CultureInfo.InvariantCulture, out var v)) values[parts[0]] = v;
            }
            return values;
        }
        finally
        {
            File.Delete(path);
        }
    }
}
