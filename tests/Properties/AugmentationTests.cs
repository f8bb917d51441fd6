using Rethink.Data;
using Xunit;

namespace Rethink.Properties;

/// <summary>
/// The translated training set: the originals first and unchanged, every added image some original shifted by at most
/// the largest shift (not by zero) with zeros where nothing was shifted in, found by trying every original and shift
/// (an independent search); labels follow; the test split untouched; the same seed the same set; and the IDX folder
/// reads back to the same bytes.
/// </summary>
public sealed class AugmentationTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("rethink-augment").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static ImageSet Random(int count, int side, int seed)
    {
        var random = new Random(seed);
        var pixels = new byte[count * side * side];
        for (var i = 0; i < pixels.Length; i++) pixels[i] = (byte)random.Next(1, 256); // never 0: a zero marks the filled border
        var labels = Enumerable.Range(0, count).Select(i => (byte)(i % 3)).ToArray();
        return new ImageSet(pixels, labels, 1, side, side, ["a", "b", "c"]);
    }

    private static bool Shifted(ReadOnlySpan<byte> from, ReadOnlySpan<byte> to, int side, int dy, int dx)
    {
        for (var y = 0; y < side; y++)
            for (var x = 0; x < side; x++)
            {
                var (sy, sx) = (y - dy, x - dx);
                var expected = sy >= 0 && sy < side && sx >= 0 && sx < side ? from[sy * side + sx] : (byte)0;
                if (to[y * side + x] != expected) return false;
            }
        return true;
    }

    [Fact]
    public void Added_images_are_shifted_originals_and_the_rest_is_untouched()
    {
        const int side = 8, shift = 2;
        var source = new LabeledDataset("toy", Random(15, side, 1), Random(4, side, 2), "test");
        var augmented = Augmentation.Translated(source, 215, shift, seed: 3);
        Assert.Equal(215, augmented.Train.Count);
        Assert.Equal(source.Train.Pixels, augmented.Train.Pixels.AsSpan(0, source.Train.Pixels.Length).ToArray());
        Assert.Equal(source.Test.Pixels, augmented.Test.Pixels);
        for (var k = source.Train.Count; k < 215; k++)
        {
            var image = augmented.Train.Image(k).ToArray();
            var match = (from i in Enumerable.Range(0, source.Train.Count)
                         from dy in Enumerable.Range(-shift, 2 * shift + 1)
                         from dx in Enumerable.Range(-shift, 2 * shift + 1)
                         where (dy, dx) != (0, 0) && Shifted(source.Train.Image(i), image, side, dy, dx)
                         select (int?)i).FirstOrDefault();
            Assert.True(match is not null, $"added image {k} is no original shifted by at most {shift} pixels");
            Assert.Equal(source.Train.Labels[match!.Value], augmented.Train.Labels[k]);
        }
        Assert.Equal(augmented.Train.Pixels, Augmentation.Translated(source, 215, shift, seed: 3).Train.Pixels);
        Assert.NotEqual(augmented.Train.Pixels, Augmentation.Translated(source, 215, shift, seed: 4).Train.Pixels);

        Augmentation.WriteIdxFolder(augmented, _dir);
        var read = DatasetLoader.ReadIdxFolder("toy", _dir);
        Assert.Equal(augmented.Train.Pixels, read.Train.Pixels);
        Assert.Equal(augmented.Train.Labels, read.Train.Labels);
        Assert.Equal(augmented.Test.Pixels, read.Test.Pixels);
        Assert.Equal(augmented.Test.Labels, read.Test.Labels);
    }

    [Fact]
    public void Bad_sizes_and_shifts_are_refused_with_the_argument_named()
    {
        var source = new LabeledDataset("toy", Random(15, 8, 1), Random(4, 8, 2), "test");
        Assert.Equal("Train", Assert.Throws<Rethink.Core.UserInputException>(() => Augmentation.Translated(source, 10, 1, 0)).Parameter);
        Assert.Equal("MaxShift", Assert.Throws<Rethink.Core.UserInputException>(() => Augmentation.Translated(source, 20, 3, 0)).Parameter);
        Assert.Equal("MaxShift", Assert.Throws<Rethink.Core.UserInputException>(() => Augmentation.Translated(source, 20, 0, 0)).Parameter);
    }
}
