using ILGPU;
using ILGPU.Runtime;
using ILGPU.Runtime.Cuda;
using Rethink.Kernels.Devices;

namespace Rethink.Kernels.Cuda;

/// <summary>
/// The process's one CUDA context: ILGPU's accelerator (which owns the context and the stream), the
/// element-wise kernels, and the cuBLAS and cuSOLVER handles, both bound to ILGPU's stream so that all
/// work is ordered on one queue. <see cref="Enter"/> makes the context current on the calling thread
/// explicitly — ILGPU's <c>Bind()</c> is a no-op when its thread-static believes it is bound, and a
/// library in the same process (TorchSharp's <c>cudaSetDevice</c>) may have moved the thread's context —
/// and takes the lock that guards the shared handles.
/// </summary>
internal sealed unsafe class CudaRuntime : IDisposable
{
    private static readonly object Gate = new();
    private static CudaRuntime? _shared;
    private static DeviceUnavailableException? _failure;

    private readonly Context _context;
    private readonly CudaAccelerator _accelerator;
    private readonly CublasHandle _blas;
    private readonly CusolverHandle _solver;
    private bool _disposed;

    private CudaRuntime(Context context, CudaAccelerator accelerator, ElementwiseKernels kernels, CublasHandle blas, CusolverHandle solver, string library, string hardware)
    {
        _context = context;
        _accelerator = accelerator;
        Kernels = kernels;
        _blas = blas;
        _solver = solver;
        Library = library;
        Hardware = hardware;
    }

    public ElementwiseKernels Kernels { get; }
    public CudaAccelerator Accelerator => _accelerator;
    public IntPtr Blas => _blas.Value;
    public CusolverHandle Solver => _solver;
    public string Library { get; }
    public string Hardware { get; }

    /// <summary>The process's runtime, created on first use; an unusable GPU is a <see cref="DeviceUnavailableException"/> (remembered).</summary>
    public static CudaRuntime Shared
    {
        get
        {
            lock (Gate)
            {
                if (_shared is not null) return _shared;
                if (_failure is not null) throw _failure;
                try
                {
                    _shared = Create();
                    AppDomain.CurrentDomain.ProcessExit += (_, _) => _shared?.Dispose();
                    return _shared;
                }
                catch (DeviceUnavailableException e)
                {
                    _failure = e;
                    throw;
                }
            }
        }
    }

    private static CudaRuntime Create()
    {
        var libraries = CudaLibraries.Load();
        Context? context = null;
        CudaAccelerator? accelerator = null;
        CublasHandle? blas = null;
        CusolverHandle? solver = null;
        try
        {
            context = Context.Create(builder => builder.Cuda().EnableAlgorithms());
            var devices = context.GetCudaDevices();
            if (devices.Count == 0)
                throw new DeviceUnavailableException("cuda", "ILGPU finds no CUDA device although the driver loads", kind: DeviceProblem.NoDevice);
            accelerator = devices[0].CreateCudaAccelerator(context);
            CudaException.ThrowIfFailed("cuda", "cuCtxSetCurrent", CudaNative.cuCtxSetCurrent(accelerator.NativePtr));
            accelerator.Bind();
            var kernels = new ElementwiseKernels(accelerator);
            blas = new CublasHandle();
            solver = new CusolverHandle();
            var stream = ((CudaStream)accelerator.DefaultStream).StreamPtr;
            CudaException.ThrowIfFailed("cublas", "cublasSetStream", CudaNative.cublasSetStream(blas.Value, stream));
            CudaException.ThrowIfFailed("cusolver", "cusolverDnSetStream", CudaNative.cusolverDnSetStream(solver.Value, stream));
            int runtimeVersion, blasVersion, solverVersion;
            CudaNative.cudaRuntimeGetVersion(&runtimeVersion);
            CudaNative.cublasGetVersion(blas.Value, &blasVersion);
            CudaNative.cusolverGetVersion(&solverVersion);
            var library = $"{libraries.Describe()} (cudart {Version(runtimeVersion)}, cuBLAS {blasVersion / 10000}.{blasVersion / 100 % 100}.{blasVersion % 100}, cuSOLVER {solverVersion / 1000}.{solverVersion / 100 % 10}.{solverVersion % 100})";
            var hardware = $"{accelerator.Name}, {accelerator.MemorySize / (1L << 30)} GiB, {accelerator.Architecture}";
            return new CudaRuntime(context, accelerator, kernels, blas, solver, library, hardware);
        }
        catch (Exception e)
        {
            try
            {
                if (accelerator is not null) CudaNative.cuCtxSetCurrent(accelerator.NativePtr);
                solver?.Dispose();
                blas?.Dispose();
                accelerator?.Dispose();
                context?.Dispose();
            }
            catch (Exception cleanup) when (cleanup is not OutOfMemoryException)
            {
                // Cleanup after a failed start must not hide the reason it failed.
            }
            if (e is DeviceUnavailableException) throw;
            throw new DeviceUnavailableException("cuda", $"CUDA initialization failed: {e.Message.Split('\n')[0]}", e);
        }
    }

    private static string Version(int v) => $"{v / 1000}.{v % 1000 / 10}";

    /// <summary>Makes this context current on the calling thread and holds the handles' lock until disposed.</summary>
    public Scope Enter()
    {
        Monitor.Enter(this);
        try
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            CudaException.ThrowIfFailed("cuda", "cuCtxSetCurrent", CudaNative.cuCtxSetCurrent(_accelerator.NativePtr));
            _accelerator.Bind();
            return new Scope(this);
        }
        catch
        {
            Monitor.Exit(this);
            throw;
        }
    }

    public readonly struct Scope(CudaRuntime runtime) : IDisposable
    {
        public void Dispose() => Monitor.Exit(runtime);
    }

    /// <summary>Free and total device memory in bytes (call inside <see cref="Enter"/>).</summary>
    public (long Free, long Total) MemoryInfo()
    {
        nuint free, total;
        CudaException.ThrowIfFailed("cudart", "cudaMemGetInfo", CudaNative.cudaMemGetInfo(&free, &total));
        return ((long)free, (long)total);
    }

    public void Dispose()
    {
        lock (this)
        {
            if (_disposed) return;
            _disposed = true;
            // Handles are destroyed with their context current.
            CudaNative.cuCtxSetCurrent(_accelerator.NativePtr);
            _accelerator.Bind();
            _solver.Dispose();
            _blas.Dispose();
            _accelerator.Dispose();
            _context.Dispose();
        }
    }
}
