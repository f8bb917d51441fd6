using System.Text;

namespace Rethink.Core;

/// <summary>
/// Writes files so that readers see either the old content or the complete new content, never a
/// partial file: the bytes go to a temporary file in the same directory, are flushed to disk, and
/// the temporary file is renamed over the target.
/// </summary>
public static class AtomicFile
{
    /// <summary>Writes <paramref name="contents"/> (UTF-8, no BOM) to <paramref name="path"/> atomically: readers see the old file or the whole new one.</summary>
    public static void WriteAllText(string path, string contents) =>
        Write(path, stream =>
        {
            using var writer = new StreamWriter(stream, new UTF8Encoding(false), leaveOpen: true);
            writer.Write(contents);
        });

    /// <summary>Writes <paramref name="bytes"/> to <paramref name="path"/> atomically: readers see the old file or the whole new one.</summary>
    public static void WriteAllBytes(string path, ReadOnlySpan<byte> bytes)
    {
        var copy = bytes.ToArray();
        Write(path, stream => stream.Write(copy));
    }

    /// <summary>Writes through <paramref name="write"/> into a temporary file, then renames it to <paramref name="path"/>.</summary>
    public static void Write(string path, Action<Stream> write)
    {
        var full = Path.GetFullPath(path);
        var directory = Path.GetDirectoryName(full) ?? ".";
        Directory.CreateDirectory(directory);
        var temp = Path.Combine(directory, $".{Path.GetFileName(full)}.{Environment.ProcessId}.{Guid.NewGuid():N}.tmp");
        try
        {
            using (var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16))
            {
                write(stream);
                stream.Flush(flushToDisk: true);
            }
            File.Move(temp, full, overwrite: true);
        }
        catch
        {
            TryDelete(temp);
            throw;
        }
    }

    /// <summary>
    /// Removes the temporary files that writes in <paramref name="directory"/> left behind when their process
    /// was killed between writing and renaming (".NAME.PID.GUID.tmp" whose process no longer runs). Files
    /// of live processes are left alone.
    /// </summary>
    /// <returns>How many were removed.</returns>
    public static int RemoveOrphans(string directory)
    {
        if (!Directory.Exists(directory)) return 0;
        var removed = 0;
        foreach (var file in Directory.EnumerateFiles(directory, ".*.tmp"))
        {
            var parts = Path.GetFileName(file).Split('.');
            // "", NAME…, PID, GUID, "tmp"
            if (parts.Length < 5 || !int.TryParse(parts[^3], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var pid)) continue;
            if (pid == Environment.ProcessId || IsRunning(pid)) continue;
            TryDelete(file);
            if (!File.Exists(file)) removed++;
        }
        return removed;
    }

    private static bool IsRunning(int pid)
    {
        try
        {
            using var process = System.Diagnostics.Process.GetProcessById(pid);
            return !process.HasExited;
        }
        catch (ArgumentException)
        {
            return false;
        }
        catch (InvalidOperationException)
        {
            return false;
        }
    }

    private static void TryDelete(string path)
    {
        try { File.Delete(path); }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
    }
}
