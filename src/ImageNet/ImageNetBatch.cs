namespace Rethink.ImageNet;

/// <summary>
/// Decoding a minibatch of ImageNet files in parallel (one image per task on the thread pool) into
/// B×3×S×S floats: what a training step or an evaluation reads. The trainer asks for the next batch while
/// the current one trains, so decoding hides behind the step.
/// </summary>
public static class ImageNetBatch
{
    /// <summary>
    /// Images <paramref name="indices"/> of <paramref name="files"/> through <paramref name="transform"/> into
    /// <paramref name="destination"/> (indices.Length × transform.Floats), their labels into <paramref name="labels"/>.
    /// </summary>
    public static void Read(IReadOnlyList<LabeledFile> files, ReadOnlySpan<int> indices, ImageNetTransform transform, int seed, int epoch,
        float[] destination, int[] labels, int? maxParallelism = null)
    {
        if (destination.Length < indices.Length * transform.Floats) throw new ArgumentException($"needs {indices.Length * transform.Floats} floats.", nameof(destination));
        var chosen = indices.ToArray();
        Parallel.For(0, chosen.Length, new ParallelOptions { MaxDegreeOfParallelism = maxParallelism ?? Environment.ProcessorCount }, i =>
        {
            var file = files[chosen[i]];
            transform.Apply(file.Path, seed, epoch, chosen[i], destination.AsSpan(i * transform.Floats, transform.Floats));
            labels[i] = file.Label;
        });
    }
}
