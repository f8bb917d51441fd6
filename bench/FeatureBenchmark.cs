using System.Diagnostics;
using Rethink.Core;
using Rethink.Data;
using Rethink.Features;

namespace Rethink.Bench;

/// <summary>
/// Random convolutional features of CIFAR-10 (train and test, 60,000 images by default) at 2,048
/// filters (5×5×3, max(z − 0.25, 0), 2×2 pooling): the GEMM path the streamed Gram uses (whitening,
/// then im2col × filter block on the native BLAS with rectification and pooling fused, block by block)
/// against the TorchSharp convolution it replaced, side by side in one run, and the largest difference
/// between their features on the first images.
///   rethink-bench features [DATA] [--images N] [--filters F]
/// </summary>
public static class FeatureBenchmark
{
    public static int Run(string[] args)
    {
        var root = args.FirstOrDefault(a => !a.StartsWith("--", StringComparison.Ordinal) && !int.TryParse(a, out _))
            ?? Environment.GetEnvironmentVariable(DataLocator.EnvironmentVariable)
            ?? throw new ArgumentException("Give the data root (holding cifar-10-batches-bin/) as the argument or in RETHINK_DATA.");
        int Option(string name, int fallback) => Array.IndexOf(args, name) is var i && i >= 0 && i + 1 < args.Length ? int.Parse(args[i + 1], System.Globalization.CultureInfo.InvariantCulture) : fallback;
        var count = Option("--images", 60_000);
        var filters = Option("--filters", 2048);

        var data = DatasetLoader.Load("cifar10", new DataOptions(root, AllowDownload: false));
        var all = ImageTensor.FromBytes(data.Train);
        var test = ImageTensor.FromBytes(data.Test);
        var images = new ImageTensor([.. all.Data, .. test.Data], all.Count + test.Count, all.Channels, all.Height, all.Width);
        if (count < images.Count) images = images.Select(Enumerable.Range(0, count).ToList());
        var config = new RandomConvConfig(Filters: filters);
        var features = RandomConvFeatures.Create(config, all);
        Console.WriteLine($"Random conv features: {images.Count:N0} CIFAR-10 images, {filters:N0} filters {config.Patch}x{config.Patch}x3, {config.Dimension:N0} features; {MachineInfo.Current}");

        var watch = Stopwatch.StartNew();
        var whitened = RandomConvFeatures.Whitened(images);
        var block = features.BlockFilters;
        float[]? firstBlock = null;
        for (var first = 0; first < filters; first += block)
        {
            var f = features.ApplyBlock(whitened, first, Math.Min(block, filters - first));
            firstBlock ??= f;
        }
        var gemm = watch.Elapsed.TotalSeconds;
        Console.WriteLine($"  GEMM on the native BLAS (blocks of {block} filters)   {gemm,8:F1} s");

        watch.Restart();
        var torch = features.ApplyTorch(images);
        var torchSeconds = watch.Elapsed.TotalSeconds;
        Console.WriteLine($"  TorchSharp conv2d (CPU libtorch)                 {torchSeconds,8:F1} s");
        Console.WriteLine($"  ratio GEMM / TorchSharp                          {gemm / torchSeconds,8:F2}");

        // The same features: block 0 of the GEMM path against the first columns of the TorchSharp path.
        var width = Math.Min(block, filters) * config.FeaturesPerFilter;
        double worst = 0, scale = 0;
        for (var i = 0; i < Math.Min(500, images.Count); i++)
            for (var j = 0; j < width; j++)
            {
                worst = Math.Max(worst, Math.Abs(firstBlock![(long)i * width + j] - torch[(long)i * config.Dimension + j]));
                scale = Math.Max(scale, Math.Abs(torch[(long)i * config.Dimension + j]));
            }
        Console.WriteLine($"  largest difference (first 500 images, first block): {worst:G3} (largest feature {scale:G3})");
        return 0;
    }
}
