using Rethink.Torch;
using Rethink.Deep;
using Xunit;

namespace Rethink.Deep.Tests;

/// <summary>A fact that needs TorchSharp's native library: skipped with the reason when it cannot load.</summary>
public sealed class TorchFactAttribute : FactAttribute
{
    public TorchFactAttribute()
    {
        if (TorchRuntime.Unavailable is { } reason) Skip = reason;
    }
}

/// <summary>A fact that needs a CUDA device for TorchSharp: skipped with the reason otherwise.</summary>
public sealed class CudaFactAttribute : FactAttribute
{
    public CudaFactAttribute()
    {
        if (TorchRuntime.Unavailable is { } reason) Skip = reason;
        else if (!TorchSharp.torch.cuda.is_available()) Skip = "No CUDA device visible to TorchSharp (this build bundles the CPU libtorch).";
    }
}
