using System.Text;
using Rethink.Core;
using Xunit;

namespace Rethink.Properties;

/// <summary>
/// What Rethink resumes or reuses carries a checksum of its content, verified on load: a sealed JSON document
/// that was edited (a value, a key), truncated or stripped of its checksum is refused with the file named and
/// what to do; and the temporary files of a write killed before its rename are cleaned by the next run.
/// </summary>
public sealed class IntegrityTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    private sealed record Sample(string Name, double[] Values, IReadOnlyList<string> Notes, int? Missing = null);

    private static readonly Sample Original = new("résumé ≤ 2 \"quoted\"", [0.1, 1e-300, 6.02e23, -0.0, double.Epsilon, Math.PI], ["a", "ü\n"]);

    [Fact]
    public void A_sealed_document_round_trips_and_any_change_is_refused()
    {
        var json = SealedJson.Serialize(Original);
        var back = SealedJson.Deserialize<Sample>(json, "sample.json", "delete it");
        Assert.Equal(Original.Name, back.Name);
        Assert.Equal(Original.Values, back.Values);
        Assert.Equal(Original.Notes, back.Notes);

        var cases = new Dictionary<string, string>
        {
            ["a value edited"] = json.Replace("0.1", "0.2", StringComparison.Ordinal),
            ["a key renamed"] = json.Replace("\"name\"", "\"nome\"", StringComparison.Ordinal),
            ["truncated"] = json[..(json.Length / 2)],
            ["the checksum removed"] = string.Join('\n', json.Split('\n').Where(l => !l.Contains("\"sha256\"", StringComparison.Ordinal))).Replace(",\n}", "\n}", StringComparison.Ordinal),
            ["a flipped character in the checksum"] = json.Replace("\"sha256\": \"", "\"sha256\": \"0", StringComparison.Ordinal),
        };
        foreach (var (what, damaged) in cases)
        {
            Assert.NotEqual(json, damaged);
            var e = Assert.Throws<CorruptFileException>(() => SealedJson.Deserialize<Sample>(damaged, "sample.json", "delete it"));
            Assert.StartsWith("sample.json: ", e.Message);
            Assert.EndsWith("; delete it", e.Message);
            Assert.DoesNotContain('\n', e.Message);
        }
        // Indentation is not content: the same document re-indented still verifies.
        SealedJson.Verify(System.Text.Json.Nodes.JsonNode.Parse(json)!.ToJsonString(), "sample.json", "delete it");
    }

    [Fact]
    public void Orphaned_temporary_files_of_dead_writers_are_removed_and_live_ones_kept()
    {
        var dead = Path.Combine(_dir.Path, $".result.json.{int.MaxValue - 7}.{Guid.NewGuid():N}.tmp"); // no such process
        var live = Path.Combine(_dir.Path, $".result.json.{Environment.ProcessId}.{Guid.NewGuid():N}.tmp");
        var other = Path.Combine(_dir.Path, ".keep.tmp"); // not one of ours
        foreach (var f in new[] { dead, live, other }) File.WriteAllText(f, "x");
        Assert.Equal(1, AtomicFile.RemoveOrphans(_dir.Path));
        Assert.False(File.Exists(dead));
        Assert.True(File.Exists(live));
        Assert.True(File.Exists(other));
    }

    [Fact]
    public void Content_digests_change_with_any_byte()
    {
        var bytes = Encoding.UTF8.GetBytes(new string('x', 10_000));
        var digest = ContentDigest.Of(bytes);
        bytes[5_000] ^= 1;
        Assert.NotEqual(digest, ContentDigest.Of(bytes));
        var path = Path.Combine(_dir.Path, "blob.bin");
        File.WriteAllBytes(path, bytes);
        Assert.Equal(ContentDigest.Of(bytes), ContentDigest.OfFile(path));
    }
}
