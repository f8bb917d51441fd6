using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Rethink.Core;

/// <summary>The project's JSON conventions: camelCase, enums as kebab-case strings, indented.</summary>
public static class Json
{
    /// <summary>Serializer options of every JSON file Rethink writes: camelCase, enums as kebab-case strings, indented.</summary>
    public static JsonSerializerOptions Options { get; } = Create(indented: true);
    /// <summary>The same options, unindented (one record per line).</summary>
    public static JsonSerializerOptions Compact { get; } = Create(indented: false);

    private static JsonSerializerOptions Create(bool indented)
    {
        var options = new JsonSerializerOptions
        {
            WriteIndented = indented,
            PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
            NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
        };
        options.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.KebabCaseLower));
        return options;
    }

    /// <paramref name="value"/> as JSON in the project's conventions.
    public static string Serialize<T>(T value, bool indented = true) =>
        JsonSerializer.Serialize(value, indented ? Options : Compact);

    /// <summary>Reads a <typeparamref name="T"/>; throws <see cref="InvalidDataException"/> naming <paramref name="source"/> and the place in the document when it is not one.</summary>
    public static T Deserialize<T>(string json, string source)
    {
        try
        {
            return JsonSerializer.Deserialize<T>(json, Options)
                ?? throw new InvalidDataException($"{source}: the document is empty (null).");
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{source}: not a valid {typeof(T).Name} document at {e.Path ?? "the root"}: {e.Message}", e);
        }
    }

    /// <summary>A short stable hash of a value's compact JSON: the cache key of an experiment config.</summary>
    /// <remarks>Null properties are left out, so adding an optional (null by default) field to a config record keeps the hashes — and caches — of existing configs.</remarks>
    public static string Hash<T>(T value)
    {
        var bytes = SHA256.HashData(Encoding.UTF8.GetBytes(JsonSerializer.Serialize(value, HashOptions)));
        return Convert.ToHexStringLower(bytes)[..12];
    }

    private static readonly JsonSerializerOptions HashOptions = new(Compact) { DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull };
}
