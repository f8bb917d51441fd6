using Rethink.Kernels.Devices;

namespace Rethink.Kernels;

/// <summary>
/// A fitted kernel interpolant: α and the report of its solve, with the training points and α kept on
/// the device for prediction. Prediction is one tiled loop for every device: a cross-kernel block
/// K(train, test tile) built on the device, times α.
/// </summary>
public sealed class KernelModel : IDisposable
{
    private readonly IDenseDevice _device;
    private readonly IDevicePoints _points;
    private readonly IDeviceMatrix _alpha;
    private readonly Kernel _kernel;
    private readonly SolveOptions _options;
    private IDisposable? _owned;

    internal KernelModel(IDenseDevice device, IDevicePoints points, IDeviceMatrix alpha, Kernel kernel, double[] alphaHost, SolveReport report, SolveOptions options)
    {
        _device = device;
        _points = points;
        _alpha = alpha;
        _kernel = kernel;
        _options = options;
        Alpha = alphaHost;
        Report = report;
    }

    /// <summary>What the solve did and how well.</summary>
    public SolveReport Report { get; }

    /// <summary>α, n×c column-major, in double.</summary>
    public double[] Alpha { get; }

    /// <summary>The kernel it was fitted with.</summary>
    public Kernel Kernel => _kernel;

    /// <summary>Takes ownership of the device the model was fitted on: it closes with the model.</summary>
    public KernelModel Owning(OpenedDevice device)
    {
        ArgumentNullException.ThrowIfNull(device);
        return Owning(device.Device, device);
    }

    /// <summary>Takes ownership of the device the model was fitted on (e.g. <c>LapackDevice.Open(…)</c>): it closes with the model.</summary>
    public KernelModel Owning(IDenseDevice device)
    {
        ArgumentNullException.ThrowIfNull(device);
        return Owning(device, device);
    }

    private KernelModel Owning(IDenseDevice device, IDisposable owner)
    {
        if (!ReferenceEquals(device, _device)) throw new ArgumentException("The model was fitted on another device.", nameof(device));
        _owned = owner;
        return this;
    }

    /// <summary>
    /// Scores K(test, train)·α, m×c column-major, computed in tiles of test points. The test points come in the
    /// form the model was fitted in: coordinates, or their inner products with the training points (n×m, a
    /// streamed feature map's cross products).
    /// </summary>
    public double[] Predict(KernelOperand test, IProgress<KernelProgress>? progress = null, CancellationToken cancel = default)
    {
        ArgumentNullException.ThrowIfNull(test);
        if (test.Dimension != _points.Dimension) throw new ArgumentException($"Test points have {test.Dimension} features; the model was fitted on {_points.Dimension}.", nameof(test));
        test.EnsureTestOf(_points.Count, nameof(test));
        test.EnsureFinite(nameof(test));
        return Predict(test.Count, (t0, count) => _device.Upload(test.Slice(t0, count)), progress, cancel);
    }

    private double[] Predict(int m, Func<int, int, IDevicePoints> tileOf, IProgress<KernelProgress>? progress, CancellationToken cancel)
    {
        int n = _points.Count, c = _alpha.Columns;
        var bytes = _device.Precision == Precision.Fp64 ? 8 : 4;
        var rows = _options.PredictionRows ?? (int)Math.Clamp(_device.TileBytes * _device.ProcessCount / Math.Max(1L, (long)n * bytes), 1, 16_384);
        rows = Math.Max(1, Math.Min(rows, m));
        _device.EnsureCapacity(new MemoryRequest("A prediction tile", n, [(n, rows), (rows, Math.Min(_points.Dimension, n)), (rows, c)]));
        var scores = new double[(long)m * c];
        IDeviceMatrix? cross = null, part = null;
        try
        {
            for (var t0 = 0; t0 < m; t0 += rows)
            {
                cancel.ThrowIfCancellationRequested();
                var count = Math.Min(rows, m - t0);
                if (cross is null || cross.Columns != count)
                {
                    cross?.Dispose();
                    part?.Dispose();
                    cross = _device.Allocate(n, count);
                    part = _device.Allocate(count, c);
                }
                using (var tile = tileOf(t0, count))
                    _device.CrossGram(_points, tile, _kernel, cross);
                _device.Gemm(true, false, cross, _alpha, part!);
                var block = _device.Download(part!);
                for (var j = 0; j < c; j++)
                    Array.Copy(block, (long)j * count, scores, (long)j * m + t0, count);
                progress?.Report(new KernelProgress("predict", (double)(t0 + count) / m));
            }
        }
        finally
        {
            cross?.Dispose();
            part?.Dispose();
        }
        return scores;
    }

    /// <summary>Frees the model's device memory (and the device when it owns it).</summary>
    public void Dispose()
    {
        _alpha.Dispose();
        _points.Dispose();
        _owned?.Dispose();
    }
}
