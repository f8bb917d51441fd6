using Rethink.Kernels.Native;

namespace Rethink.Kernels.Devices;

/// <summary>Where a solve is asked to run: the device and, for ScaLAPACK, the process grid. Not part of what a solve computes.</summary>
/// <param name="Device">The device asked for.</param>
/// <param name="Layout">Process grid and block size for <see cref="ComputeDevice.Scalapack"/> (null: defaults).</param>
public sealed record DeviceRequest(ComputeDevice Device = ComputeDevice.Cpu, DistributedLayout? Layout = null)
{
    /// <summary>This machine's CPU.</summary>
    public static DeviceRequest Cpu { get; } = new();

    /// <summary>Throws <see cref="Core.UserInputException"/> for a layout out of range, or a layout without ScaLAPACK.</summary>
    public void Validate()
    {
        if (Layout is not null && Device != ComputeDevice.Scalapack)
            throw new Core.UserInputException("Layout", $"{Layout.GridRows}x{Layout.GridColumns}", "a process grid applies to the ScaLAPACK device only.");
        Layout?.Validate();
    }
}

/// <summary>
/// An opened device and what opening it said (the warning of a fallback, e.g. auto without a GPU): owns the
/// device, which closes when this is disposed.
/// </summary>
public sealed class OpenedDevice : IDisposable
{
    internal OpenedDevice(IDenseDevice device, DeviceRequest request, string? warning) => (Device, Request, Warning) = (device, request, warning);

    /// <summary>The device.</summary>
    public IDenseDevice Device { get; }

    /// <summary>What was asked for.</summary>
    public DeviceRequest Request { get; }

    /// <summary>A one-line warning when a fallback was taken (for the auto device: why the GPU was not used), else null.</summary>
    public string? Warning { get; }

    /// <summary>Closes the device.</summary>
    public void Dispose() => Device.Dispose();
}

/// <summary>
/// Opens the device a solve runs on: <see cref="ComputeDevice.Cpu"/> is native LAPACK unless it cannot
/// load or <c>RETHINK_BACKEND=managed</c> asks for the managed device; <see cref="ComputeDevice.Cuda"/>
/// is the GPU or a one-line refusal; <see cref="ComputeDevice.Auto"/> is the GPU when one is usable,
/// else the CPU with a one-line warning; <see cref="ComputeDevice.Scalapack"/> joins the MPI processes.
/// </summary>
public static class ComputeDevices
{
    /// <summary>The environment variable that chooses the CPU device's implementation (lapack or managed).</summary>
    public const string BackendVariable = "RETHINK_BACKEND";

    /// <summary>The device for <paramref name="request"/> in <paramref name="precision"/>, owned by the returned handle.</summary>
    public static OpenedDevice Open(DeviceRequest request, Precision precision)
    {
        ArgumentNullException.ThrowIfNull(request);
        request.Validate();
        switch (request.Device)
        {
            case ComputeDevice.Cpu:
            {
                var (cpu, warning) = Cpu(precision);
                return new OpenedDevice(cpu, request, warning);
            }
            case ComputeDevice.Cuda:
                return new OpenedDevice(Cuda.CudaDevice.Open(precision), request, null);
            case ComputeDevice.Auto:
                try
                {
                    return new OpenedDevice(Cuda.CudaDevice.Open(precision), request, null);
                }
                catch (DeviceUnavailableException e)
                {
                    var (cpu, cpuWarning) = Cpu(precision);
                    return new OpenedDevice(cpu, request, $"no usable GPU ({e.Reason}); computing on the CPU." + (cpuWarning is null ? "" : " " + cpuWarning));
                }
            case ComputeDevice.Scalapack:
                return new OpenedDevice(Scalapack.ScalapackDevice.Open(precision, request.Layout ?? new DistributedLayout()), request, null);
            default:
                throw new ArgumentOutOfRangeException(nameof(request), request.Device, "Unknown device.");
        }
    }

    /// <summary>Why the GPU cannot run solves here (<see cref="DeviceUnavailableException.Reason"/>), or null when it can: opens and closes it once.</summary>
    public static string? CudaUnavailable()
    {
        try
        {
            Cuda.CudaDevice.Open(Precision.Fp64).Dispose();
            return null;
        }
        catch (DeviceUnavailableException e)
        {
            return e.Reason;
        }
    }

    private static (IDenseDevice, string?) Cpu(Precision precision)
    {
        var choice = Environment.GetEnvironmentVariable(BackendVariable);
        if (string.Equals(choice, "managed", StringComparison.OrdinalIgnoreCase)) return (new ManagedDevice(), null);
        if (!string.IsNullOrEmpty(choice) && !string.Equals(choice, "lapack", StringComparison.OrdinalIgnoreCase))
            throw new Core.UserInputException(BackendVariable, choice, "choose lapack or managed.");
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
    : Core.UserInputException("Device", device, $"{reason}; compute on the CPU instead{(device == "scalapack" ? "" : " (or with the auto device, which falls back to it)")}.", inner)
{
    /// <summary>The device that cannot be used ("cuda", "scalapack").</summary>
    public string Device { get; } = device;

    /// <summary>Why, in a few words.</summary>
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
