using System.IO.Compression;
using Rethink.Core;
using Rethink.Data;
using Rethink.Kernels;
using Rethink.Features;
using Rethink.Kernels.InnerProducts;
using Rethink.Testing;
using Xunit;
using Rethink.Experiments;

namespace Rethink.Properties;

/// <summary>
/// `kernels fit` takes the streamed path by itself when the materialized features would not fit in
/// memory (a feature map that claims to need a petabyte), the materialized path when they fit, and
/// either when told (stream=1/0); both paths give the same solve.
/// </summary>
public sealed class StreamedPathChoiceTests : IDisposable
{
    /// <summary>A small MNIST-shaped dataset (random pixels, 10 classes) written as gzipped IDX files, so no real data is needed.</summary>
    private readonly TempDirectory _data = new();
    private readonly DataOptions _options;

    public StreamedPathChoiceTests()
    {
        var folder = Path.Combine(_data.Path, "mnist");
        Directory.CreateDirectory(folder);
        var random = new Random(7);
        foreach (var (prefix, count) in new[] { ("train", 600), ("t10k", 200) })
        {
            var pixels = new byte[count * 28 * 28];
            random.NextBytes(pixels);
            var labels = Enumerable.Range(0, count).Select(i => (byte)(i % 10)).ToArray();
            using (var file = new GZipStream(File.Create(Path.Combine(folder, $"{prefix}-images-idx3-ubyte.gz")), CompressionLevel.Fastest))
                IdxFile.WriteImages(file, pixels, count, 28, 28);
            using (var file = new GZipStream(File.Create(Path.Combine(folder, $"{prefix}-labels-idx1-ubyte.gz")), CompressionLevel.Fastest))
                IdxFile.WriteLabels(file, labels);
        }
        _options = new DataOptions(_data.Path, AllowDownload: false);
    }

    public void Dispose() => _data.Dispose();

    /// <summary>Pixels times two, as a feature map that can also deliver its inner products.</summary>
    private sealed class DoubledPixels(bool? stream, long claimedBytes) : IStreamedFeatureMap
    {
        public FeatureMapConfig Config { get; } = new RandomConvConfig(Filters: 2, Stream: stream);
        public bool? Stream => stream;
        public int ProductCalls { get; private set; }
        public FeatureMatrix? LastTrain { get; private set; }
        public FeatureMatrix? LastTest { get; private set; }
        public int[]? LastLabels { get; private set; }
        public long MaterializedBytes(int trainPoints, int testPoints) => claimedBytes;

        private static FeatureMatrix Doubled(ImageTensor images)
        {
            var x = images.ToFeatureMatrix();
            var values = new double[(long)x.Rows * x.Columns];
            for (var i = 0; i < x.Rows; i++)
                for (var t = 0; t < x.Columns; t++) values[(long)i * x.Columns + t] = 2 * x.Row(i)[t];
            return new FeatureMatrix(values, x.Rows, x.Columns);
        }

        public (FeatureMatrix Train, FeatureMatrix Test, string Description) Transform(PreparedData data, IProgress<KernelProgress>? progress)
        {
            (LastTrain, LastTest, LastLabels) = (Doubled(data.Train), Doubled(data.Test), data.TrainLabels);
            return (LastTrain, LastTest, "doubled pixels");
        }

        public StreamedProducts Products(PreparedData data, Precision precision, Rethink.Kernels.Devices.IDenseDevice? device, string directory, IProgress<KernelProgress>? progress, CancellationToken cancel,
            CheckpointSchedule? schedule = null)
        {
            ProductCalls++;
            var (train, test) = (Doubled(data.Train), Doubled(data.Test));
            return new StreamedProducts(InnerProductMatrix.From(train), InnerProductMatrix.From(train, test), "doubled pixels, streamed");
        }
    }

    private static KernelFitConfig Config(bool? stream) =>
        new("mnist", new GaussianSpec(BandwidthRule.Median, 1.0), Train: 200, Test: 50, Features: new RandomConvConfig(Filters: 2, Stream: stream));

    /// <summary>stream=0 where the materialized plan cannot fit is refused before any feature is computed.</summary>
    [Fact]
    public void Never_streaming_what_cannot_fit_is_refused_before_any_work()
    {
        var map = new DoubledPixels(false, 1L << 50);
        var e = Assert.Throws<Rethink.Core.UserInputException>(() => KernelFitRunner.Run(Config(false), _options, features: map));
        Assert.Equal("RandomConvConfig.Stream", e.Parameter);
        Assert.Null(map.LastTrain); // no features computed
        Assert.Equal(0, map.ProductCalls);
    }

    [Theory]
    [InlineData(null, 1L << 50, true)]
    [InlineData(null, 1000L, false)]
    [InlineData(true, 1000L, true)]
    [InlineData(false, 1000L, false)]
    public void The_path_follows_the_memory_and_the_option(bool? stream, long claimed, bool streams)
    {
        var map = new DoubledPixels(stream, claimed);
        var (result, model) = KernelFitRunner.Run(Config(stream), _options, features: map);
        using (model)
        {
            Assert.Equal(streams ? 1 : 0, map.ProductCalls);
            Assert.StartsWith(streams ? "doubled pixels, streamed" : "doubled pixels", result.FeatureDescription);
            // The same solve either way: against the materialized run.
            var reference = new DoubledPixels(false, 0);
            var (other, otherModel) = KernelFitRunner.Run(Config(false), _options, features: reference);
            using (otherModel)
            {
                // Judged against a reference system built here from the same features (see tests/Shared): γ within the
                // median's rounding shift, both α backward stable, predictions within the bound of their difference.
                var (train, test) = (reference.LastTrain!, reference.LastTest!);
                var gammaShift = GaussianReference.GammaShift(train, other.Bandwidth!.Gamma, other.Bandwidth.Scale);
                Within.Bound(result.Bandwidth!.Gamma - other.Bandwidth.Gamma, gammaShift, "gamma", "the median's rounding shift");
                var gaussian = GaussianReference.Build(train, test, other.Bandwidth.Gamma, gammaShift, ErrorBound.U64);
                var (n, m, classes) = (train.Rows, test.Rows, other.Classes);
                var system = new ReferenceSystem(gaussian.K, DeviceChecks.Dense(Targets.OneHot(reference.LastLabels!, classes).Values, n, classes));
                var (a, b) = (DeviceChecks.Dense(otherModel.Alpha, n, classes), DeviceChecks.Dense(model.Alpha, n, classes));
                system.AssertBackwardStable(a, gaussian.GramDifference, ErrorBound.U64, "materialized");
                system.AssertBackwardStable(b, gaussian.GramDifference, ErrorBound.U64, streams ? "streamed" : "materialized again");
                var ambiguous = system.AssertPredictionsAgree(gaussian.Cross, a, DeviceChecks.Dense(other.Scores!, m, classes), b, DeviceChecks.Dense(result.Scores!, m, classes),
                    gaussian.CrossRowBound, ErrorBound.U64, "materialized vs this path");
                Within.Bound((other.TestError - result.TestError) * m, ambiguous, "test errors", "at most the test points whose margin lies within the score bound");
            }
        }
    }
}
