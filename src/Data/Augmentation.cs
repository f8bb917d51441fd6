using Rethink.Core;

namespace Rethink.Data;

/// <summary>
/// A training set enlarged by translated copies (the augmentation the paper's Section 2 discusses), for kernel solves
/// beyond a dataset's own size: the original images first, unchanged, then copies of randomly drawn originals shifted by
/// up to <c>maxShift</c> pixels in each direction (never by zero in both), the uncovered border filled with zeros (the
/// background of MNIST-like images). Labels follow their images; the test split is the original's. Deterministic in the seed.
/// </summary>
public static class Augmentation
{
    /// <param name="source">The dataset.</param>
    /// <param name="train">Training images wanted, at least the original count.</param>
    /// <param name="maxShift">The largest shift in pixels (1 to a quarter of the image side).</param>
    /// <param name="seed">Which copies and shifts.</param>
    public static LabeledDataset Translated(LabeledDataset source, int train, int maxShift, int seed)
    {
        var original = source.Train;
        if (train < original.Count)
            throw new UserInputException("Train", train, $"at least {source.Name}'s {original.Count:N0} training images (the originals come first); for fewer, subset the original instead.");
        if ((long)train * original.PixelsPerImage > Array.MaxLength)
            throw new UserInputException("Train", train, $"{train:N0} images of {original.PixelsPerImage:N0} bytes exceed one array; at most {Array.MaxLength / original.PixelsPerImage:N0}.");
        var side = Math.Min(original.Height, original.Width);
        if (maxShift < 1 || maxShift > side / 4)
            throw new UserInputException("MaxShift", maxShift, $"1 to {side / 4} pixels for {original.Height}x{original.Width} images.");
        var size = original.PixelsPerImage;
        var pixels = new byte[(long)train * size];
        var labels = new byte[train];
        original.Pixels.CopyTo(pixels, 0);
        original.Labels.CopyTo(labels, 0);
        var random = SeedMixer.Random(seed, 0xA06);
        var plan = new (int Source, int Dy, int Dx)[train - original.Count];
        for (var k = 0; k < plan.Length; k++)
        {
            int dy, dx;
            do (dy, dx) = (random.Next(-maxShift, maxShift + 1), random.Next(-maxShift, maxShift + 1));
            while (dy == 0 && dx == 0);
            plan[k] = (random.Next(original.Count), dy, dx);
        }
        var (h, w) = (original.Height, original.Width);
        Parallel.For(0, plan.Length, k =>
        {
            var (from, dy, dx) = plan[k];
            var target = pixels.AsSpan((original.Count + k) * size, size); // zero: a fresh array
            var image = original.Image(from);
            for (var c = 0; c < original.Channels; c++)
                for (var y = Math.Max(0, dy); y < Math.Min(h, h + dy); y++)
                {
                    var x0 = Math.Max(0, dx);
                    var length = Math.Min(w, w + dx) - x0;
                    image.Slice(c * h * w + (y - dy) * w + x0 - dx, length).CopyTo(target.Slice(c * h * w + y * w + x0, length));
                }
            labels[original.Count + k] = original.Labels[from];
        });
        return new LabeledDataset($"{source.Name} + {plan.Length:N0} translated (±{maxShift} px, seed {seed})",
            new ImageSet(pixels, labels, original.Channels, h, w, original.ClassNames), source.Test, source.Source);
    }

    /// <summary>Refuses a dataset of more than one channel (an IDX folder holds one).</summary>
    public static void RequireSingleChannel(LabeledDataset data)
    {
        if (data.Train.Channels != 1)
            throw new UserInputException("Dataset", data.Name, $"IDX folders hold one channel; {data.Name} has {data.Train.Channels}. Give a single-channel dataset (mnist, fashion-mnist).");
    }

    /// <summary>
    /// Writes a single-channel dataset as an IDX folder (the four MNIST files, uncompressed), each file atomically, so that
    /// <c>--dataset DIR</c> reads it like MNIST.
    /// </summary>
    public static void WriteIdxFolder(LabeledDataset data, string directory)
    {
        RequireSingleChannel(data);
        Directory.CreateDirectory(directory);
        var splits = new[] { data.Train, data.Train, data.Test, data.Test };
        for (var k = 0; k < 4; k++)
        {
            var (split, images) = (splits[k], k % 2 == 0);
            AtomicFile.Write(Path.Combine(directory, DataLocator.IdxBaseNames[k]), stream =>
            {
                if (images) IdxFile.WriteImages(stream, split.Pixels, split.Count, split.Height, split.Width);
                else IdxFile.WriteLabels(stream, split.Labels);
            });
        }
    }
}
