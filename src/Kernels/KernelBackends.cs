using Rethink.Kernels.Native;

namespace Rethink.Kernels;

/// <summary>
/// Chooses a backend: <c>--device cpu|cuda|auto</c> (auto: CUDA when a GPU and its libraries load,
/// else the CPU, with a one-line warning), and for the CPU the native LAPACK backend unless it cannot
/// load or <c>RETHINK_BACKEND=managed</c> asks for the managed one.
/// </summary>
public static class KernelBackends
{
    public const string EnvironmentVariable = "RETHINK_BACKEND";

    private static readonly Lazy<Cuda.CudaKernelBackend> CudaBackend = new(Cuda.CudaKernelBackend.Create);

    private static readonly Dictionary<string, Func<IKernelBackend>> Devices = new(StringComparer.OrdinalIgnoreCase)
    {
        // One CUDA backend per process: its ILGPU context, cuBLAS and cuSOLVER handles are reused.
        ["cuda"] = () => CudaBackend.Value,
    };


    /// <summary>Registers a non-CPU device (e.g. "cuda").</summary>
    public static void Register(string device, Func<IKernelBackend> factory)
    {
        lock (Devices) Devices[device] = factory;
    }

    /// <summary>
    /// The backend for <paramref name="device"/>; <paramref name="warning"/> is a one-line message when a
    /// fallback was taken (shown to the user and written into results).
    /// </summary>
    public static IKernelBackend Create(string device, out string? warning)
    {
        warning = null;
        Func<IKernelBackend>? factory;
        lock (Devices) Devices.TryGetValue(device, out factory);
        switch (device.ToLowerInvariant())
        {
            case "cpu":
                return Cpu(out warning);
            case "auto":
                if (factory is null) lock (Devices) Devices.TryGetValue("cuda", out factory);
                if (factory is not null)
                {
                    try { return factory(); }
                    catch (Exception e) when (e is DllNotFoundException or InvalidOperationException or NotSupportedException or TypeInitializationException or Rethink.Kernels.Cuda.CudaException)
                    {
                        var cpu = Cpu(out var cpuWarning);
                        warning = $"--device auto: no usable GPU ({e.Message}); computing on the CPU." + (cpuWarning is null ? "" : " " + cpuWarning);
                        return cpu;
                    }
                }
                return Cpu(out warning);
            default:
                if (factory is null)
                    throw new NotSupportedException($"--device {device}: this build has no {device} backend; use --device cpu.");
                return factory();
        }
    }

    private static IKernelBackend Cpu(out string? warning)
    {
        warning = null;
        var choice = Environment.GetEnvironmentVariable(EnvironmentVariable);
        if (string.Equals(choice, "managed", StringComparison.OrdinalIgnoreCase)) return new ManagedKernelBackend();
        if (!string.IsNullOrEmpty(choice) && !string.Equals(choice, "lapack", StringComparison.OrdinalIgnoreCase))
            throw new ArgumentException($"{EnvironmentVariable}={choice}: choose lapack or managed.");
        try
        {
            return LapackKernelBackend.Create();
        }
        catch (NativeLibraryMissingException e)
        {
            warning = $"{e.Message} Falling back to the managed MathNet backend: its Cholesky is about 27x slower than OpenBLAS, and n is limited to {ManagedKernelBackend.MaxN:N0}.";
            return new ManagedKernelBackend();
        }
    }
}
