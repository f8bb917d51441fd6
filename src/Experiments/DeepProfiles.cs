using Rethink.Deep;

namespace Rethink.Experiments;

/// <summary>Training subset, test subset and step budget of a model under a profile.</summary>
public sealed record DeepPreset(int? Train, int? Test, int MaxSteps);

/// <summary>
/// The quick profile's sizes, measured on a 2-core CPU: MLP 1×512 fits 5,000 random labels in
/// about half a minute, AlexNet 1,000 in about two minutes, small Inception costs about 2 s per step (so it gets
/// only a token run in quick and belongs to the paper profile). The paper profile is the full
/// CIFAR-10 with up to 200 epochs of 391 steps.
/// </summary>
public static class DeepProfiles
{
    /// <summary>The subset sizes and step budget of <paramref name="model"/> under <paramref name="profile"/>.</summary>
    public static DeepPreset Preset(ModelKind model, RunProfile profile) => profile switch
    {
        RunProfile.Paper => new DeepPreset(null, null, 391 * 200),
        _ => model switch
        {
            // 5,000 images: enough for true labels to fit measurably sooner than random ones (2,000 are memorized either way).
            ModelKind.Mlp1x512 => new DeepPreset(5000, 1000, 6000),
            ModelKind.Mlp3x512 => new DeepPreset(2000, 1000, 3000),
            ModelKind.AlexNet => new DeepPreset(1000, 1000, 1500),
            _ => new DeepPreset(500, 500, 400),
        },
    };
}
