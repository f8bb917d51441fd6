using Rethink.Kernels.Native;

namespace Rethink.Kernels.Devices;

/// <summary>
/// Opens the device a solve runs on: <see cref="ComputeDevice.Cpu"/> is native LAPACK unless it cannot
/// load or <c>RETHINK_BACKEND=managed</c> asks for the managed device; <see cref="ComputeDevice.Cuda"/>
/// is the GPU or a one-line refusal; <see cref="ComputeDevice.Auto"/> is the GPU when one is usable,
/// else the CPU with a one-line warning; <see cref="ComputeDevice.Scalapack"/> joins the MPI processes.
/// </summary>
public static class ComputeDevices
{
    public const string BackendVariable = "RETHINK_BACKEND";

    /// <summary>The device for <paramref name="device"/> in <paramref name="precision"/>, and a one-line warning when a fallback was taken.</summary>
    public static (IDenseDevice Device, string? Warning) Open(ComputeDevice device, Precision precision, DistributedLayout? layout = null)
    {
        switch (device)
        {
            case ComputeDevice.Cpu:
                return Cpu(precision);
            case ComputeDevice.Cuda:
                return (Cuda.CudaDevice.Open(precision), null);
            case ComputeDevice.Auto:
                try
                {
                    return (Cuda.CudaDevice.Open(precision), null);
                }
                catch (DeviceUnavailableException e)
                {
                    var (cpu, cpuWarning) = Cpu(precision);
                    return (cpu, $"--device auto: no usable GPU ({e.Reason}); computing on the CPU." + (cpuWarning is null ? "" : " " + cpuWarning));
                }
            case ComputeDevice.Scalapack:
                return (Scalapack.ScalapackDevice.Open(precision, layout ?? new DistributedLayout()), null);
            default:
                throw new ArgumentOutOfRangeException(nameof(device), device, "Unknown device.");
        }
    }

    private static (IDenseDevice, string?) Cpu(Precision precision)
    {
        var choice = Environment.GetEnvironmentVariable(BackendVariable);
        if (string.Equals(choice, "managed", StringComparison.OrdinalIgnoreCase)) return (new ManagedDevice(), null);
        if (!string.IsNullOrEmpty(choice) && !string.Equals(choice, "lapack", StringComparison.OrdinalIgnoreCase))
            throw new ArgumentException($"{BackendVariable}={choice}: choose lapack or managed.");
        try
        {
            return (LapackDevice.Open(precision), null);
        }
        catch (NativeLibraryMissingException e)
        {
            return (new ManagedDevice(),
                $"{e.Message} Falling back to the managed device: far slower than OpenBLAS, FP64 only, and n is limited to {ManagedDevice.MaxN:N0}.");
        }
    }
}

/// <summary>
/// A device cannot be used here (no GPU, no driver, missing libraries, no MPI): a user's problem, told in
/// one line with what to do, never a stack trace.
/// </summary>
public sealed class DeviceUnavailableException(string device, string reason, Exception? inner = null, DeviceProblem kind = DeviceProblem.InitializationFailed)
    : NotSupportedException($"--device {device}: {reason}; {(device == "scalapack" ? "or use --device cpu" : "use --device cpu (or auto, which falls back to the CPU)")}.", inner)
{
    public string Reason { get; } = reason;

    /// <summary>What is missing: tests skip only for <see cref="DeviceProblem.NoDriver"/>, <see cref="DeviceProblem.NoDevice"/> and <see cref="DeviceProblem.NoLibraries"/>.</summary>
    public DeviceProblem Kind { get; } = kind;
}

/// <summary>Why a device is unavailable.</summary>
public enum DeviceProblem
{
    /// <summary>No driver or runtime (libcuda, MPI) on this machine.</summary>
    NoDriver,
    /// <summary>The driver sees no device.</summary>
    NoDevice,
    /// <summary>The libraries the device needs (cuBLAS, cuSOLVER, ScaLAPACK) are not installed.</summary>
    NoLibraries,
    /// <summary>Everything is present but initialization failed: a real error, not a reason to skip.</summary>
    InitializationFailed,
}
