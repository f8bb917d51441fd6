using System.Runtime.InteropServices;
using TorchSharp;
using static TorchSharp.torch;

namespace Rethink.Deep;

/// <summary>
/// One training run across P processes (data parallelism, as PyTorch's DistributedDataParallel): every
/// process holds the whole model, trains on its share of every global minibatch, and the gradients are
/// summed across processes (each weighted by its share of the batch) before every optimizer step, so every
/// process takes the same step as one process with the whole batch, to float rounding. The reduction is
/// <see cref="IGradientReduction"/>: MPI_Allreduce from Open MPI (<see cref="Mpi"/>, through the host), or
/// NCCL's ncclAllReduce on the GPU's own buffers (<see cref="Nccl"/>, its communicator set up over MPI).
/// BatchNorm: each process normalizes with its own share's batch statistics (DDP's rule), and the running
/// statistics of rank 0 are broadcast to all after every step (DDP's broadcast_buffers), so evaluation is the
/// same on every process.
/// </summary>
public sealed class DataParallel(IGradientReduction reduction)
{
    /// <summary>How the processes talk.</summary>
    public IGradientReduction Reduction { get; } = reduction;
    /// <summary>This process's rank, 0 ≤ rank &lt; <see cref="Size"/>.</summary>
    public int Rank => Reduction.Rank;
    /// <summary>The number of processes.</summary>
    public int Size => Reduction.Size;

    /// <summary>This process's share [start, end) of a global batch of <paramref name="count"/> examples: contiguous, sizes differing by at most one.</summary>
    public (int Start, int End) Share(int count) => ((int)((long)count * Rank / Size), (int)((long)count * (Rank + 1) / Size));

    /// <summary>
    /// Replaces every gradient by the sum over processes of (share/batch) × the process's gradient: the
    /// gradient of the global batch's mean loss. One reduction of all gradients flattened into one buffer.
    /// </summary>
    public void AverageGradients(IReadOnlyList<TorchSharp.Modules.Parameter> parameters, int share, int batch)
    {
        using var scope = NewDisposeScope();
        var grads = parameters.Select(p => p.grad ?? zeros_like(p)).ToList();
        // On the gradients' device: NCCL reduces it there; MPI copies it through the host.
        var flat = cat(grads.Select(g => g.flatten()).ToList()).to(float32).mul((double)share / batch).contiguous();
        Reduction.SumInPlace(flat);
        var offset = 0L;
        using var _ = no_grad();
        foreach (var p in parameters)
        {
            var n = p.numel();
            if (p.grad is { } g) g.copy_(flat.narrow(0, offset, n).view_as(p));
            offset += n;
        }
    }

    /// <summary>Sums a few doubles over processes (loss × share, correct, share).</summary>
    public double[] Sum(params double[] values)
    {
        Reduction.SumInPlace(values);
        return values;
    }

    /// <summary>Rank 0's values of <paramref name="tensors"/> (BatchNorm running statistics; at the start, all weights) copied to every process.</summary>
    public void BroadcastFromRoot(IEnumerable<Tensor> tensors)
    {
        using var _ = no_grad();
        foreach (var t in tensors) Reduction.BroadcastFromRoot(t);
    }
}

/// <summary>
/// The collective operations data parallelism needs: a sum over processes (all-reduce) and a broadcast from
/// rank 0, in place. MPI here; NCCL (ncclAllReduce, ncclBroadcast on device buffers) behind the same interface on GPUs.
/// </summary>
public interface IGradientReduction
{
    /// <summary>This process's rank.</summary>
    int Rank { get; }
    /// <summary>The number of processes.</summary>
    int Size { get; }
    /// <summary>Every process's <paramref name="buffer"/> becomes the element-wise sum over processes.</summary>
    void SumInPlace(float[] buffer);
    /// <summary>Every process's <paramref name="buffer"/> becomes the element-wise sum over processes.</summary>
    void SumInPlace(double[] buffer);
    /// <summary>Every process's <paramref name="buffer"/> becomes rank 0's.</summary>
    void BroadcastFromRoot(float[] buffer);
    /// <summary>Every process's <paramref name="buffer"/> becomes rank 0's.</summary>
    void BroadcastFromRoot(double[] buffer);

    /// <summary>
    /// Every process's tensor (contiguous float32 or float64, on any device) becomes the element-wise sum over
    /// processes. By default through the host (the float[]/double[] overloads); NCCL reduces GPU tensors in place.
    /// </summary>
    void SumInPlace(Tensor values)
    {
        using var _ = no_grad();
        if (values.dtype == float64)
        {
            using var cpu = values.cpu().contiguous();
            var buffer = cpu.data<double>().ToArray();
            SumInPlace(buffer);
            values.copy_(tensor(buffer).view_as(values));
            return;
        }
        if (values.dtype != float32) throw new ArgumentException($"Sums are of float32 or float64 tensors, not {values.dtype}.", nameof(values));
        using var host = values.cpu().contiguous();
        var floats = host.data<float>().ToArray();
        SumInPlace(floats);
        values.copy_(tensor(floats).view_as(values));
    }

