using Rethink.Data;
using Rethink.Features;
using Rethink.Kernels;
using Rethink.Kernels.Devices;

namespace Rethink.Experiments;

/// <summary>
/// The training and test operands of a kernel experiment, decided once — here and nowhere else: the pixels or
/// materialized features as points, or a streamed feature map's Gram and cross products (when asked, or when
/// the materialized plan does not fit in memory). Everything after takes the operands as they are.
/// </summary>
public sealed class KernelOperands : IDisposable
{
    private readonly IDisposable? _owned;

    private KernelOperands(KernelOperand train, KernelOperand test, string? description, IDisposable? owned) =>
        (Train, Test, Description, _owned) = (train, test, description, owned);

    /// <summary>The training points.</summary>
    public KernelOperand Train { get; }

    /// <summary>The test points, in the training points' form.</summary>
    public KernelOperand Test { get; }

    /// <summary>What the feature map computed (null for raw pixels).</summary>
    public string? Description { get; }

    /// <param name="prepared">Its train and test splits (the training split plays training, the test split testing).</param>
    /// <param name="features">The feature map (null: pixels).</param>
    /// <param name="precision">The solve's precision (streamed products accumulate in it).</param>
    /// <param name="device">The solve's device (streamed products accumulate on it when it can).</param>
    /// <param name="cache">Where streamed Gram matrices are checkpointed and kept.</param>
    /// <param name="progress">Phase progress.</param>
    /// <param name="cancel">Cancellation between blocks.</param>
    /// <param name="checkpoints">When a stream writes its checkpoints (default every 10 minutes).</param>
    public static KernelOperands Build(PreparedData prepared, IFeatureMap? features, Precision precision, IDenseDevice device, string cache,
        IProgress<KernelProgress>? progress, CancellationToken cancel, CheckpointSchedule? checkpoints = null)
    {
        if (features is IStreamedFeatureMap streamed && KernelFitRunner.ChooseStreaming(streamed, prepared.Train.Count, prepared.Test.Count, precision))
        {
            var products = streamed.Products(prepared, precision, device, cache, progress, cancel, checkpoints);
            return new KernelOperands(KernelOperand.Of(products.Train), KernelOperand.Of(products.Cross), products.Description + $"; Gram matrices cached in {cache}", products);
        }
        if (features is null) return new KernelOperands(prepared.Train.ToFeatureMatrix(), prepared.Test.ToFeatureMatrix(), null, null);
        var (train, test, description) = features.Transform(prepared, progress);
        return new KernelOperands(train, test, description, null);
    }

    /// <summary>Frees streamed products (memory, or their files).</summary>
    public void Dispose() => _owned?.Dispose();
}
