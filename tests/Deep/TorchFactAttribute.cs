using Rethink.Torch;
using Xunit;

namespace Rethink.Deep.Tests;

/// <summary>
/// A fact that needs TorchSharp's native library. The README's set-up command installs what it needs (on
/// Debian 12, the C++ runtime of Debian 13), so it never skips: where TorchSharp cannot load, the test fails
/// with the reason and the fix (<see cref="Require"/>).
/// </summary>
public sealed class TorchFactAttribute : FactAttribute
{
    /// <summary>Throws with the reason and the fix when TorchSharp cannot load here.</summary>
    public static void Require()
    {
        if (TorchRuntime.Unavailable is { } reason)
            throw new InvalidOperationException($"{reason} Run the README's set-up command (`bash .ci/deps.sh` as root).");
    }
}

/// <summary>A fact that needs a CUDA device for TorchSharp: skipped where there is no GPU, and only then.</summary>
public sealed class CudaFactAttribute : FactAttribute
{
    public CudaFactAttribute()
    {
        // Without TorchSharp nothing can say whether a GPU is there: the test runs and fails with that reason.
        if (TorchRuntime.Unavailable is null && !TorchSharp.torch.cuda.is_available()) Skip = "No CUDA device visible to TorchSharp (this build bundles the CPU libtorch).";
    }
}
