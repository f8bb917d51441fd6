using Rethink.Data;
using Rethink.Features;
using Rethink.Kernels;
using Rethink.Kernels.FeatureMaps;
using Xunit;

namespace Rethink.Deep.Tests;

/// <summary>
/// The streamed Gram matrices against the materialized features' Gram matrices (computed directly in
/// double from the standardized features): FP64 to 1e-12 relative, FP32 to its precision, for block
/// sizes that do and do not divide the filter count; and a run stopped between blocks and resumed
/// reaches the same matrices bit for bit.
/// </summary>
public sealed class StreamedGramTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("rethink-streamed").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static ImageTensor Images(int count, int seed)
    {
        var random = new Random(seed);
        return new ImageTensor(Enumerable.Range(0, count * 3 * 32 * 32).Select(_ => (float)random.NextDouble()).ToArray(), count, 3, 32, 32);
    }

    private static double[,] Products(FeatureMatrix a, FeatureMatrix b)
    {
        var result = new double[a.Rows, b.Rows];
        Parallel.For(0, a.Rows, i =>
        {
            for (var j = 0; j < b.Rows; j++)
            {
                double s = 0;
                var x = a.Row(i);
                var y = b.Row(j);
                for (var t = 0; t < x.Length; t++) s += x[t] * y[t];
                result[i, j] = s;
            }
        });
        return result;
    }

    private static void AssertClose(double[,] expected, Kernels.InnerProducts.IInnerProducts actual, double relative, string what)
    {
        var (rows, columns) = (expected.GetLength(0), expected.GetLength(1));
        Assert.Equal((rows, columns), (actual.Rows, actual.Columns));
        var values = new double[rows * columns];
        actual.CopyColumns(0, columns, values);
        var scale = 0.0;
        foreach (var v in expected) scale = Math.Max(scale, Math.Abs(v));
        for (var j = 0; j < columns; j++)
            for (var i = 0; i < rows; i++)
                Assert.True(Math.Abs(values[j * rows + i] - expected[i, j]) <= relative * scale, $"{what} ({i},{j}): {values[j * rows + i]} vs {expected[i, j]}");
    }

    [Theory]
    [InlineData(11, 3, 2)]
    [InlineData(12, 4, 1)]
    [InlineData(10, 10, 2)]
    public void Streamed_gram_equals_the_materialized_gram(int filters, int block, int signs)
    {
        var (train, test) = (Images(30, 1), Images(11, 2));
        var config = new RandomConvConfig(Filters: filters, Seed: 4, Signs: signs == 2 ? 2 : null, Block: block);
        var features = RandomConvFeatures.Create(config, train);
        var (ftrain, ftest) = features.Transform(train, test);
        var (k, c) = (Products(ftrain, ftrain), Products(ftrain, ftest));
        foreach (var (precision, tolerance) in new[] { (Precision.Fp64, 1e-12), (Precision.Fp32, 2e-6) })
        {
            using var streamed = StreamedGram.Compute(features, train, test, precision, Path.Combine(_dir, $"{filters}-{block}-{precision}"), "key");
            AssertClose(k, streamed.Train, tolerance, $"{precision} train Gram");
            AssertClose(c, streamed.Cross, tolerance, $"{precision} cross products");
            for (var i = 0; i < 30; i++) Assert.Equal(k[i, i], streamed.Train.RowNorms[i], tolerance * k[i, i]);
            Assert.Equal(config.Dimension, streamed.Train.Dimension);
        }
    }

    [Fact]
    public void A_run_stopped_between_blocks_resumes_to_the_same_matrices_bit_for_bit()
    {
        var (train, test) = (Images(25, 3), Images(7, 4));
        var features = RandomConvFeatures.Create(new RandomConvConfig(Filters: 9, Seed: 2, Block: 2), train);
        foreach (var precision in new[] { Precision.Fp32, Precision.Fp64 })
        {
            var (whole, stopped) = (Path.Combine(_dir, $"whole-{precision}"), Path.Combine(_dir, $"stopped-{precision}"));
            using (StreamedGram.Compute(features, train, test, precision, whole, "key")) { }
            Assert.Throws<OperationCanceledException>(() => StreamedGram.Compute(features, train, test, precision, stopped, "key", stopAfterBlocks: 2));
            Assert.Contains("\"blocksDone\": 2", File.ReadAllText(Path.Combine(stopped, "state.json")));
            using (var resumed = StreamedGram.Compute(features, train, test, precision, stopped, "key"))
                Assert.Equal(3, resumed.Timings["blocks"]); // the report counts the blocks this call computed, not the resumed ones
            using (var done = StreamedGram.Compute(features, train, test, precision, stopped, "key"))
                Assert.Empty(done.Timings); // every block from an earlier run
            foreach (var name in new[] { "train-5.bin", "cross-5.bin" })
                Assert.Equal(File.ReadAllBytes(Path.Combine(whole, name)), File.ReadAllBytes(Path.Combine(stopped, name)));
            Assert.Equal(3, Directory.GetFiles(stopped).Length); // the state and the last block's two files: older versions removed
            // Another key does not resume this checkpoint.
            using var fresh = StreamedGram.Compute(features, train, test, precision, stopped, "other key");
            Assert.Equal(File.ReadAllBytes(Path.Combine(whole, "train-5.bin")), File.ReadAllBytes(Path.Combine(stopped, "train-5.bin")));
        }
    }

    [Fact]
    public void A_run_with_more_filters_continues_from_the_finished_stream_of_fewer()
    {
        var (train, test) = (Images(27, 5), Images(9, 6));
        var small = new RandomConvConfig(Filters: 5, Seed: 3, Signs: 2, Block: 2);
        var large = small with { Filters = 12 };
        var cache = Path.Combine(_dir, "cache");
        var (smallDir, largeDir) = (Path.Combine(cache, "small"), Path.Combine(cache, "large"));
        StreamedProducts Run(RandomConvConfig config, string directory, Precision precision)
        {
            var keyAt = RandomConvFeatureMap.KeyAt(config, precision, train, test);
            return StreamedGram.Compute(RandomConvFeatures.Create(config, train), train, test, precision, directory, keyAt(config.Filters), keyAt: keyAt);
        }
        // The reference: the larger bank from scratch, in a folder with no siblings.
        using var scratch = Run(large, Path.Combine(_dir, "alone", "large"), Precision.Fp64);
        Assert.DoesNotContain("continued", scratch.Description);
        using (Run(small, smallDir, Precision.Fp64)) { }
        var smallFiles = Directory.GetFiles(smallDir).ToDictionary(f => f, File.ReadAllBytes);

        using (var continued = Run(large, largeDir, Precision.Fp64))
        {
            Assert.Contains($"continued from the finished 5-filter stream in {smallDir}", continued.Description);
            var k = new double[27 * 27];
            scratch.Train.CopyColumns(0, 27, k);
            var kk = new double[27, 27];
            for (var j = 0; j < 27; j++) for (var i = 0; i < 27; i++) kk[i, j] = k[j * 27 + i];
            AssertClose(kk, continued.Train, 1e-12, "continued train Gram");
            var cross = new double[27 * 9];
            scratch.Cross.CopyColumns(0, 9, cross);
            var cc = new double[27, 9];
            for (var j = 0; j < 9; j++) for (var i = 0; i < 27; i++) cc[i, j] = cross[j * 27 + i];
            AssertClose(cc, continued.Cross, 1e-12, "continued cross products");
            for (var i = 0; i < 27; i++) Assert.Equal(scratch.Train.RowNorms[i], continued.Train.RowNorms[i], 1e-12 * scratch.Train.RowNorms[i]);
            for (var i = 0; i < 9; i++) Assert.Equal(scratch.Cross.ColumnNorms[i], continued.Cross.ColumnNorms[i], 1e-12 * scratch.Cross.ColumnNorms[i]);
            Assert.Equal(large.Dimension, continued.Train.Dimension);
        }
        // The smaller stream is read, never changed; a second call finds its own finished state.
        foreach (var (file, bytes) in smallFiles) Assert.Equal(bytes, File.ReadAllBytes(file));
        using (var again = Run(large, largeDir, Precision.Fp64)) Assert.Contains("continued from", again.Description);

        // Another configuration (threshold), another precision: not a prefix of this one.
        using (var other = Run(large with { Threshold = 0.3 }, Path.Combine(cache, "other"), Precision.Fp64)) Assert.DoesNotContain("continued", other.Description);
        using (var single = Run(large, Path.Combine(cache, "fp32"), Precision.Fp32)) Assert.DoesNotContain("continued", single.Description);
    }
}