    /// <summary>Every process's tensor becomes rank 0's (floating point through float32/float64 on the host by default; int64 exactly below 2^53).</summary>
    void BroadcastFromRoot(Tensor values)
    {
        using var _ = no_grad();
        if (values.dtype == int64 || values.dtype == float64)
        {
            using var cpu = values.to(float64).cpu().contiguous();
            var buffer = cpu.data<double>().ToArray();
            BroadcastFromRoot(buffer);
            values.copy_(tensor(buffer).view_as(values).to(values.dtype));
            return;
        }
        using var host = values.to(float32).cpu().contiguous();
        var floats = host.data<float>().ToArray();
        BroadcastFromRoot(floats);
        values.copy_(tensor(floats).view_as(values).to(values.dtype));
    }
}

/// <summary>
/// Open MPI through P/Invoke of libmpi.so.40 (no binding package; MPI.NET is Windows-only). Open MPI's
/// handles (MPI_COMM_WORLD, MPI_FLOAT, MPI_SUM, …) are the addresses of exported globals
/// (<c>ompi_mpi_comm_world</c>, …), read with <see cref="NativeLibrary.GetExport"/>.
/// </summary>
public sealed unsafe partial class Mpi : IGradientReduction, IDisposable
{
    private const string Library = "libmpi.so.40";
    private const int ThreadFunneled = 1;
    private readonly nint _world, _float, _double, _sum;

    [LibraryImport(Library)] private static partial int MPI_Initialized(int* flag);
    [LibraryImport(Library)] private static partial int MPI_Init_thread(int* argc, byte*** argv, int required, int* provided);
    [LibraryImport(Library)] private static partial int MPI_Comm_rank(nint comm, int* rank);
    [LibraryImport(Library)] private static partial int MPI_Comm_size(nint comm, int* size);
    [LibraryImport(Library)] private static partial int MPI_Allreduce(void* send, void* receive, int count, nint datatype, nint op, nint comm);
    [LibraryImport(Library)] private static partial int MPI_Bcast(void* buffer, int count, nint datatype, int root, nint comm);
    [LibraryImport(Library)] private static partial int MPI_Finalize();

    /// <summary>Open MPI's MPI_IN_PLACE.</summary>
    private static readonly void* InPlace = (void*)1;

    private Mpi()
    {
        var handle = NativeLibrary.Load(Library);
        _world = NativeLibrary.GetExport(handle, "ompi_mpi_comm_world");
        _float = NativeLibrary.GetExport(handle, "ompi_mpi_float");
        _double = NativeLibrary.GetExport(handle, "ompi_mpi_double");
        _sum = NativeLibrary.GetExport(handle, "ompi_mpi_op_sum");
        int initialized;
        Check(MPI_Initialized(&initialized), "MPI_Initialized");
        if (initialized == 0)
        {
            int provided;
            Check(MPI_Init_thread(null, null, ThreadFunneled, &provided), "MPI_Init_thread");
        }
        int rank, size;
        Check(MPI_Comm_rank(_world, &rank), "MPI_Comm_rank");
        Check(MPI_Comm_size(_world, &size), "MPI_Comm_size");
        Rank = rank;
        Size = size;
    }

    /// <summary>The launcher's world size from the environment (mpirun sets OMPI_COMM_WORLD_SIZE, PMI launchers PMI_SIZE), or 1.</summary>
    public static int LaunchedSize() =>
        int.TryParse(Environment.GetEnvironmentVariable("OMPI_COMM_WORLD_SIZE") ?? Environment.GetEnvironmentVariable("PMI_SIZE"), out var n) ? n : 1;

    /// <summary>Joins the job mpirun started (MPI_Init); throws <see cref="DllNotFoundException"/> without Open MPI.</summary>
    public static Mpi Join() => new();

    /// <inheritdoc/>
    public int Rank { get; }
    /// <inheritdoc/>
    public int Size { get; }

    /// <inheritdoc/>
    public void SumInPlace(float[] buffer)
    {
        fixed (float* p = buffer) Check(MPI_Allreduce(InPlace, p, buffer.Length, _float, _sum, _world), "MPI_Allreduce");
    }

    /// <inheritdoc/>
    public void SumInPlace(double[] buffer)
    {
        fixed (double* p = buffer) Check(MPI_Allreduce(InPlace, p, buffer.Length, _double, _sum, _world), "MPI_Allreduce");
    }

    /// <inheritdoc/>
    public void BroadcastFromRoot(float[] buffer)
    {
        fixed (float* p = buffer) Check(MPI_Bcast(p, buffer.Length, _float, 0, _world), "MPI_Bcast");
    }

    /// <inheritdoc/>
    public void BroadcastFromRoot(double[] buffer)
    {
        fixed (double* p = buffer) Check(MPI_Bcast(p, buffer.Length, _double, 0, _world), "MPI_Bcast");
    }

    private static void Check(int code, string call)
    {
        if (code != 0) throw new IOException($"{call} failed with MPI error {code}.");
    }

    /// <summary>MPI_Finalize.</summary>
    public void Dispose() => MPI_Finalize();
}
