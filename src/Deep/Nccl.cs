using System.Runtime.InteropServices;
using Rethink.Torch;
using static TorchSharp.torch;

namespace Rethink.Deep;

/// <summary>
/// NCCL's collectives on the GPU's own buffers, behind the same <see cref="IGradientReduction"/> as
/// <see cref="Mpi"/>: the flattened gradients are summed by <c>ncclAllReduce</c> in place on the device (no
/// host copy), and BatchNorm buffers are sent by <c>ncclBroadcast</c>. The library is the one the CUDA
/// libtorch brought (PyTorch's wheels ship <c>libnccl.so.2</c> under <c>nvidia/nccl/lib</c>, and libtorch_cuda
/// links it), called through P/Invoke of its C API. The communicator is set up over a bootstrap reduction
/// (Open MPI under mpirun): rank 0 draws NCCL's unique id and broadcasts its 128 bytes; every rank then
/// joins with <c>ncclCommInitRank</c>. Collectives are enqueued on the legacy default stream, where
/// TorchSharp's kernels run, so they are ordered with the backward pass before them and the optimizer step
/// after them. Each process drives one GPU: the first one it sees (start ranks with
/// <c>CUDA_VISIBLE_DEVICES</c> set per local rank when a machine has several; NCCL refuses two ranks on one GPU).
/// </summary>
public sealed unsafe class Nccl : IGradientReduction, IDisposable
{
    /// <summary>NCCL's soname.</summary>
    public const string Library = "libnccl.so.2";

    private const int NcclInt64 = 4, NcclFloat32 = 7, NcclFloat64 = 8, NcclSum = 0;
    private readonly delegate* unmanaged<nint, nint, nuint, int, int, nint, nint, int> _allReduce;
    private readonly delegate* unmanaged<nint, nint, nuint, int, int, nint, nint, int> _broadcast;
    private readonly delegate* unmanaged<nint, int> _destroy;
    private readonly delegate* unmanaged<int, byte*> _errorString;
    private readonly Device _device;
    private nint _comm;

    [StructLayout(LayoutKind.Sequential)]
    private struct UniqueId
    {
        public fixed byte Bytes[128];
    }

    private Nccl(nint library, string path, int rank, int size, IGradientReduction? bootstrap, Device device)
    {
        _device = device;
        (Rank, Size, Path) = (rank, size, path);
        _allReduce = (delegate* unmanaged<nint, nint, nuint, int, int, nint, nint, int>)NativeLibrary.GetExport(library, "ncclAllReduce");
        _broadcast = (delegate* unmanaged<nint, nint, nuint, int, int, nint, nint, int>)NativeLibrary.GetExport(library, "ncclBroadcast");
        _destroy = (delegate* unmanaged<nint, int>)NativeLibrary.GetExport(library, "ncclCommDestroy");
        _errorString = (delegate* unmanaged<int, byte*>)NativeLibrary.GetExport(library, "ncclGetErrorString");
        var getVersion = (delegate* unmanaged<int*, int>)NativeLibrary.GetExport(library, "ncclGetVersion");
        var getUniqueId = (delegate* unmanaged<UniqueId*, int>)NativeLibrary.GetExport(library, "ncclGetUniqueId");
        var initRank = (delegate* unmanaged<nint*, int, UniqueId, int, int>)NativeLibrary.GetExport(library, "ncclCommInitRank");
        int version;
        Check(getVersion(&version), "ncclGetVersion");
        Version = version >= 10000 ? $"{version / 10000}.{version / 100 % 100}.{version % 100}" : $"{version / 1000}.{version / 100 % 10}.{version % 100}";
        var id = new UniqueId();
        if (rank == 0) Check(getUniqueId(&id), "ncclGetUniqueId");
        if (size > 1)
        {
            // The 128 bytes travel as 16 doubles: MPI copies them bit for bit between like machines.
            var words = new double[16];
            new ReadOnlySpan<byte>(id.Bytes, 128).CopyTo(MemoryMarshal.AsBytes(words.AsSpan()));
            (bootstrap ?? throw new ArgumentNullException(nameof(bootstrap), "More than one rank needs a bootstrap reduction to share NCCL's id.")).BroadcastFromRoot(words);
            MemoryMarshal.AsBytes(words.AsSpan()).CopyTo(new Span<byte>(id.Bytes, 128));
        }
        nint comm;
        Check(initRank(&comm, size, id, rank), "ncclCommInitRank");
        _comm = comm;
    }

    /// <summary>
    /// Joins NCCL on this process's GPU: a communicator of one rank alone, or of <paramref name="bootstrap"/>'s
    /// ranks (rank and size taken from it, the unique id broadcast over it). Loads CUDA libtorch first
    /// (<see cref="TorchRuntime.EnsureCuda"/>); throws <see cref="TorchUnavailableException"/> in one line when
    /// there is no CUDA libtorch or no NCCL beside it.
    /// </summary>
    public static Nccl Join(IGradientReduction? bootstrap = null)
    {
        var cuda = TorchRuntime.EnsureCuda();
        var (library, path) = Load(cuda.Directory);
        return new Nccl(library, path, bootstrap?.Rank ?? 0, bootstrap?.Size ?? 1, bootstrap, TorchDevices.Open(TrainingDevice.Cuda));
    }