/// <summary>
/// `kernels fit` end to end on real CIFAR-10 images: the streamed path (Gram matrices accumulated by
/// filter block) and the materialized path (features stored, Gram built by the device) give the same
/// predictions, and the report says which path ran.
/// </summary>
public sealed class StreamedFitTests
{
    [Fact]
    public void Streamed_and_materialized_fits_predict_the_same()
    {
        KernelFitConfig Config(bool stream) => new("cifar10", new GaussianSpec(BandwidthRule.Median, 1.0), Train: 300, Test: 100,
            Precision: Precision.Fp64, Features: new RandomConvConfig(Filters: 24, Grid: 3, Signs: 2, Normalize: true, Block: 7, Stream: stream));
        var data = new DataOptions(null, AllowDownload: false);
        var (streamed, a) = KernelFitRunner.Run(Config(true), data, new RandomConvFeatureMap((RandomConvConfig)Config(true).Features!));
        var (materialized, b) = KernelFitRunner.Run(Config(false), data, new RandomConvFeatureMap((RandomConvConfig)Config(false).Features!));
        using (a)
        using (b)
        {
            Assert.Contains("streamed into Gram matrices in 4 block(s)", streamed.FeatureDescription);
            Assert.DoesNotContain("streamed", materialized.FeatureDescription);
            Assert.Equal(materialized.Bandwidth!.Gamma, streamed.Bandwidth!.Gamma, 9);
            var (m, s) = (materialized.Scores!, streamed.Scores!);
            var scale = m.Max(Math.Abs);
            for (var i = 0; i < m.Length; i++)
                Assert.True(Math.Abs(m[i] - s[i]) <= 1e-8 * scale, $"score {i}: {m[i]} vs {s[i]}");
            Assert.Equal(materialized.TestError, streamed.TestError);
        }
    }
}
