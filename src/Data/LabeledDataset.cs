namespace Rethink.Data;

/// <summary>A dataset's training and test splits and where they were read from.</summary>
public sealed record LabeledDataset(string Name, ImageSet Train, ImageSet Test, string Source);
