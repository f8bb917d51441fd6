using Rethink.Kernels;
using Rethink.Kernels.Cuda;
using Rethink.Kernels.Devices;
using Xunit;

namespace Rethink.Testing;

/// <summary>
/// Skips when this machine has no GPU, no NVIDIA driver or no CUDA libraries — and only then: any
/// other failure to start CUDA fails the test instead of hiding it.
/// </summary>
public sealed class CudaFactAttribute : FactAttribute
{
    internal static readonly Lazy<string?> Reason = new(() =>
    {
        try
        {
            CudaDevice.Open(Precision.Fp64).Dispose();
            return null;
        }
        catch (DeviceUnavailableException e) when (e.Kind is DeviceProblem.NoDriver or DeviceProblem.NoDevice or DeviceProblem.NoLibraries)
        {
            return $"No GPU here: {e.Message}";
        }
    });

    public CudaFactAttribute()
    {
        if (Reason.Value is { } reason) Skip = reason;
    }
}
