using System.Text.Json;
using System.Text.Json.Serialization;

namespace Rethink.Data;

/// <summary>
/// Which dataset an experiment reads: one of the paper's (<see cref="Mnist"/>, <see cref="FashionMnist"/>,
/// <see cref="Cifar10"/>) or a folder given by path. Parsed once where a user names it; written into configs
/// and result files as its name (the same text as before types, so config hashes are the names').
/// </summary>
[JsonConverter(typeof(DatasetIdJsonConverter))]
public readonly record struct DatasetId
{
    /// <summary>A dataset by name or path: a known name ("cifar-10" is accepted for "cifar10") becomes that dataset.</summary>
    public DatasetId(string name)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        Known = KnownDataset.Find(name);
        Name = Known?.Name ?? name;
    }

    /// <summary>MNIST.</summary>
    public static DatasetId Mnist { get; } = new("mnist");

    /// <summary>Fashion-MNIST.</summary>
    public static DatasetId FashionMnist { get; } = new("fashion-mnist");

    /// <summary>CIFAR-10.</summary>
    public static DatasetId Cifar10 { get; } = new("cifar10");

    /// <summary>The known dataset's name ("mnist", "fashion-mnist", "cifar10"), or the path as given.</summary>
    public string Name { get; }

    /// <summary>The paper's dataset this is, or null for a folder given by path.</summary>
    public KnownDataset? Known { get; }

    /// <summary>Image side before preprocessing where known (28 for the MNIST-like datasets, 32 for CIFAR-10).</summary>
    public int? Side => Known?.Side;

    /// <summary>Colour channels where known.</summary>
    public int? Channels => Known?.Channels;

    /// <summary>Training examples where known.</summary>
    public int? TrainCount => Known?.TrainLabelCounts.Sum();

    /// <summary>The last part of a path, or the name: for file names.</summary>
    public string ShortName => Known is null ? Path.GetFileName(Name.TrimEnd('/')) : Name;

    /// <inheritdoc/>
    public override string ToString() => Name;

    /// <summary>A dataset by name or path.</summary>
    public static implicit operator DatasetId(string name) => new(name);
}

/// <summary>Reads and writes a <see cref="DatasetId"/> as its name.</summary>
public sealed class DatasetIdJsonConverter : JsonConverter<DatasetId>
{
    /// <inheritdoc/>
    public override DatasetId Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        new(reader.GetString() ?? throw new JsonException("A dataset name is required."));

    /// <inheritdoc/>
    public override void Write(Utf8JsonWriter writer, DatasetId value, JsonSerializerOptions options) => writer.WriteStringValue(value.Name);
}
