using Rethink.Torch;
using static TorchSharp.torch;

namespace Rethink.Deep;

/// <summary>TorchSharp's device for a <see cref="TrainingDevice"/>, its libtorch loaded and checked first.</summary>
public static class TorchDevices
{
    /// <summary>The device, after loading a CUDA libtorch for <see cref="TrainingDevice.Cuda"/>; throws <see cref="TorchUnavailableException"/> (one line) when it cannot.</summary>
    public static Device Open(TrainingDevice device)
    {
        if (device == TrainingDevice.Cuda) TorchRuntime.EnsureCuda(); // before anything starts TorchSharp on the bundled CPU libtorch
        TorchRuntime.EnsureAvailable();
        return device == TrainingDevice.Cuda ? CUDA : CPU;
    }
}
