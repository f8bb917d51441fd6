using System.Text.Json;
using System.Text.Json.Serialization;
using Rethink.Core;

namespace Rethink.Theory;

/// <summary>
/// JSON export and import of a fitted <see cref="ReluInterpolant"/>. The document holds the network's
/// 2n + d parameters (a, b, w) and the segment table (anchors, values, slopes) the library's
/// evaluator uses; import checks shapes, ordering, finiteness, and that the slopes are the running
/// sums of w, so a hand-edited file cannot silently evaluate to something else.
/// </summary>
public static class ReluInterpolantJson
{
    /// <summary>The format identifier written into every file.</summary>
    public const string Format = "rethink.relu-interpolant/1";

    private static readonly JsonSerializerOptions Options = new()
    {
        WriteIndented = false,
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    internal sealed record Document(
        string Format,
        int InputDimension,
        int Width,
        long ParameterCount,
        double[] Direction,
        double[] Thresholds,
        double[] Weights,
        double[] SegmentAnchors,
        double[] SegmentValues,
        double[] SegmentSlopes);

    /// <summary>The network as one line of JSON.</summary>
    public static string Serialize(ReluInterpolant network)
    {
        ArgumentNullException.ThrowIfNull(network);
        var document = new Document(Format, network.InputDimension, network.Width, network.ParameterCount,
            network.Direction.ToArray(), network.Thresholds.ToArray(), network.Weights.ToArray(),
            network.SegmentAnchors.ToArray(), network.SegmentValues.ToArray(), network.SegmentSlopes.ToArray());
        return JsonSerializer.Serialize(document, Options);
    }

    /// <summary>Writes the network to <paramref name="path"/> (atomically).</summary>
    public static void Save(ReluInterpolant network, string path) => AtomicFile.WriteAllText(path, Serialize(network));

    /// <summary>Reads a network from <paramref name="path"/>; throws <see cref="ModelFormatException"/> naming the file and field for anything malformed.</summary>
    public static ReluInterpolant Load(string path)
    {
        string text;
        try { text = File.ReadAllText(path); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ModelFormatException(path, "(file)", $"cannot be read: {e.Message}");
        }
        return Deserialize(text, path);
    }

    /// <summary>Reads a network from JSON text (<paramref name="source"/> names it in messages), checking every field.</summary>
    public static ReluInterpolant Deserialize(string json, string source = "<string>")
    {
        Document? d;
        try { d = JsonSerializer.Deserialize<Document>(json, Options); }
        catch (JsonException e)
        {
            throw new ModelFormatException(source, e.Path ?? "(document)", $"is not valid JSON for {Format}: {e.Message}");
        }
        if (d is null) throw new ModelFormatException(source, "(document)", "is empty (null).");
        if (d.Format != Format) throw new ModelFormatException(source, "format", $"is '{d.Format}', expected '{Format}'.");
        Require(source, "direction", d.Direction, d.InputDimension);
        Require(source, "thresholds", d.Thresholds, d.Width);
        Require(source, "weights", d.Weights, d.Width);
        Require(source, "segmentAnchors", d.SegmentAnchors, d.Width);
        Require(source, "segmentValues", d.SegmentValues, d.Width);
        Require(source, "segmentSlopes", d.SegmentSlopes, d.Width);
        if (d.InputDimension < 1 || d.Width < 1)
            throw new ModelFormatException(source, "inputDimension/width", "must both be at least 1.");
        if (d.ParameterCount != 2L * d.Width + d.InputDimension)
            throw new ModelFormatException(source, "parameterCount", $"is {d.ParameterCount}, but 2n + d = {2L * d.Width + d.InputDimension}.");
        for (var i = 1; i < d.Width; i++)
            if (!(d.Thresholds[i - 1] < d.Thresholds[i]))
                throw new ModelFormatException(source, $"thresholds[{i}]", "is not greater than the previous threshold; thresholds must be strictly increasing.");
        // Slopes are the running sums of w up to rounding: each w_i = fl(S_i - S_{i-1}) and each
        // addition add one rounding relative to the largest magnitude seen so far.
        var running = 0.0;
        var magnitude = 0.0;
        for (var i = 0; i < d.Width; i++)
        {
            running += d.Weights[i];
            magnitude = Math.Max(magnitude, Math.Max(Math.Abs(d.Weights[i]), Math.Abs(d.SegmentSlopes[i])));
            var tolerance = 4.0 * (i + 1) * InterleavingMatrix.MachineEpsilon * magnitude;
            if (Math.Abs(running - d.SegmentSlopes[i]) > tolerance)
                throw new ModelFormatException(source, $"segmentSlopes[{i}]", $"is {d.SegmentSlopes[i]:R}, but w_1 + ... + w_{i + 1} = {running:R}.");
        }
        return new ReluInterpolant(d.Direction, d.Thresholds, d.Weights, d.SegmentAnchors, d.SegmentValues, d.SegmentSlopes);
    }

    private static void Require(string source, string field, double[]? values, int length)
    {
        if (values is null) throw new ModelFormatException(source, field, "is missing.");
        if (values.Length != length) throw new ModelFormatException(source, field, $"has {values.Length} entries, expected {length}.");
        for (var i = 0; i < values.Length; i++)
            if (!double.IsFinite(values[i])) throw new ModelFormatException(source, $"{field}[{i}]", "is not a finite number.");
    }
}
