namespace Rethink.Data;

/// <summary>The preprocessing operations on float images. Each is a pure function of its inputs.</summary>
public static class Preprocessing
{
    /// <summary>The central <paramref name="size"/>×<paramref name="size"/> of every image.</summary>
    public static ImageTensor CenterCrop(ImageTensor images, int size)
    {
        if (size > images.Height || size > images.Width)
            throw new ArgumentOutOfRangeException(nameof(size), size, $"Cannot crop {size}x{size} out of {images.Height}x{images.Width} images.");
        if (size == images.Height && size == images.Width) return images;
        var top = (images.Height - size) / 2;
        var left = (images.Width - size) / 2;
        var outDim = images.Channels * size * size;
        var data = new float[(long)images.Count * outDim];
        Parallel.For(0, images.Count, i =>
        {
            var src = images.Image(i);
            var dst = data.AsSpan(i * outDim, outDim);
            for (var c = 0; c < images.Channels; c++)
                for (var r = 0; r < size; r++)
                    src.Slice(c * images.Height * images.Width + (top + r) * images.Width + left, size)
                        .CopyTo(dst.Slice(c * size * size + r * size, size));
        });
        return new ImageTensor(data, images.Count, images.Channels, size, size);
    }

    /// <summary>In place: xᵢ ← (xᵢ − mean) / max(std, 1/√N) per image, N = values per image.</summary>
    public static void WhitenPerImage(ImageTensor images) =>
        Parallel.For(0, images.Count, i => Whiten(images.Image(i)));

    /// <summary>In place, one image: x ← (x − mean) / max(std, 1/√N), N = x.Length (the paper's per-image whitening).</summary>
    public static void Whiten(Span<float> x)
    {
        double sum = 0, sumSq = 0;
        foreach (var v in x) { sum += v; sumSq += (double)v * v; }
        var mean = sum / x.Length;
        var variance = Math.Max(sumSq / x.Length - mean * mean, 0);
        var scale = 1.0 / Math.Max(Math.Sqrt(variance), 1.0 / Math.Sqrt(x.Length));
        for (var k = 0; k < x.Length; k++) x[k] = (float)((x[k] - mean) * scale);
    }

    /// <summary>Per-channel mean and standard deviation over all images and pixels.</summary>
    public static (double[] Mean, double[] Std) ChannelStatistics(ImageTensor images)
    {
        var c = images.Channels;
        var plane = images.Height * images.Width;
        // Each image's sums in parallel, then the images' sums in image order: the same bits whatever the
        // thread count or scheduling (a Gaussian randomization draws its images from these statistics).
        var partial = new double[(long)images.Count * c * 2];
        Parallel.For(0, images.Count, i =>
        {
            var x = images.Image(i);
            for (var ch = 0; ch < c; ch++)
            {
                double s = 0, sq = 0;
                foreach (var v in x.Slice(ch * plane, plane)) { s += v; sq += (double)v * v; }
                partial[((long)i * c + ch) * 2] = s;
                partial[((long)i * c + ch) * 2 + 1] = sq;
            }
        });
        var sum = new double[c];
        var sumSq = new double[c];
        for (long i = 0; i < images.Count; i++)
            for (var ch = 0; ch < c; ch++)
            {
                sum[ch] += partial[(i * c + ch) * 2];
                sumSq[ch] += partial[(i * c + ch) * 2 + 1];
            }
        var count = (double)images.Count * plane;
        var mean = sum.Select(s => s / count).ToArray();
        var std = sumSq.Select((s, ch) => Math.Sqrt(Math.Max(s / count - mean[ch] * mean[ch], 0))).ToArray();
        return (mean, std);
    }

    /// <summary>In place: each channel ← (x − mean_c) / std_c with the given (training-set) statistics.</summary>
    public static void NormalizeChannels(ImageTensor images, IReadOnlyList<double> mean, IReadOnlyList<double> std)
    {
        var plane = images.Height * images.Width;
        Parallel.For(0, images.Count, i =>
        {
            var x = images.Image(i);
            for (var ch = 0; ch < images.Channels; ch++)
            {
                var m = (float)mean[ch];
                var s = (float)(1.0 / Math.Max(std[ch], 1e-12));
                foreach (ref var v in x.Slice(ch * plane, plane)) v = (v - m) * s;
            }
        });
    }
}
