using SkiaSharp;

namespace Rethink.ImageNet;

/// <summary>
/// JPEG through SkiaSharp (MIT; Skia decodes with libjpeg-turbo's SIMD code, and scales by 1/2 to 1/8 in
/// the DCT while decoding, so a 500×375 ImageNet photo bound for 299×299 is never decoded at full size
/// when a crop allows less). The same library encodes, so tests write the JPEGs they read.
/// </summary>
public static class Jpeg
{
    /// <summary>Width and height from the header alone.</summary>
    public static (int Width, int Height) Size(string path)
    {
        using var codec = Open(path);
        return (codec.Info.Width, codec.Info.Height);
    }

    /// <summary>
    /// The image decoded to RGBA (opaque), at the smallest scale libjpeg-turbo offers (k/8) whose size is at
    /// least <paramref name="scale"/> times the full size (1 = full size); grey and CMYK files come out as RGB.
    /// </summary>
    public static SKBitmap Decode(string path, double scale = 1) => Decode(path, _ => scale).Bitmap;

    /// <summary>
    /// The image decoded at the scale <paramref name="scaleFor"/> chooses from its full size (read from the header
    /// of the same open file), and that full size: one open per image where a crop depends on the size.
    /// </summary>
    public static (SKBitmap Bitmap, int Width, int Height) Decode(string path, Func<(int Width, int Height), double> scaleFor)
    {
        using var codec = Open(path);
        var (width, height) = (codec.Info.Width, codec.Info.Height);
        var scale = scaleFor((width, height));
        var size = scale >= 1 ? codec.Info.Size : codec.GetScaledDimensions((float)Math.Max(scale, 0.125));
        var info = new SKImageInfo(size.Width, size.Height, SKColorType.Rgba8888, SKAlphaType.Opaque);
        var bitmap = new SKBitmap(info);
        var result = codec.GetPixels(info, bitmap.GetPixels());
        if (result is not (SKCodecResult.Success or SKCodecResult.IncompleteInput))
        {
            bitmap.Dispose();
            throw new InvalidDataException($"{path}: JPEG decoding failed ({result}).");
        }
        return (bitmap, width, height);
    }

    private static SKCodec Open(string path)
    {
        var stream = new SKFileStream(path);
        if (!stream.IsValid)
        {
            stream.Dispose();
            throw new FileNotFoundException($"{path}: cannot be opened.", path);
        }
        return SKCodec.Create(stream, out var result) ?? throw new InvalidDataException($"{path}: not an image Skia can decode ({result}).");
    }

    /// <summary>Encodes H×W×3 RGB bytes (row-major) as a baseline JPEG of the given quality (1–100).</summary>
    public static byte[] Encode(ReadOnlySpan<byte> rgb, int width, int height, int quality = 90)
    {
        if (rgb.Length != 3 * width * height) throw new ArgumentException($"{width}x{height} RGB needs {3 * width * height} bytes; got {rgb.Length}.", nameof(rgb));
        using var bitmap = new SKBitmap(new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Opaque));
        var pixels = new byte[4 * width * height];
        for (var i = 0; i < width * height; i++)
        {
            pixels[4 * i] = rgb[3 * i];
            pixels[4 * i + 1] = rgb[3 * i + 1];
            pixels[4 * i + 2] = rgb[3 * i + 2];
            pixels[4 * i + 3] = 255;
        }
        System.Runtime.InteropServices.Marshal.Copy(pixels, 0, bitmap.GetPixels(), pixels.Length);
        using var data = bitmap.Encode(SKEncodedImageFormat.Jpeg, quality);
        return data.ToArray();
    }
}
