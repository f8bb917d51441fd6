using Rethink.Kernels;
using Rethink.Data;
using Rethink.Kernels.InnerProducts;

namespace Rethink.Features;

/// <summary>
/// A feature map that can also deliver its Gram matrices without ever storing the features: blocks
/// of features are computed, accumulated into ⟨x, x′⟩ (train × train) and (train × test), and dropped.
/// Memory is the two Gram matrices plus one block, whatever the dimension.
/// </summary>
public interface IStreamedFeatureMap : IFeatureMap
{
    /// <summary>True: always stream; false: never; null: stream when the materialized features would not fit.</summary>
    bool? Stream { get; }

    /// <summary>Bytes the materialized train and test features take (double).</summary>
    long MaterializedBytes(int trainPoints, int testPoints);

    /// <summary>
    /// The training Gram and the train × test cross products, accumulated block by block in
    /// <paramref name="precision"/>, checkpointed in <paramref name="directory"/> after every block (a
    /// killed run resumes from the last block done). The products are accumulated on <paramref name="device"/>
    /// when it can (<see cref="Kernels.Devices.IStreamingDevice"/>, the GPU), else on the CPU's BLAS.
    /// </summary>
    StreamedProducts Products(PreparedData data, Precision precision, Kernels.Devices.IDenseDevice? device, string directory, IProgress<KernelProgress>? progress, CancellationToken cancel);
}

/// <summary>A streamed feature map's Gram matrices (file-backed) and a description for the result.</summary>
public sealed class StreamedProducts(IInnerProducts train, IInnerProducts cross, string description, IReadOnlyDictionary<string, double>? timings = null) : IDisposable
{
    public IInnerProducts Train { get; } = train;
    public IInnerProducts Cross { get; } = cross;
    public string Description { get; } = description;

    /// <summary>Seconds per phase of the blocks this call computed ("blocks", "features", "products", "checkpoints"); empty when every block came from an earlier run.</summary>
    public IReadOnlyDictionary<string, double> Timings { get; } = timings ?? new Dictionary<string, double>();

    public void Dispose()
    {
        (Train as IDisposable)?.Dispose();
        (Cross as IDisposable)?.Dispose();
    }
}
