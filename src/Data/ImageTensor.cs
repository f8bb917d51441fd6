using Rethink.Core;

namespace Rethink.Data;

/// <summary>
/// Float images, N×C×H×W contiguous (<see cref="Data"/>); row i of the flat N×D view is image i with
/// D = C·H·W.
/// </summary>
public sealed class ImageTensor
{
    /// <summary>Images from their values; checks the shape.</summary>
    /// <param name="data">N×C×H×W floats.</param>
    /// <param name="count">N.</param>
    /// <param name="channels">C.</param>
    /// <param name="height">H.</param>
    /// <param name="width">W.</param>
    public ImageTensor(float[] data, int count, int channels, int height, int width)
    {
        ArgumentNullException.ThrowIfNull(data);
        if ((long)count * channels * height * width != data.LongLength)
            throw new ArgumentException($"{count}x{channels}x{height}x{width} needs {(long)count * channels * height * width} floats; got {data.LongLength}.", nameof(data));
        Data = data;
        Count = count;
        Channels = channels;
        Height = height;
        Width = width;
    }

    /// <summary>N×C×H×W floats.</summary>
    public float[] Data { get; }
    /// <summary>N, the number of images.</summary>
    public int Count { get; }
    /// <summary>C.</summary>
    public int Channels { get; }
    /// <summary>H.</summary>
    public int Height { get; }
    /// <summary>W.</summary>
    public int Width { get; }
    /// <summary>D = C·H·W, the length of a flattened image.</summary>
    public int Dimension => Channels * Height * Width;

    /// <summary>Image <paramref name="index"/>'s D values.</summary>
    public Span<float> Image(int index) => Data.AsSpan(index * Dimension, Dimension);

    /// <summary>The images at <paramref name="indices"/>, in that order (a copy).</summary>
    public ImageTensor Select(IReadOnlyList<int> indices)
    {
        ArgumentNullException.ThrowIfNull(indices);
        var d = Dimension;
        var data = new float[(long)indices.Count * d];
        for (var i = 0; i < indices.Count; i++) Image(indices[i]).CopyTo(data.AsSpan(i * d, d));
        return new ImageTensor(data, indices.Count, Channels, Height, Width);
    }

    /// <summary>
    /// The images as points (one row per image) in double. A value that is a scaled pixel k·(1/255) in
    /// float is taken as the exact double k/255 (what numpy's uint8 / 255 gives); any other value
    /// (whitened, Gaussian, …) as is.
    /// </summary>
    public FeatureMatrix ToFeatureMatrix()
    {
        var source = Data;
        var values = new double[source.LongLength];
        var d = Dimension;
        Parallel.For(0, Count, i =>
        {
            for (var k = (long)i * d; k < (long)(i + 1) * d; k++)
            {
                var v = source[k];
                var pixel = MathF.Round(v * 255f);
                values[k] = pixel is >= 0 and <= 255 && pixel * (1f / 255f) == v ? pixel / 255.0 : v;
            }
        });
        return new FeatureMatrix(values, Count, d);
    }

    /// <summary>The images of <paramref name="set"/> as floats, each byte times <paramref name="scale"/> (default 1/255: values in [0, 1]).</summary>
    public static ImageTensor FromBytes(ImageSet set, float scale = 1f / 255f)
    {
        var data = new float[set.Pixels.LongLength];
        var pixels = set.Pixels;
        System.Threading.Tasks.Parallel.For(0, set.Count, i =>
        {
            var d = set.PixelsPerImage;
            var src = pixels.AsSpan(i * d, d);
            var dst = data.AsSpan(i * d, d);
            for (var k = 0; k < d; k++) dst[k] = src[k] * scale;
        });
        return new ImageTensor(data, set.Count, set.Channels, set.Height, set.Width);
    }
}