    private static (nint Handle, string Path) Load(string libtorchDirectory)
    {
        // Already in the process when libtorch_cuda linked it (dlopen finds it by soname); else beside PyTorch's wheels.
        var candidates = new[]
        {
            Library,
            System.IO.Path.Combine(libtorchDirectory, Library),
            System.IO.Path.GetFullPath(System.IO.Path.Combine(libtorchDirectory, "..", "..", "nvidia", "nccl", "lib", Library)),
        };
        foreach (var candidate in candidates)
            if (NativeLibrary.TryLoad(candidate, out var handle)) return (handle, candidate);
        throw new TorchUnavailableException(TrainingTarget.Cuda, $"NCCL: {Library} was not found (tried {string.Join(", ", candidates)}); install PyTorch's nvidia-nccl wheel, or run without NCCL (MPI reduces through the host).");
    }

    /// <inheritdoc/>
    public int Rank { get; }
    /// <inheritdoc/>
    public int Size { get; }
    /// <summary>NCCL's version, e.g. 2.28.3.</summary>
    public string Version { get; }
    /// <summary>Which file was loaded.</summary>
    public string Path { get; }

    /// <summary>The collective's rule and library, for logs and results.</summary>
    public string Describe() => $"NCCL {Version} ({Path}), {Size} rank(s), on the GPU's buffers";

    /// <inheritdoc/>
    public void SumInPlace(Tensor values)
    {
        var type = values.dtype == float32 ? NcclFloat32 : values.dtype == float64 ? NcclFloat64
            : throw new ArgumentException($"Sums are of float32 or float64 tensors, not {values.dtype}.", nameof(values));
        Collective(values, type, (data, count, t) => _allReduce(data, data, count, t, NcclSum, _comm, 0), "ncclAllReduce");
    }

    /// <inheritdoc/>
    public void BroadcastFromRoot(Tensor values)
    {
        var type = values.dtype == float32 ? NcclFloat32 : values.dtype == float64 ? NcclFloat64 : values.dtype == int64 ? NcclInt64
            : throw new ArgumentException($"Broadcasts are of float32, float64 or int64 tensors, not {values.dtype}.", nameof(values));
        Collective(values, type, (data, count, t) => _broadcast(data, data, count, t, 0, _comm, 0), "ncclBroadcast");
    }

    private delegate int Call(nint data, nuint count, int type);

    private void Collective(Tensor values, int type, Call call, string name)
    {
        ObjectDisposedException.ThrowIf(_comm == 0, this);
        using var _ = no_grad();
        // A contiguous tensor on this GPU (a copy when it is not), the result copied back into the caller's.
        var onDevice = values.device_type == TorchSharp.DeviceType.CUDA && values.is_contiguous();
        using var work = onDevice ? values.alias() : values.to(_device).contiguous();
        Check(call(DataPointer(work), (nuint)work.numel(), type), name);
        if (!onDevice) values.copy_(work);
    }

    /// <inheritdoc/>
    public void SumInPlace(float[] buffer) => ThroughDevice(tensor(buffer), SumInPlace, r => r.data<float>().CopyTo(buffer, 0));

    /// <inheritdoc/>
    public void SumInPlace(double[] buffer) => ThroughDevice(tensor(buffer), SumInPlace, r => r.data<double>().CopyTo(buffer, 0));

    /// <inheritdoc/>
    public void BroadcastFromRoot(float[] buffer) => ThroughDevice(tensor(buffer), BroadcastFromRoot, r => r.data<float>().CopyTo(buffer, 0));

    /// <inheritdoc/>
    public void BroadcastFromRoot(double[] buffer) => ThroughDevice(tensor(buffer), BroadcastFromRoot, r => r.data<double>().CopyTo(buffer, 0));

    /// <summary>A host array's collective: copied to the GPU, reduced there, copied back (every temporary disposed).</summary>
    private void ThroughDevice(Tensor host, Action<Tensor> collective, Action<Tensor> back)
    {
        using var scope = NewDisposeScope();
        var onDevice = host.to(_device);
        collective(onDevice);
        back(onDevice.cpu());
    }

    [DllImport("LibTorchSharp")]
    private static extern nint THSTensor_data(nint handle);

    /// <summary>The address of a tensor's first element (on its device).</summary>
    private static nint DataPointer(Tensor t)
    {
        var p = THSTensor_data(t.Handle);
        if (p == 0) TorchSharp.torch.CheckForErrors();
        return p;
    }

    private void Check(int code, string call)
    {
        if (code == 0) return;
        var text = _errorString is null ? null : Marshal.PtrToStringUTF8((nint)_errorString(code));
        throw new IOException($"{call} failed with NCCL error {code}{(text is null ? "" : $" ({text})")}.");
    }

    /// <summary>ncclCommDestroy.</summary>
    public void Dispose()
    {
        if (_comm == 0) return;
        _ = _destroy(_comm);
        _comm = 0;
    }
}
