namespace Rethink.Data;

/// <summary>
/// The named preprocessing steps. Every result records the steps it used, by these names. The
/// pipeline order is fixed: scale → (randomization) → centre crop → whitening or normalization → flatten.
/// </summary>
public enum PreprocessingStep
{
    /// <summary>"scale-0-1": pixel bytes divided by 255.</summary>
    Scale01,
    /// <summary>"center-crop-28": the central 28×28 of each image (CIFAR-10's 32×32 → 28×28, as in the paper).</summary>
    CenterCrop28,
    /// <summary>"per-image-whitening": (x − mean) / max(std, 1/√N) per image, N = values per image (the paper's, after TensorFlow's per_image_standardization).</summary>
    PerImageWhitening,
    /// <summary>"per-channel-normalization": subtract each channel's training-set mean and divide by its standard deviation (test uses the training statistics).</summary>
    PerChannelNormalization,
    /// <summary>"flatten": use the N×D view (C·H·W features per image); recorded, no data movement.</summary>
    Flatten,
}

/// <summary>Names of the preprocessing steps, as results record them.</summary>
public static class PreprocessingSteps
{
    /// <summary>The step's recorded name ("scale-0-1", …).</summary>
    public static string Name(PreprocessingStep step) => step switch
    {
        PreprocessingStep.Scale01 => "scale-0-1",
        PreprocessingStep.CenterCrop28 => "center-crop-28",
        PreprocessingStep.PerImageWhitening => "per-image-whitening",
        PreprocessingStep.PerChannelNormalization => "per-channel-normalization",
        PreprocessingStep.Flatten => "flatten",
        _ => throw new ArgumentOutOfRangeException(nameof(step), step, null),
    };

    /// <summary>The step of a recorded name; throws for an unknown one.</summary>
    public static PreprocessingStep Parse(string name)
    {
        foreach (var step in Enum.GetValues<PreprocessingStep>())
            if (Name(step) == name) return step;
        throw new ArgumentException($"Unknown preprocessing step '{name}'; choose from {string.Join(", ", Enum.GetValues<PreprocessingStep>().Select(Name))}.", nameof(name));
    }
}
