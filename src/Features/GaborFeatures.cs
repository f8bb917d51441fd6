using Rethink.Torch;
using Rethink.Core;
using Rethink.Data;

using Rethink.Kernels;
using Rethink.Features;
using TorchSharp;
using static TorchSharp.torch;

namespace Rethink.Features;

/// <summary>
/// The Gabor wavelet transform of images as kernel features: for every channel, the image
/// average-pooled (order 0) and the modulus |x ⋆ ψ_{j,l}| of each Morlet wavelet, average-pooled over
/// Pool×Pool blocks. Convolutions run in batches through TorchSharp (CPU or CUDA).
/// </summary>
public static class GaborFeatures
{
    /// <summary>The features of <paramref name="images"/>, one row per image.</summary>
    /// <param name="images">The images (any side at least the pooling block).</param>
    /// <param name="config">Scales, orientations, σ₀ and pooling.</param>
    /// <param name="batch">Images per TorchSharp convolution batch.</param>
    /// <param name="device">Where the convolutions run (default: the CPU).</param>
    public static FeatureMatrix Transform(ImageTensor images, GaborConfig config, int batch = 2000, Device? device = null)
    {
        ArgumentNullException.ThrowIfNull(images);
        if (config.Pool > Math.Min(images.Height, images.Width))
            throw new UserInputException($"{nameof(GaborConfig)}.{nameof(GaborConfig.Pool)}", config.Pool, $"larger than the {images.Height}x{images.Width} images; give at most {Math.Min(images.Height, images.Width)}.");
        TorchRuntime.EnsureAvailable();
        device ??= CPU;
        var bank = new GaborFilterBank(config);
        var (c, h, w) = (images.Channels, images.Height, images.Width);
        var ph = h / config.Pool;
        var pw = w / config.Pool;
        var perChannel = (1 + bank.Count) * ph * pw;
        var dimension = c * perChannel;
        var output = new double[(long)images.Count * dimension];

        // Filters as a conv weight: 2·count output maps (real, imaginary) from one input channel.
        var weights = new float[2 * bank.Count * bank.Size * bank.Size];
        for (var f = 0; f < bank.Count; f++)
        {
            for (var k = 0; k < bank.Size * bank.Size; k++)
            {
                weights[(2 * f) * bank.Size * bank.Size + k] = (float)bank.Real[f][k];
                weights[(2 * f + 1) * bank.Size * bank.Size + k] = (float)bank.Imaginary[f][k];
            }
        }
        using var weight = tensor(weights, [2L * bank.Count, 1, bank.Size, bank.Size]).to(device);
        for (var start = 0; start < images.Count; start += batch)
        {
            using var scope = NewDisposeScope();
            var count = Math.Min(batch, images.Count - start);
            var x = tensor(images.Data.AsSpan(start * images.Dimension, count * images.Dimension).ToArray(), [count * (long)c, 1, h, w]).to(device);
            var response = nn.functional.conv2d(x, weight, padding: [bank.Size / 2, bank.Size / 2]);
            var pairs = response.view(count * (long)c, bank.Count, 2, h, w);
            var modulus = pairs.square().sum(2).sqrt(); // square(): no implicit Scalar for the GC to finalize mid-call
            var pooled = nn.functional.avg_pool2d(modulus, config.Pool);
            var low = nn.functional.avg_pool2d(x, config.Pool);
            var features = cat([low, pooled], 1).reshape(count, dimension).to(float64).cpu();
            features.data<double>().CopyTo(output.AsSpan(start * dimension, count * dimension));
        }
        return new FeatureMatrix(output, images.Count, dimension);
    }
}
