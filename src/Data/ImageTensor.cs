namespace Rethink.Data;

/// <summary>
/// Float images, N×C×H×W contiguous (<see cref="Data"/>); row i of the flat N×D view is image i with
/// D = C·H·W.
/// </summary>
public sealed class ImageTensor
{
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

    public float[] Data { get; }
    public int Count { get; }
    public int Channels { get; }
    public int Height { get; }
    public int Width { get; }
    public int Dimension => Channels * Height * Width;

    public Span<float> Image(int index) => Data.AsSpan(index * Dimension, Dimension);

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
