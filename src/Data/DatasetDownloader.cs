using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;

namespace Rethink.Data;

/// <summary>
/// Downloads official dataset files: tries each published source in turn, resumes a partial
/// <c>.part</c> file with an HTTP range request, verifies size and MD5, and only then renames the file
/// into place, so a file under its final name is always complete and verified.
/// </summary>
public sealed class DatasetDownloader(HttpClient http, IProgress<DownloadProgress>? progress = null)
{
    /// <summary>Downloads <paramref name="file"/> into <paramref name="directory"/>; returns the final path.</summary>
    public string Download(KnownFile file, string directory, CancellationToken cancel = default)
    {
        Directory.CreateDirectory(directory);
        var destination = Path.Combine(directory, file.Name);
        if (File.Exists(destination) && Verify(destination, file) is null) return destination;
        if (file.Sources.Count == 0)
            throw new DatasetNotFoundException($"{file.Name} has no download source; put it in {directory} by hand.");
        var part = destination + ".part";
        var failures = new List<string>();
        foreach (var source in file.Sources)
        {
            try
            {
                Fetch(source, part, file, cancel);
                if (Verify(part, file) is { } problem)
                {
                    File.Delete(part);
                    throw new DatasetFormatException(source.ToString(), "downloaded file", $"{file.Bytes} bytes with MD5 {file.Md5}", problem);
                }
                File.Move(part, destination, overwrite: true);
                return destination;
            }
            catch (Exception e) when (e is HttpRequestException or IOException or TaskCanceledException && !cancel.IsCancellationRequested)
            {
                failures.Add($"{source}: {e.Message}");
            }
        }
        throw new DatasetNotFoundException($"Could not download {file.Name}: {string.Join("; ", failures)}");
    }

    private void Fetch(Uri source, string part, KnownFile file, CancellationToken cancel)
    {
        var existing = File.Exists(part) ? new FileInfo(part).Length : 0;
        if (existing >= file.Bytes) { File.Delete(part); existing = 0; }
        using var request = new HttpRequestMessage(HttpMethod.Get, source);
        if (existing > 0) request.Headers.Range = new RangeHeaderValue(existing, null);
        using var response = http.Send(request, HttpCompletionOption.ResponseHeadersRead, cancel);
        if (response.StatusCode == HttpStatusCode.RequestedRangeNotSatisfiable)
        {
            File.Delete(part);
            throw new IOException($"server refused to resume at byte {existing}; the partial file was discarded, try again");
        }
        response.EnsureSuccessStatusCode();
        var append = existing > 0 && response.StatusCode == HttpStatusCode.PartialContent;
        if (!append) existing = 0;
        using var body = response.Content.ReadAsStream(cancel);
        using var output = new FileStream(part, append ? FileMode.Append : FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16);
        var buffer = new byte[1 << 16];
        var bytes = existing;
        int n;
        while ((n = body.Read(buffer)) > 0)
        {
            cancel.ThrowIfCancellationRequested();
            output.Write(buffer, 0, n);
            bytes += n;
            progress?.Report(new DownloadProgress(file.Name, bytes, file.Bytes));
        }
        output.Flush(flushToDisk: true);
    }

    /// <summary>Null when the file has the expected size and MD5, else what is wrong.</summary>
    public static string? Verify(string path, KnownFile file)
    {
        var length = DataStreams.Size(path);
        if (length != file.Bytes) return $"{length} bytes";
        var md5 = Md5(path);
        return md5 == file.Md5 ? null : $"MD5 {md5}";
    }

    /// <summary>The MD5 of a file, lower-case hex (the checksum the dataset pages publish).</summary>
    public static string Md5(string path)
    {
        using var stream = File.OpenRead(path);
        return Convert.ToHexStringLower(MD5.HashData(stream));
    }
}
