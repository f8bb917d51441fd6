namespace Rethink.Data;

/// <summary>
/// One split of an image dataset as bytes: <see cref="Pixels"/> is N×C×H×W contiguous (channel planes,
/// rows row-major), <see cref="Labels"/> one class index per image.
/// </summary>
public sealed class ImageSet
{
    /// <summary>A split from its bytes; checks the shapes and that every label names a class.</summary>
    /// <param name="pixels">N×C×H×W bytes.</param>
    /// <param name="labels">N class indices.</param>
    /// <param name="channels">C.</param>
    /// <param name="height">H.</param>
    /// <param name="width">W.</param>
    /// <param name="classNames">The class names, by index.</param>
    public ImageSet(byte[] pixels, byte[] labels, int channels, int height, int width, IReadOnlyList<string> classNames)
    {
        ArgumentNullException.ThrowIfNull(pixels);
        ArgumentNullException.ThrowIfNull(labels);
        ArgumentNullException.ThrowIfNull(classNames);
        ArgumentOutOfRangeException.ThrowIfLessThan(channels, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(height, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(width, 1);
        var per = (long)channels * height * width;
        if (pixels.LongLength != per * labels.LongLength)
            throw new ArgumentException($"{labels.Length} images of {channels}x{height}x{width} need {per * labels.LongLength} bytes; got {pixels.LongLength}.", nameof(pixels));
        for (var i = 0; i < labels.Length; i++)
            if (labels[i] >= classNames.Count)
                throw new ArgumentException($"Label {i} is {labels[i]}, but there are {classNames.Count} classes.", nameof(labels));
        Pixels = pixels;
        Labels = labels;
        Channels = channels;
        Height = height;
        Width = width;
        ClassNames = classNames;
    }

    /// <summary>N×C×H×W pixel bytes.</summary>
    public byte[] Pixels { get; }
    /// <summary>One class index per image.</summary>
    public byte[] Labels { get; }
    /// <summary>C.</summary>
    public int Channels { get; }
    /// <summary>H.</summary>
    public int Height { get; }
    /// <summary>W.</summary>
    public int Width { get; }
    /// <summary>The class names, by index.</summary>
    public IReadOnlyList<string> ClassNames { get; }
    /// <summary>N, the number of images.</summary>
    public int Count => Labels.Length;
    /// <summary>The number of classes.</summary>
    public int Classes => ClassNames.Count;

    /// <summary>D = C·H·W, the length of a flattened image.</summary>
    public int PixelsPerImage => Channels * Height * Width;

    /// <summary>Image <paramref name="index"/>'s bytes (C·H·W).</summary>
    public ReadOnlySpan<byte> Image(int index) => Pixels.AsSpan(index * PixelsPerImage, PixelsPerImage);

    /// <summary>Images per class.</summary>
    public int[] LabelHistogram()
    {
        var counts = new int[Classes];
        foreach (var label in Labels) counts[label]++;
        return counts;
    }

    /// <summary>The images at <paramref name="indices"/>, in that order.</summary>
    public ImageSet Select(IReadOnlyList<int> indices)
    {
        var d = PixelsPerImage;
        var pixels = new byte[(long)indices.Count * d];
        var labels = new byte[indices.Count];
        for (var k = 0; k < indices.Count; k++)
        {
            Image(indices[k]).CopyTo(pixels.AsSpan(k * d, d));
            labels[k] = Labels[indices[k]];
        }
        return new ImageSet(pixels, labels, Channels, Height, Width, ClassNames);
    }
}
