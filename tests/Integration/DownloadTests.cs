using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using Rethink.Data;
using Xunit;

namespace Rethink.Integration;

/// <summary>The downloader against an in-memory HTTP server that honours range requests and can fail mid-file.</summary>
public class DownloadTests
{
    private sealed class FakeServer(byte[] content, long failAfter) : HttpMessageHandler
    {
        public long FailAfter { get; set; } = failAfter;
        public List<long> RangeStarts { get; } = [];

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
            Task.FromResult(Send(request, cancellationToken));

        protected override HttpResponseMessage Send(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var start = request.Headers.Range?.Ranges.First().From ?? 0;
            RangeStarts.Add(start);
            var end = FailAfter > 0 ? Math.Min(content.Length, FailAfter) : content.Length;
            var body = new FailingStream(content[(int)start..(int)end], failAtEnd: end < content.Length);
            var response = new HttpResponseMessage(start > 0 ? HttpStatusCode.PartialContent : HttpStatusCode.OK) { Content = new StreamContent(body) };
            if (start > 0) response.Content.Headers.ContentRange = new ContentRangeHeaderValue(start, content.Length - 1, content.Length);
            return response;
        }
    }

    /// <summary>Serves its bytes, then (optionally) fails like a dropped connection.</summary>
    private sealed class FailingStream(byte[] bytes, bool failAtEnd) : MemoryStream(bytes)
    {
        public override int Read(byte[] buffer, int offset, int count)
        {
            var n = base.Read(buffer, offset, count);
            if (n == 0 && failAtEnd) throw new IOException("connection reset (simulated)");
            return n;
        }

        public override int Read(Span<byte> buffer)
        {
            var n = base.Read(buffer);
            if (n == 0 && failAtEnd) throw new IOException("connection reset (simulated)");
            return n;
        }
    }

    private static (byte[] Content, KnownFile File) Fixture()
    {
        var content = new byte[300_000];
        new Random(5).NextBytes(content);
        var md5 = Convert.ToHexStringLower(MD5.HashData(content));
        return (content, new KnownFile("blob.bin", content.Length, md5, [new Uri("http://example.invalid/blob.bin")]));
    }

    [Fact]
    public void Interrupted_download_resumes_with_a_range_request_and_verifies()
    {
        var (content, file) = Fixture();
        var server = new FakeServer(content, failAfter: 120_000);
        var dir = Directory.CreateTempSubdirectory("rethink-dl").FullName;
        var downloader = new DatasetDownloader(new HttpClient(server));

        var first = Assert.Throws<DatasetNotFoundException>(() => downloader.Download(file, dir));
        Assert.Contains("connection reset", first.Message);
        Assert.False(File.Exists(Path.Combine(dir, "blob.bin")), "nothing may appear under the final name before verification");
        Assert.Equal(120_000, new FileInfo(Path.Combine(dir, "blob.bin.part")).Length);

        server.FailAfter = 0;
        var path = downloader.Download(file, dir);
        Assert.Equal(120_000, server.RangeStarts[^1]);
        Assert.Equal(content, File.ReadAllBytes(path));
        Assert.False(File.Exists(path + ".part"));
        Directory.Delete(dir, true);
    }

    [Fact]
    public void Checksum_mismatch_is_rejected_and_nothing_is_left_behind()
    {
        var (content, file) = Fixture();
        var wrong = file with { Md5 = new string('0', 32) };
        var dir = Directory.CreateTempSubdirectory("rethink-dl").FullName;
        var e = Assert.Throws<DatasetNotFoundException>(() => new DatasetDownloader(new HttpClient(new FakeServer(content, 0))).Download(wrong, dir));
        Assert.Contains("MD5", e.Message);
        Assert.Empty(Directory.GetFiles(dir));
        Directory.Delete(dir, true);
    }

    [Fact]
    public void Offline_message_names_the_files_and_the_places()
    {
        var message = DataLocator.MissingMessage(KnownDataset.Mnist, "/nowhere", "no network");
        Assert.Contains("train-images-idx3-ubyte.gz", message);
        Assert.Contains("/nowhere (the data folder given)", message);
        Assert.Contains("no network", message);
        // A caller names the explicit root in its own terms (the console: its option).
        var named = DataLocator.MissingMessage(KnownDataset.Mnist, "/nowhere", null, "the data argument");
        Assert.Contains("/nowhere (the data argument)", named);
        Assert.Contains("give the data argument a folder", named);
    }
}
