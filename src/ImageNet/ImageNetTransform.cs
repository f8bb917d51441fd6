using System.Runtime.InteropServices;
using Rethink.Core;
using SkiaSharp;

namespace Rethink.ImageNet;

/// <summary>
/// Inception V3's preprocessing as the paper trained it: with "data aug", a random-resized crop (area 8%–100%
/// of the image, aspect 3/4–4/3, ten tries then the centre) resized to <see cref="Size"/>² and a horizontal
/// flip half the time; without it (and for evaluation), the central square of 87.5% of the shorter side
/// resized to <see cref="Size"/>² (torchvision's Resize(342) + CenterCrop(299)). Then per-channel
/// normalization by <see cref="Mean"/> and <see cref="Std"/> (on [0, 1] pixels) into C×H×W floats.
/// The random choices of image i in epoch e are a function of (seed, e, i) alone.
/// </summary>
/// <param name="Size">Output side (299 for Inception V3).</param>
/// <param name="Augment">Random-resized crops and flips (the paper's "data aug"), else centre crops.</param>
public sealed record ImageNetTransform(int Size, bool Augment)
{
    /// <summary>The usual ImageNet channel means (RGB, on [0, 1]).</summary>
    public static IReadOnlyList<float> Mean { get; } = [0.485f, 0.456f, 0.406f];

    /// <summary>The usual ImageNet channel standard deviations (RGB, on [0, 1]).</summary>
    public static IReadOnlyList<float> Std { get; } = [0.229f, 0.224f, 0.225f];

    /// <summary>The central fraction of the shorter side an evaluation crop keeps.</summary>
    public const double CentralFraction = 0.875;

    /// <summary>Floats per output image: 3·Size².</summary>
    public int Floats => 3 * Size * Size;

    /// <summary>The crop (in full-size pixels) and flip for an image of <paramref name="width"/>×<paramref name="height"/>.</summary>
    public (SKRect Crop, bool Flip) Choose(int width, int height, int seed, int epoch, long index)
    {
        if (!Augment)
        {
            var side = (float)(CentralFraction * Math.Min(width, height));
            return (SKRect.Create((width - side) / 2, (height - side) / 2, side, side), false);
        }
        var random = SeedMixer.Random(seed, 0x1A6E0000L + ((long)epoch << 32) + index);
        var area = (double)width * height;
        for (var attempt = 0; attempt < 10; attempt++)
        {
            var target = area * (0.08 + random.NextDouble() * (1 - 0.08));
            var logRatio = Math.Log(3.0 / 4) + random.NextDouble() * (Math.Log(4.0 / 3) - Math.Log(3.0 / 4));
            var ratio = Math.Exp(logRatio);
            var w = Math.Sqrt(target * ratio);
            var h = Math.Sqrt(target / ratio);
            if (w <= width && h <= height)
            {
                var x = random.NextDouble() * (width - w);
                var y = random.NextDouble() * (height - h);
                return (SKRect.Create((float)x, (float)y, (float)w, (float)h), random.NextDouble() < 0.5);
            }
        }
        var s = Math.Min(width, height);
        return (SKRect.Create((width - s) / 2f, (height - s) / 2f, s, s), random.NextDouble() < 0.5);
    }

    /// <summary>Decodes <paramref name="path"/> and writes its 3×Size×Size normalized floats to <paramref name="destination"/>.</summary>
    public void Apply(string path, int seed, int epoch, long index, Span<float> destination)
    {
        if (destination.Length != Floats) throw new ArgumentException($"needs {Floats} floats, got {destination.Length}.", nameof(destination));
        var (crop, flip) = (SKRect.Empty, false);
        // Decode no larger than the crop needs: libjpeg-turbo scales by k/8 in the DCT.
        var (bitmap, width, height) = Jpeg.Decode(path, size =>
        {
            (crop, flip) = Choose(size.Width, size.Height, seed, epoch, index);
            return Math.Min(1.0, Math.Max(Size / crop.Width, Size / crop.Height));
        });
        using var _ = bitmap;
        var sx = (float)bitmap.Width / width;
        var sy = (float)bitmap.Height / height;
        var source = new SKRect(crop.Left * sx, crop.Top * sy, crop.Right * sx, crop.Bottom * sy);
        using var output = new SKBitmap(new SKImageInfo(Size, Size, SKColorType.Rgba8888, SKAlphaType.Opaque));
        using (var canvas = new SKCanvas(output))
        using (var image = SKImage.FromBitmap(bitmap))
        {
            if (flip)
            {
                canvas.Translate(Size, 0);
                canvas.Scale(-1, 1);
            }
            canvas.DrawImage(image, source, SKRect.Create(Size, Size), new SKSamplingOptions(SKFilterMode.Linear, SKMipmapMode.Linear));
        }
        var pixels = MemoryMarshal.AsBytes(output.GetPixelSpan());
        var plane = Size * Size;
        for (var c = 0; c < 3; c++)
        {
            var scaleC = 1f / (255f * Std[c]);
            var shift = Mean[c] / Std[c];
            var dst = destination.Slice(c * plane, plane);
            for (var i = 0; i < plane; i++) dst[i] = pixels[4 * i + c] * scaleC - shift;
        }
    }
}
