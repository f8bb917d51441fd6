namespace Rethink.Data;

/// <summary>Float data ready for a model or a kernel, and the record of how it was made.</summary>
/// <param name="Dataset">Dataset name.</param>
/// <param name="Train">Training images (N×C×H×W, also the flat N×D view).</param>
/// <param name="TrainLabels">Training labels as used (after randomization).</param>
/// <param name="Test">Test images.</param>
/// <param name="TestLabels">Test labels as used.</param>
/// <param name="Classes">Number of classes.</param>
/// <param name="Steps">Preprocessing step names, in the order applied (randomization sits after "scale-0-1").</param>
/// <param name="Randomization">What the randomization did.</param>
/// <param name="TrainIndices">Indices of the training subset in the original split (all when no subset).</param>
/// <param name="TestIndices">Indices of the test subset.</param>
public sealed record PreparedData(
    string Dataset,
    ImageTensor Train,
    int[] TrainLabels,
    ImageTensor Test,
    int[] TestLabels,
    int Classes,
    IReadOnlyList<string> Steps,
    RandomizationRecord Randomization,
    int[] TrainIndices,
    int[] TestIndices);
