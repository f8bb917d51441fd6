using System.CommandLine;

namespace Rethink.Plots.Cli;

/// <summary>Options several commands share, with their checks made while parsing (one line, exit code 2).</summary>
public static class CommonOptions
{
    /// <summary>The option's value, or default when its text did not convert (that error is already reported).</summary>
    private static T? Value<T>(System.CommandLine.Parsing.OptionResult result)
    {
        try
        {
            return result.GetValueOrDefault<T>();
        }
        catch (InvalidOperationException)
        {
            return default;
        }
    }

    /// <summary>--data DIR: a data root searched first; it must exist (a typo is told, not silently skipped).</summary>
    public static Option<string?> Data(string description = "Data root searched first (then $RETHINK_DATA, the user cache, Debian's datasets).")
    {
        var option = new Option<string?>("--data") { Description = description };
        option.Validators.Add(result =>
        {
            var value = Value<string?>(result);
            if (value is not null && !Directory.Exists(value))
                result.AddError($"--data {value}: no such directory; give the folder that holds mnist/, cifar-10-batches-bin/ … (or leave --data out to use $RETHINK_DATA and the user cache).");
        });
        return option;
    }

    /// <summary>--checkpoint-every MINUTES: how often a streamed Gram is checkpointed (0: after every block).</summary>
    public static Option<double?> CheckpointEvery() =>
        new Option<double?>("--checkpoint-every")
        {
            Description = "Minutes between checkpoints of a streamed Gram (default 10; 0: after every block). A killed stream loses at most this much work; a stopped one (Ctrl-C) none.",
        }.AtLeast(0);

    /// <summary>The schedule of --checkpoint-every, or null for the default.</summary>
    public static Rethink.Features.CheckpointSchedule? Schedule(double? minutes) =>
        minutes is { } m ? new Rethink.Features.CheckpointSchedule(TimeSpan.FromMinutes(m)) : null;

    /// <summary>--out DIR: created when needed; refused when a file stands where a directory must be.</summary>
    public static Option<T> OutputDirectory<T>(this Option<T> option)
    {
        option.Validators.Add(result =>
        {
            if (Value<T>(result) is string value && WriteProblem(value) is { } problem)
                result.AddError($"{option.Name} {value}: {problem}");
        });
        return option;
    }

    /// <summary>A file path whose folder is created when needed; refused when a file stands where a folder must be.</summary>
    public static Option<T> OutputFile<T>(this Option<T> option)
    {
        option.Validators.Add(result =>
        {
            if (Value<T>(result) is not string value) return;
            if (Directory.Exists(value)) result.AddError($"{option.Name} {value}: a folder, not a file; give a file name.");
            else if (WriteProblem(Path.GetDirectoryName(Path.GetFullPath(value))!) is { } problem) result.AddError($"{option.Name} {value}: {problem}");
        });
        return option;
    }

    /// <summary>
    /// Checks, before anything is computed, that results can be written into <paramref name="directory"/> (or into
    /// the folders that will be created for it): a file in the way, a read-only folder or file system, or no
    /// permission is one line naming the option, never a failure after the work. Creates nothing.
    /// </summary>
    public static void EnsureWritable(string directory, string option)
    {
        if (WriteProblem(directory) is { } problem) throw new CommandLineException($"{option} {directory}: {problem}");
    }

    /// <summary>Why nothing can be written into <paramref name="directory"/>, or null when it can (probed in its nearest existing folder).</summary>
    private static string? WriteProblem(string directory)
    {
        var full = Path.GetFullPath(directory);
        if (FileInTheWay(full) is { } file) return $"{file} is a file, not a folder; choose another folder.";
        var existing = full;
        while (!Directory.Exists(existing)) existing = Path.GetDirectoryName(existing) ?? "/";
        try
        {
            var probe = Path.Combine(existing, $".rethink-write-test.{Environment.ProcessId}.{Guid.NewGuid():N}.tmp");
            using (new FileStream(probe, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1, FileOptions.DeleteOnClose)) { }
            return null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return $"cannot write in {existing} ({e.Message.TrimEnd('.')}); choose a folder you can write to.";
        }
    }

    /// <summary>The first existing file on the way to <paramref name="directory"/> (itself included), or null.</summary>
    private static string? FileInTheWay(string directory)
    {
        for (var d = Path.GetFullPath(directory); !string.IsNullOrEmpty(d); d = Path.GetDirectoryName(d))
        {
            if (File.Exists(d)) return d;
            if (Directory.Exists(d)) return null;
        }
        return null;
    }

    /// <summary>Adds a check that a number is strictly positive.</summary>
    public static Option<T> Positive<T>(this Option<T> option)
    {
        option.Validators.Add(result =>
        {
            var value = Value<T>(result);
            if (value is not null && !(Convert.ToDouble(value, System.Globalization.CultureInfo.InvariantCulture) > 0))
                result.AddError($"{option.Name} {value}: must be a positive number.");
        });
        return option;
    }

    /// <summary>Adds a check that a number is at least <paramref name="minimum"/>.</summary>
    public static Option<T> AtLeast<T>(this Option<T> option, double minimum)
    {
        option.Validators.Add(result =>
        {
            var value = Value<T>(result);
            if (value is not null && Convert.ToDouble(value, System.Globalization.CultureInfo.InvariantCulture) < minimum)
                result.AddError($"{option.Name} {value}: must be at least {minimum.ToString(System.Globalization.CultureInfo.InvariantCulture)}.");
        });
        return option;
    }
}
