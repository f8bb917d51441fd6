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
    /// <paramref name="precision"/>, checkpointed in <paramref name="directory"/> on <paramref name="schedule"/>
    /// (default every 10 minutes, when stopped and at the end; a killed run resumes from the last checkpoint). The
    /// products are accumulated on <paramref name="device"/> when it can (<see cref="Kernels.Devices.IStreamingDevice"/>,
    /// the GPU), else on the CPU's BLAS.
    /// </summary>
    StreamedProducts Products(PreparedData data, Precision precision, Kernels.Devices.IDenseDevice? device, string directory, IProgress<KernelProgress>? progress, CancellationToken cancel,
        CheckpointSchedule? schedule = null);
}

/// <summary>A streamed feature map's Gram matrices (in memory where they were accumulated, or file-backed) and a description for the result.</summary>
public sealed class StreamedProducts(IInnerProducts train, IInnerProducts cross, string description, StreamTimings? timings = null) : IDisposable
{
    /// <summary>The training points' Gram matrix (n×n).</summary>
    public IInnerProducts Train { get; } = train;
    /// <summary>The cross products, training × test points (n×m).</summary>
    public IInnerProducts Cross { get; } = cross;
    /// <summary>The map and how it was streamed, for the result.</summary>
    public string Description { get; } = description;

    /// <summary>The blocks this call computed and the seconds of their phases (no blocks when every block came from an earlier run).</summary>
    public StreamTimings Timings { get; } = timings ?? new StreamTimings();

    /// <summary>Frees the matrices (memory) or closes the files behind them.</summary>
    public void Dispose()
    {
        (Train as IDisposable)?.Dispose();
        (Cross as IDisposable)?.Dispose();
    }
}

/// <summary>The blocks one call of a stream computed and the seconds their phases took.</summary>
/// <param name="Blocks">Blocks computed by this call (0: every block came from an earlier run).</param>
/// <param name="Features">Computing the features of the blocks (convolution, pooling, standardization).</param>
/// <param name="Products">Accumulating their inner products into the Gram matrices.</param>
/// <param name="Checkpoints">What the checkpoints held the stream up: written in line, or their host copy taken and the previous write waited for.</param>
/// <param name="Written">Checkpoints written (or begun) by this call.</param>
/// <param name="InBackground">Of them, those written while the next blocks went on.</param>
/// <param name="Background">Seconds those background writes took (beside the blocks, not in their way).</param>
public sealed record StreamTimings(int Blocks = 0, double Features = 0, double Products = 0, double Checkpoints = 0, int Written = 0, int InBackground = 0, double Background = 0);
