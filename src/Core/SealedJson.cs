using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Rethink.Core;

/// <summary>
/// JSON documents that carry the SHA-256 of their own content (the property <c>"sha256"</c>, over the compact
/// JSON of every other property), verified on load: an edited, truncated or bit-flipped result or state file
/// is refused with one line naming it, never silently used. A document without the property is refused too.
/// </summary>
public static class SealedJson
{
    /// <summary>The property that holds the checksum.</summary>
    public const string Property = "sha256";

    /// <summary><paramref name="value"/> as indented JSON with its checksum as the last property.</summary>
    public static string Serialize<T>(T value)
    {
        var node = JsonSerializer.SerializeToNode(value, Json.Options) as JsonObject
                   ?? throw new ArgumentException("Only JSON objects can be sealed.", nameof(value));
        node.Remove(Property);
        node[Property] = Digest(node);
        return node.ToJsonString(Json.Options);
    }

    /// <summary>Verifies the checksum of <paramref name="json"/> (read from <paramref name="source"/>), then deserializes it.</summary>
    /// <param name="json">The document.</param>
    /// <param name="source">The file it came from, for messages.</param>
    /// <param name="remedy">What the user should do when it fails (e.g. "delete it; it will be recomputed").</param>
    public static T Deserialize<T>(string json, string source, string remedy)
    {
        Verify(json, source, remedy);
        try
        {
            return Json.Deserialize<T>(json, source);
        }
        catch (InvalidDataException e)
        {
            throw new CorruptFileException(source, $"its checksum holds but it is not a {typeof(T).Name.Split('`')[0]} ({e.Message})", remedy);
        }
    }

    /// <summary>Throws <see cref="CorruptFileException"/> unless <paramref name="json"/> is whole and unchanged.</summary>
    public static void Verify(string json, string source, string remedy)
    {
        JsonNode? node;
        try
        {
            node = JsonNode.Parse(json);
        }
        catch (JsonException)
        {
            throw new CorruptFileException(source, "not valid JSON (truncated or damaged)", remedy);
        }
        if (node is not JsonObject document || document[Property] is not JsonValue stored || !stored.TryGetValue<string>(out var expected))
            throw new CorruptFileException(source, $"has no \"{Property}\" checksum (written by an older Rethink, or edited)", remedy);
        document.Remove(Property);
        if (!string.Equals(Digest(document), expected, StringComparison.Ordinal))
            throw new CorruptFileException(source, "its content does not match its checksum (edited or damaged)", remedy);
    }

    private static string Digest(JsonObject document) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(document.ToJsonString(Json.Compact))));
}
