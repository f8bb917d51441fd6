using Rethink.Kernels.Native;

namespace Rethink.Kernels.Devices;

/// <summary>
/// Where a streamed feature map's inner products are accumulated, block by block of features:
/// K += AᵀA (syrk, its lower triangle) and C += AᵀB (gemm), A the n×w training block and B the m×w
/// test block (row-major, that is w×n and w×m column-major). K (n×n) and C (n×m, column-major) live in
/// host memory, where they are checkpointed; a device may keep its own copies and bring the host's
/// up to date on <see cref="Flush"/>.
/// </summary>
public interface IGramAccumulator : IDisposable
{
    /// <summary>Where the products are computed (written into the result).</summary>
    string Where { get; }

    /// <summary>Adds one block; <paramref name="train"/> and <paramref name="test"/> point to n·w and m·w values in the accumulator's precision.</summary>
    void Add(nint train, nint test, int width);

    /// <summary>Brings the host's K (lower triangle) and C up to date with every block added so far.</summary>
    void Flush();

    /// <summary>
    /// Whether K and C live in the device's memory and the host's are copies that only <see cref="Flush"/> changes: a
    /// checkpoint can then be written from the host's while the next blocks accumulate on the device.
    /// </summary>
    bool Resident { get; }
}

/// <summary>A device that accumulates streamed products in its own memory (the GPU, with cuBLAS).</summary>
public interface IStreamingDevice
{
    /// <summary>The precision its accumulators compute in.</summary>
    Precision Precision { get; }

    /// <summary>
    /// An accumulator whose starting K and C are the host's (<paramref name="k"/>: n×n, <paramref name="c"/>:
    /// n×m, in the device's precision), which <see cref="IGramAccumulator.Flush"/> overwrites.
    /// </summary>
    IGramAccumulator Accumulator(nint k, nint c, int n, int m);
}

/// <summary>Opens the accumulator of streamed Gram matrices on a device or the host.</summary>
public static class GramAccumulators
{
    /// <summary>
    /// The device's own accumulator when it has one and computes in <paramref name="precision"/>;
    /// otherwise the host's BLAS.
    /// </summary>
    public static IGramAccumulator Open(IStreamingDevice? device, Precision precision, nint k, nint c, int n, int m) =>
        device is { } streaming && streaming.Precision == precision
            ? streaming.Accumulator(k, c, n, m)
            : precision == Precision.Fp64 ? new HostGramAccumulator<double>(k, c, n, m) : new HostGramAccumulator<float>(k, c, n, m);
}

/// <summary>The host's BLAS (syrk and gemm with β = 1) directly on the host's K and C.</summary>
internal sealed unsafe class HostGramAccumulator<T>(nint k, nint c, int n, int m) : IGramAccumulator where T : unmanaged, System.Numerics.IFloatingPoint<T>
{
    public string Where => $"the CPU's BLAS ({NativeLinearAlgebra.Probe().Blas})";

    public void Add(nint train, nint test, int width)
    {
        NativeLinearAlgebra.Syrk('T', n, width, T.One, (T*)train, width, T.One, (T*)k, n);
        NativeLinearAlgebra.Gemm('T', 'N', n, m, width, T.One, (T*)train, width, (T*)test, width, T.One, (T*)c, n);
    }

    public void Flush() { }

    public bool Resident => false;

    public void Dispose() { }
}
