using ILGPU;
using ILGPU.Runtime;
using ILGPU.Runtime.CPU;
using MathNet.Numerics.LinearAlgebra;
using Rethink.Core;
using Rethink.Data;
using Rethink.Features;
using Rethink.Kernels;
using Rethink.Testing;
using Xunit;
using Rethink.Experiments;

namespace Rethink.Deep.Tests;

/// <summary>
/// The streamed Gram matrices against the materialized features' Gram matrices (computed directly in
/// double from the standardized features), entry by entry within the rounding bound of each, for block
/// sizes that do and do not divide the filter count; and a run stopped between blocks and resumed
/// reaches the same matrices bit for bit.
/// </summary>
public sealed class StreamedGramTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("rethink-streamed").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static ImageTensor Images(int count, int seed, int side = 32)
    {
        var random = new Random(seed);
        return new ImageTensor(Enumerable.Range(0, count * 3 * side * side).Select(_ => (float)random.NextDouble()).ToArray(), count, 3, side, side);
    }

    private static double[,] Products(FeatureMatrix a, FeatureMatrix b, bool absolute = false)
    {
        var result = new double[a.Rows, b.Rows];
        Parallel.For(0, a.Rows, i =>
        {
            for (var j = 0; j < b.Rows; j++)
            {
                double s = 0;
                var x = a.Row(i);
                var y = b.Row(j);
                for (var t = 0; t < x.Length; t++) s += absolute ? Math.Abs(x[t] * y[t]) : x[t] * y[t];
                result[i, j] = s;
            }
        });
        return result;
    }

    /// <summary>Every entry of <paramref name="actual"/> within its own bound of <paramref name="expected"/>.</summary>
    private static void AssertWithin(double[,] expected, Kernels.InnerProducts.IInnerProducts actual, Func<int, int, double> bound, string what, string derivation)
    {
        var (rows, columns) = (expected.GetLength(0), expected.GetLength(1));
        Assert.Equal((rows, columns), (actual.Rows, actual.Columns));
        var values = new double[rows * columns];
        actual.CopyColumns(0, columns, values);
        for (var j = 0; j < columns; j++)
            for (var i = 0; i < rows; i++)
                Within.Bound(values[j * rows + i] - expected[i, j], bound(i, j), $"{what} ({i},{j}) {values[j * rows + i]:R} vs {expected[i, j]:R}", derivation);
    }

    /// <summary>
    /// Per-coordinate bounds on how far the streamed path's standardized features are from the materialized
    /// ones (double): in FP64 both standardize the same float features with the same double arithmetic (0);
    /// in FP32 the stream standardizes in float, fl((x − fl(c))·fl(s)), within γ₃(u)|f| + γ₂(u)|c|s of (x − c)s.
    /// </summary>
    private static FeatureMatrix StandardizationError(RandomConvFeatures features, ImageTensor images, ImageTensor statistics, Precision precision)
    {
        var d = (int)features.Dimension;
        var values = new double[(long)images.Count * d];
        if (precision == Precision.Fp64) return new FeatureMatrix(values, images.Count, d);
        var (raw, rawStatistics) = (features.ApplyBlock(RandomConvFeatures.Whitened(images), 0, features.Config.Filters),
            features.ApplyBlock(RandomConvFeatures.Whitened(statistics), 0, features.Config.Filters));
        for (var t = 0; t < d; t++)
        {
            double sum = 0, squares = 0;
            for (var i = 0; i < statistics.Count; i++) { double v = rawStatistics[(long)i * d + t]; sum += v; squares += v * v; }
            var mean = sum / statistics.Count;
            var std = Math.Sqrt(Math.Max(squares / statistics.Count - mean * mean, 0));
            var scale = std > 1e-12 ? 1 / std : 1;
            for (var i = 0; i < images.Count; i++)
            {
                var f = (raw[(long)i * d + t] - mean) * scale;
                values[(long)i * d + t] = ErrorBound.Gamma(3, ErrorBound.U32) * Math.Abs(f) + ErrorBound.Gamma(2, ErrorBound.U32) * Math.Abs(mean) * scale;
            }
        }
        return new FeatureMatrix(values, images.Count, d);
    }

    private static FeatureMatrix Plus(FeatureMatrix a, FeatureMatrix b) => new(a.Values.Zip(b.Values, (x, y) => Math.Abs(x) + y).ToArray(), a.Rows, a.Columns);

    /// <summary>
    /// |K̂_ij − ⟨f_i, f_j⟩| for the stream's products against the double reference: the stream's inner products of
    /// its features (within δ of f) in its precision, γ_d(u)(|f_i| + δ_i)ᵀ(|f_j| + δ_j), the features' own
    /// difference δ_iᵀ|f_j| + |f_i|ᵀδ_j + δ_iᵀδ_j, the reference's γ_d(u₆₄)|f_i|ᵀ|f_j|, and storage in the precision (u|K|).
    /// </summary>
    private static Func<int, int, double> GramBound(FeatureMatrix a, FeatureMatrix da, FeatureMatrix b, FeatureMatrix db, double[,] exact, Precision precision)
    {
        var u = ErrorBound.UnitRoundoff(precision == Precision.Fp32);
        var d = a.Columns;
        var (abs, mixed1, mixed2, deltas, widened) = (Products(a, b, true), Products(da, b, true), Products(a, db, true), Products(da, db, true), Products(Plus(a, da), Plus(b, db), true));
        return (i, j) => ErrorBound.Gamma(d, u) * widened[i, j] + mixed1[i, j] + mixed2[i, j] + deltas[i, j] + ErrorBound.Gamma(d, ErrorBound.U64) * abs[i, j] + u * Math.Abs(exact[i, j]);
    }

    private const string GramDerivation = "gamma_d(u)(|f_i|+d_i)'(|f_j|+d_j) + d_i'|f_j| + |f_i|'d_j + d_i'd_j + gamma_d(u64)|f_i|'|f_j| + u|K_ij|, d the stream's standardization error (Higham (3.5))";

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
        foreach (var precision in new[] { Precision.Fp64, Precision.Fp32 })
        {
            var (dtrain, dtest) = (StandardizationError(features, train, train, precision), StandardizationError(features, test, train, precision));
            var (kBound, cBound) = (GramBound(ftrain, dtrain, ftrain, dtrain, k, precision), GramBound(ftrain, dtrain, ftest, dtest, c, precision));
            using var streamed = StreamedGram.Compute(features, train, test, precision, Path.Combine(_dir, $"{filters}-{block}-{precision}"), "key");
            AssertWithin(k, streamed.Train, kBound, $"{precision} train Gram", GramDerivation);
            AssertWithin(c, streamed.Cross, cBound, $"{precision} cross products", GramDerivation);
            for (var i = 0; i < 30; i++)
                Within.Bound(streamed.Train.RowNorms[i] - k[i, i], kBound(i, i), $"{precision} squared norm {i}", GramDerivation);
            Assert.Equal(config.Dimension, streamed.Train.Dimension);
        }
    }

    /// <summary>
    /// Per-coordinate bounds on how far the device path's standardized features may be from the host path's in exact
    /// arithmetic, both from the same filters and images. The raw features: the convolution sums L = c·p² products in
    /// another order (γ_L(u₃₂)·‖patch‖·‖filter‖, ‖patch‖ ≤ √L for contrast-normalized patches, √L·max|x| otherwise), the
    /// patch normalization may contract to FMAs on a GPU (γ_(L+8) more), the threshold and averaging are 1-Lipschitz and
    /// round their A-term sums (γ_(A+2) of the value, twice); call that δ. Standardization with training statistics that
    /// moved by δ̄ = max δ (+ γ_2n(u₆₄) for the double sums' order): |Δ| ≤ (δ + δ̄)·s′ + |x − μ|·δ̄/(σ(σ − δ̄)). Plus each
    /// path's rounding of fl((x − fl(μ))·fl(s)) in the precision, γ₃(u)|f| + γ₂(u)|μ|s, twice (the device's and the host's).
    /// </summary>
    private static (FeatureMatrix Bound, int Skipped) DeviceFeatureError(RandomConvFeatures features, ImageTensor images, ImageTensor statistics, int first, int count, Precision precision)
    {
        var u = ErrorBound.UnitRoundoff(precision == Precision.Fp32);
        var config = features.Config;
        var (length, perFilter) = (images.Channels * config.Patch * config.Patch, config.FeaturesPerFilter);
        var whiteImages = RandomConvFeatures.Whitened(images);
        var whiteStatistics = RandomConvFeatures.Whitened(statistics);
        var pixels = Math.Max(whiteImages.Data.Max(Math.Abs), whiteStatistics.Data.Max(Math.Abs));
        var patchNorm = Math.Sqrt(length) * (config.Normalize == true ? 1 : pixels);
        var oh = images.Height - config.Patch + 1;
        var area = (int)Math.Ceiling((double)oh / config.Grid) * (int)Math.Ceiling((double)oh / config.Grid);
        var width = count * perFilter;
        var (raw, rawStatistics) = (features.ApplyBlock(whiteImages, first, count), features.ApplyBlock(whiteStatistics, first, count));
        var filterNorms = Enumerable.Range(first, count).Select(f => Math.Sqrt(Enumerable.Range(f * length, length).Sum(k => (double)features.Filters[k] * features.Filters[k]))).ToArray();
        double Delta(float value, int t) =>
            ErrorBound.Gamma(2 * length + 8, ErrorBound.U32) * patchNorm * filterNorms[t / perFilter] + 2 * ErrorBound.Gamma(area + 2, ErrorBound.U32) * Math.Abs(value);
        var bound = new double[(long)images.Count * width];
        var skipped = 0;
        for (var t = 0; t < width; t++)
        {
            double sum = 0, squares = 0, worst = 0, largest = 0;
            for (var i = 0; i < statistics.Count; i++)
            {
                double v = rawStatistics[(long)i * width + t];
                (sum, squares) = (sum + v, squares + v * v);
                (worst, largest) = (Math.Max(worst, Delta(rawStatistics[(long)i * width + t], t)), Math.Max(largest, Math.Abs(v)));
            }
            var mean = sum / statistics.Count;
            var std = Math.Sqrt(Math.Max(squares / statistics.Count - mean * mean, 0));
            var moved = worst + ErrorBound.Gamma(2 * statistics.Count, ErrorBound.U64) * largest;
            for (var i = 0; i < images.Count; i++)
            {
                double x = raw[(long)i * width + t];
                if (std == 0 && worst == 0) continue; // a feature that is exactly zero on both paths
                if (std <= 2 * moved) { bound[(long)i * width + t] = double.PositiveInfinity; skipped++; continue; }
                var scale = 1 / (std - moved);
                var rounding = 2 * (ErrorBound.Gamma(3, u) * Math.Abs(x - mean) * scale + ErrorBound.Gamma(2, u) * Math.Abs(mean) * scale);
                bound[(long)i * width + t] = (Delta(raw[(long)i * width + t], t) + moved) * scale + Math.Abs(x - mean) * moved / (std * (std - moved)) + rounding;
            }
        }
        return (new FeatureMatrix(bound, images.Count, width), skipped);
    }

    /// <summary>ILGPU's CPU accelerator (the GPU's kernels run there in CI), with the plain ILGPU products.</summary>
    private static (ILGPU.Context Context, ILGPU.Runtime.Accelerator Accelerator) CpuAccelerator()
    {
        var context = ILGPU.Context.Create(builder => builder.CPU());
        return (context, context.CreateCPUAccelerator(0));
    }

    /// <summary>
    /// The device-side convolution, threshold, pooling and standardization (<see cref="DeviceRandomFeatures"/>) on ILGPU's
    /// CPU accelerator against the host path (ApplyBlock, then FeatureStatistics.Standardize in the same precision),
    /// feature by feature within <see cref="DeviceFeatureError"/> plus both paths' rounding of the standardization, for
    /// one and two signs, with and without contrast-normalized patches, a block in the middle of the bank; and each row's
    /// squared norm over the block within its own bound.
    /// </summary>
    [Theory]
    [InlineData(2, true, 0.5, 3)]
    [InlineData(1, false, 0.25, 2)]
    public void Device_features_equal_the_host_features_within_their_rounding(int signs, bool normalize, double threshold, int grid)
    {
        var (train, test) = (Images(19, 21, side: 14), Images(5, 22, side: 14)); // small: ILGPU's CPU accelerator emulates every GPU thread
        var config = new RandomConvConfig(Filters: 7, Seed: 6, Signs: signs == 2 ? 2 : null, Normalize: normalize ? true : null, Threshold: threshold, Grid: grid, Patch: 5, Block: 3);
        var features = RandomConvFeatures.Create(config, train);
        var (context, accelerator) = CpuAccelerator();
        using (context)
        using (accelerator)
        using (var device = new DeviceRandomFeatures(features, RandomConvFeatures.Whitened(train), RandomConvFeatures.Whitened(test), new Kernels.Devices.IlgpuBlas(accelerator)))
            foreach (var precision in new[] { Precision.Fp32, Precision.Fp64 })
            {
                var (first, count) = (3, 3);
                var width = count * config.FeaturesPerFilter;
                var (hostTrain, hostTest) = (features.ApplyBlock(RandomConvFeatures.Whitened(train), first, count), features.ApplyBlock(RandomConvFeatures.Whitened(test), first, count));
                double[] deviceTrain, deviceTest, trainNorms, testNorms;
                double[] expectedTrain, expectedTest;
                if (precision == Precision.Fp32)
                {
                    FeatureStatistics.Standardize(hostTrain, hostTest, train.Count, test.Count, width);
                    (expectedTrain, expectedTest) = (hostTrain.Select(v => (double)v).ToArray(), hostTest.Select(v => (double)v).ToArray());
                    var block = device.Block<float>(first, count);
                    (deviceTrain, deviceTest) = (block.Train.GetAsArray1D().Select(v => (double)v).ToArray(), block.Test.GetAsArray1D().Select(v => (double)v).ToArray());
                    (trainNorms, testNorms) = (block.TrainNorms, block.TestNorms);
                }
                else
                {
                    var (a, b) = (hostTrain.Select(v => (double)v).ToArray(), hostTest.Select(v => (double)v).ToArray());
                    FeatureStatistics.Standardize(a, b, train.Count, test.Count, width);
                    (expectedTrain, expectedTest) = (a, b);
                    var block = device.Block<double>(first, count);
                    (deviceTrain, deviceTest) = (block.Train.GetAsArray1D(), block.Test.GetAsArray1D());
                    (trainNorms, testNorms) = (block.TrainNorms, block.TestNorms);
                }
                var u = ErrorBound.UnitRoundoff(precision == Precision.Fp32);
                foreach (var (what, images, expected, actual, norms) in new[] { ("train", train, expectedTrain, deviceTrain, trainNorms), ("test", test, expectedTest, deviceTest, testNorms) })
                {
                    var (bound, skipped) = DeviceFeatureError(features, images, train, first, count, precision);
                    Assert.Equal(0, skipped); // every feature varies enough to be compared
                    Assert.Equal(expected.Length, actual.Length);
                    for (var i = 0; i < images.Count; i++)
                    {
                        double rowBound = 0, exact = 0;
                        for (var t = 0; t < width; t++)
                        {
                            var at = i * width + t;
                            var limit = bound.Values[at] * (1 + 1e-6); // 1e-6: the bound's own evaluation in double
                            Within.Bound(actual[at] - expected[at], limit, $"{precision} {what} image {i} feature {t}: device {actual[at]:R} vs host {expected[at]:R}",
                                "DeviceFeatureError: the convolution's order, patch normalization, pooling, moved statistics, both paths' rounding of (x - c)s");
                            rowBound += 2 * Math.Abs(expected[at]) * limit + limit * limit;
                            exact += expected[at] * expected[at];
                        }
                        Within.Bound(norms[i] - exact, rowBound + ErrorBound.Gamma(width, ErrorBound.U64) * exact * 2, $"{precision} {what} squared norm {i}",
                            "sum of 2|f|d + d^2 over the row's features, d the feature bound, + the double sums' rounding");
                    }
                }
            }
    }

    /// <summary>
    /// The whole stream with K and C resident on an accelerator (ILGPU's CPU accelerator here, the GPU in production):
    /// features computed there (<see cref="DeviceRandomFeatures"/>), products by its BLAS, checkpoints from the host copy
    /// — against the materialized features' Gram within the stream bound widened by the device features' own error; and
    /// a stream stopped on the device and resumed reaches the same matrices bit for bit.
    /// </summary>
    [Fact]
    public void A_stream_computed_on_an_accelerator_equals_the_materialized_gram()
    {
        var (context, accelerator) = CpuAccelerator();
        using (context)
        using (accelerator)
        {
            var blas = new Kernels.Devices.IlgpuBlas(accelerator);
            StreamsOnTheDevice(precision => new Kernels.Devices.AcceleratorStreaming(blas, precision), "ILGPU kernels on");
        }
    }

    /// <summary>
    /// The same on the GPU: cuBLAS for the convolution and the products, the ILGPU kernels compiled for CUDA; and the GPU's
    /// solve takes the resident K and C device to device.
    /// </summary>
    [CudaFact]
    public void A_stream_computed_on_the_gpu_equals_the_materialized_gram() =>
        StreamsOnTheDevice(precision => (Kernels.Devices.IStreamingDevice)Kernels.Cuda.CudaDevice.Open(precision), "cuBLAS");

    /// <summary>
    /// The stream on <paramref name="open"/>'s device against the materialized Gram; its products handed over resident (on
    /// the accelerator, K mirrored whole, the same bits as the host's); a solve on that device from them gives the same
    /// predictions, bit for bit, as from the checkpoint's files (the same K through the same factorization); and a stopped
    /// stream resumes to the same matrices.
    /// </summary>
    private void StreamsOnTheDevice(Func<Precision, Kernels.Devices.IStreamingDevice> open, string where)
    {
        var (train, test) = (Images(17, 31, side: 12), Images(6, 32, side: 12));
        var config = new RandomConvConfig(Filters: 5, Seed: 8, Signs: 2, Normalize: true, Threshold: 0.5, Grid: 2, Patch: 5, Block: 2);
        var features = RandomConvFeatures.Create(config, train);
        var (ftrain, ftest) = features.Transform(train, test);
        var (k, c) = (Products(ftrain, ftrain), Products(ftrain, ftest));
        {
            foreach (var precision in new[] { Precision.Fp32, Precision.Fp64 })
            {
                var device = open(precision);
                // The device's features against the exact standardization of the host's raw features: DeviceFeatureError (which
                // includes a rounding of the host's that the reference does not make: conservative by that term).
                var (dtrain, dtest) = (DeviceError(train), DeviceError(test));
                FeatureMatrix DeviceError(ImageTensor images)
                {
                    var total = new double[(long)images.Count * config.Dimension];
                    for (var first = 0; first < config.Filters; first += config.Block!.Value)
                    {
                        var count = Math.Min(config.Block!.Value, config.Filters - first);
                        var (bound, skipped) = DeviceFeatureError(features, images, train, first, count, precision);
                        Assert.Equal(0, skipped);
                        var width = count * config.FeaturesPerFilter;
                        for (var i = 0; i < images.Count; i++)
                            for (var t = 0; t < width; t++)
                                total[(long)i * config.Dimension + first * config.FeaturesPerFilter + t] = bound.Values[(long)i * width + t] * (1 + 1e-6);
                    }
                    return new FeatureMatrix(total, images.Count, (int)config.Dimension);
                }
                var (kBound, cBound) = (GramBound(ftrain, dtrain, ftrain, dtrain, k, precision), GramBound(ftrain, dtrain, ftest, dtest, c, precision));
                var directory = Path.Combine(_dir, $"device-{where}-{precision}");
                using (var streamed = StreamedGram.Compute(features, train, test, precision, directory, "key", device: device))
                {
                    Assert.Contains(where, streamed.Description);
                    AssertWithin(k, streamed.Train, kBound, $"{precision} device train Gram", GramDerivation + " + the device features' bound");
                    AssertWithin(c, streamed.Cross, cBound, $"{precision} device cross products", GramDerivation + " + the device features' bound");
                    foreach (var products in new[] { streamed.Train, streamed.Cross })
                    {
                        var resident = Assert.IsAssignableFrom<Kernels.InnerProducts.IResidentInnerProducts>(products);
                        var host = new double[products.Rows * products.Columns];
                        products.CopyColumns(0, products.Columns, host);
                        var onDevice = precision == Precision.Fp32
                            ? resident.DeviceColumns<float>(0, products.Columns).GetAsArray1D().Select(v => (double)v).ToArray()
                            : resident.DeviceColumns<double>(0, products.Columns).GetAsArray1D();
                        Assert.Equal(host, onDevice);
                    }
                    using var stored = StreamedGram.Compute(features, train, test, precision, directory, "key");
                    using var lapack = device is Kernels.Devices.IDenseDevice ? null : Kernels.Devices.LapackDevice.Open(precision);
                    var solver = new MinimumNormSolver(device as Kernels.Devices.IDenseDevice ?? lapack!);
                    var targets = Targets.OneHot(Enumerable.Range(0, train.Count).Select(i => i % 3).ToArray(), 3);
                    double[] Scores(StreamedProducts from)
                    {
                        using var model = solver.Fit(KernelOperand.Of(from.Train), targets, new GaussianKernel(1.0 / config.Dimension), new SolveOptions(precision, Ridge: 1e-3));
                        return model.Predict(KernelOperand.Of(from.Cross));
                    }
                    Assert.Equal(Scores(stored), Scores(streamed));
                }
                var stopped = Path.Combine(_dir, $"device-stopped-{where}-{precision}");
                Assert.Throws<OperationCanceledException>(() => StreamedGram.Compute(features, train, test, precision, stopped, "key", StopBefore(2, out var cancel), cancel, device: device));
                using (StreamedGram.Compute(features, train, test, precision, stopped, "key", device: device)) { }
                foreach (var name in new[] { "train-3.bin", "cross-3.bin" })
                    Assert.Equal(File.ReadAllBytes(Path.Combine(directory, name)), File.ReadAllBytes(Path.Combine(stopped, name)));
            }
        }
    }

    /// <summary>Progress that cancels, as a kill would, when block <paramref name="block"/> (1-based) is announced: the blocks before it are checkpointed.</summary>
    private static IProgress<KernelProgress> StopBefore(int block, out CancellationToken token)
    {
        var source = new CancellationTokenSource();
        token = source.Token;
        return new Rethink.Core.SynchronousProgress<KernelProgress>(p =>
        {
            if (p.Phase.StartsWith($"random features: block {block}/", StringComparison.Ordinal)) source.Cancel();
        });
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
            Assert.Throws<OperationCanceledException>(() => StreamedGram.Compute(features, train, test, precision, stopped, "key", StopBefore(3, out var cancel2), cancel2));
            Assert.Contains("\"blocksDone\": 2", File.ReadAllText(Path.Combine(stopped, "state.json")));
            using (var resumed = StreamedGram.Compute(features, train, test, precision, stopped, "key"))
                Assert.Equal(3, resumed.Timings.Blocks); // the report counts the blocks this call computed, not the resumed ones
            using (var done = StreamedGram.Compute(features, train, test, precision, stopped, "key"))
                Assert.Equal(new StreamTimings(), done.Timings); // every block from an earlier run
            foreach (var name in new[] { "train-5.bin", "cross-5.bin" })
                Assert.Equal(File.ReadAllBytes(Path.Combine(whole, name)), File.ReadAllBytes(Path.Combine(stopped, name)));
            Assert.Equal(3, Directory.GetFiles(stopped).Length); // the state and the last block's two files: older versions removed
            // Another key does not resume this checkpoint.
            using var fresh = StreamedGram.Compute(features, train, test, precision, stopped, "other key");
            Assert.Equal(File.ReadAllBytes(Path.Combine(whole, "train-5.bin")), File.ReadAllBytes(Path.Combine(stopped, "train-5.bin")));
        }
    }

    /// <summary>A clock the test moves: the schedule is decided on it, never on the wall clock.</summary>
    private sealed class ManualClock : TimeProvider
    {
        private long _ticks;
        public void Advance(TimeSpan by) => Interlocked.Add(ref _ticks, by.Ticks);
        public override long GetTimestamp() => Interlocked.Read(ref _ticks);
        public override long TimestampFrequency => TimeSpan.TicksPerSecond;
    }

    /// <summary>Progress that advances <paramref name="clock"/> by 4 minutes as each block is announced, and kills the run (an exception, not a stop) on hearing of block <paramref name="killAt"/>.</summary>
    private static IProgress<KernelProgress> FourMinutesABlock(ManualClock clock, int killAt = int.MaxValue) =>
        new SynchronousProgress<KernelProgress>(p =>
        {
            if (!p.Phase.StartsWith("random features: block ", StringComparison.Ordinal)) return;
            if (p.Phase.StartsWith($"random features: block {killAt}/", StringComparison.Ordinal)) throw new InvalidOperationException("killed");
            clock.Advance(TimeSpan.FromMinutes(4));
        });

    private static int BlocksDone(string directory) =>
        System.Text.Json.JsonDocument.Parse(File.ReadAllText(Path.Combine(directory, "state.json"))).RootElement.GetProperty("blocksDone").GetInt32();

    /// <summary>
    /// Checkpoints on a 10-minute schedule with blocks of 4 minutes: after block 3 (12 minutes) and at the end, not after
    /// every block; the one after block 3 written from a host copy while blocks 4 and 5 went on. A run killed during block 5
    /// has lost block 4 only (at most the interval) and resumes from block 3 to the same matrices, bit for bit, as the run
    /// that was never killed and as one checkpointed after every block. The finished stream is handed to the solve from
    /// memory, value for value what its checkpoint holds.
    /// </summary>
    [Fact]
    public void Checkpoints_follow_the_schedule_and_a_kill_loses_at_most_one_interval()
    {
        var (train, test) = (Images(23, 9), Images(6, 10));
        var features = RandomConvFeatures.Create(new RandomConvConfig(Filters: 9, Seed: 5, Block: 2), train);
        foreach (var precision in new[] { Precision.Fp32, Precision.Fp64 })
        {
            var tenMinutes = new CheckpointSchedule(TimeSpan.FromMinutes(10)) { Clock = new ManualClock() };
            var (whole, killed, everyBlock) = (Path.Combine(_dir, $"whole-{precision}"), Path.Combine(_dir, $"killed-{precision}"), Path.Combine(_dir, $"every-{precision}"));
            using (var done = StreamedGram.Compute(features, train, test, precision, whole, "key", FourMinutesABlock((ManualClock)tenMinutes.Clock), schedule: tenMinutes))
            {
                Assert.Equal((5, 2, 1), (done.Timings.Blocks, done.Timings.Written, done.Timings.InBackground));
                Assert.IsNotType<Kernels.InnerProducts.InnerProductFile>(done.Train); // from memory, no read-back
                using var stored = StreamedGram.Compute(features, train, test, precision, whole, "key");
                Assert.IsType<Kernels.InnerProducts.InnerProductFile>(stored.Train); // a finished stream found later: its files
                foreach (var (memory, file) in new[] { (done.Train, stored.Train), (done.Cross, stored.Cross) })
                {
                    var (a, b) = (new double[memory.Rows * memory.Columns], new double[file.Rows * file.Columns]);
                    memory.CopyColumns(0, memory.Columns, a);
                    file.CopyColumns(0, file.Columns, b);
                    Assert.Equal(b, a);
                }
            }
            using (var every = StreamedGram.Compute(features, train, test, precision, everyBlock, "key", schedule: CheckpointSchedule.EveryBlock))
                Assert.Equal(5, every.Timings.Written);

            var clock = new ManualClock();
            var schedule = tenMinutes with { Clock = clock };
            var e = Assert.Throws<InvalidOperationException>(() => StreamedGram.Compute(features, train, test, precision, killed, "key", FourMinutesABlock(clock, killAt: 5), schedule: schedule));
            Assert.Equal("killed", e.Message);
            Assert.Equal(3, BlocksDone(killed)); // block 4 (4 minutes of work) lost, no more
            using (var resumed = StreamedGram.Compute(features, train, test, precision, killed, "key", FourMinutesABlock(clock), schedule: schedule))
                Assert.Equal(2, resumed.Timings.Blocks);
            foreach (var name in new[] { "train-5.bin", "cross-5.bin" })
            {
                Assert.Equal(File.ReadAllBytes(Path.Combine(whole, name)), File.ReadAllBytes(Path.Combine(killed, name)));
                Assert.Equal(File.ReadAllBytes(Path.Combine(whole, name)), File.ReadAllBytes(Path.Combine(everyBlock, name)));
            }
        }
    }

    /// <summary>
    /// A checkpointed Gram matrix with bytes overwritten or one NaN written in, or a state file with a key renamed,
    /// is refused with the folder named and what to do — when reused finished and when resumed — never used.
    /// </summary>
    [Fact]
    public void A_damaged_streamed_gram_is_refused_not_reused()
    {
        var (train, test) = (Images(20, 7), Images(6, 8));
        var features = RandomConvFeatures.Create(new RandomConvConfig(Filters: 6, Seed: 2, Block: 2), train);
        foreach (var stop in new[] { false, true })
        {
            var damages = new Dictionary<string, Action<string>>
            {
                ["bytes overwritten"] = dir => { using var f = File.OpenWrite(Directory.GetFiles(dir, "train-*.bin").Single()); f.Position = 100; f.Write(new byte[64]); },
                ["one NaN"] = dir => { using var f = File.OpenWrite(Directory.GetFiles(dir, "cross-*.bin").Single()); f.Position = 8 * 5; f.Write(BitConverter.GetBytes(double.NaN)); },
                ["a key renamed"] = dir => File.WriteAllText(Path.Combine(dir, "state.json"), File.ReadAllText(Path.Combine(dir, "state.json")).Replace("\"trainNorms\"", "\"trainNormz\"", StringComparison.Ordinal)),
            };
            foreach (var (what, damage) in damages)
            {
                var dir = Path.Combine(_dir, $"damaged-{stop}-{what.Replace(' ', '-')}");
                if (stop) Assert.Throws<OperationCanceledException>(() => StreamedGram.Compute(features, train, test, Precision.Fp64, dir, "key", StopBefore(2, out var cancel1), cancel1));
                else using (StreamedGram.Compute(features, train, test, Precision.Fp64, dir, "key")) { }
                damage(dir);
                var e = Assert.Throws<Rethink.Core.CorruptFileException>(() => StreamedGram.Compute(features, train, test, Precision.Fp64, dir, "key").Dispose());
                Assert.Contains($"delete the folder {dir}", e.Message);
            }
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
            // Both streams hold inner products of the same FP64 features, summed over different blocks: each within
            // gamma_d(u)|f_i|'|f_j| of the exact value (Higham (3.5)), so within twice that of each other.
            var (ftrain, ftest) = RandomConvFeatures.Create(large, train).Transform(train, test);
            var (absTrain, absCross) = (Products(ftrain, ftrain, true), Products(ftrain, ftest, true));
            var gamma = 2 * ErrorBound.Gamma((int)large.Dimension, ErrorBound.U64);
            const string derivation = "2 gamma_d(u64) |f_i|'|f_j|: two summation orders of the same products (Higham (3.5))";
            AssertWithin(kk, continued.Train, (i, j) => gamma * absTrain[i, j], "continued train Gram", derivation);
            var cross = new double[27 * 9];
            scratch.Cross.CopyColumns(0, 9, cross);
            var cc = new double[27, 9];
            for (var j = 0; j < 9; j++) for (var i = 0; i < 27; i++) cc[i, j] = cross[j * 27 + i];
            AssertWithin(cc, continued.Cross, (i, j) => gamma * absCross[i, j], "continued cross products", derivation);
            for (var i = 0; i < 27; i++) Within.Bound(scratch.Train.RowNorms[i] - continued.Train.RowNorms[i], gamma * absTrain[i, i], $"train squared norm {i}", derivation);
            for (var i = 0; i < 9; i++)
                Within.Bound(scratch.Cross.ColumnNorms[i] - continued.Cross.ColumnNorms[i], gamma * ftest.Row(i).ToArray().Sum(v => v * v), $"test squared norm {i}", derivation);
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
/// filter block) and the materialized path (features stored, Gram built by the device) solve the same
/// system. Judged against a reference K built here in double from the materialized features, by the
/// quantities that are stable on every BLAS kernel: both α are backward stable for it (Higham's Cholesky
/// bound plus the Gram's rounding, bounded entry by entry), and the predictions differ by no more than
/// ‖r₁ − r₂‖/λ_min(K) allows, with classes equal wherever the margin exceeds that.
/// </summary>
public sealed class StreamedFitTests : IDisposable
{
    // A cache of this test's own: a Gram matrix streamed earlier (by another BLAS kernel, whose float
    // convolutions round differently) must not stand in for this run's.
    private readonly string _cache = Directory.CreateTempSubdirectory("rethink-grams").FullName;

    public void Dispose() => Directory.Delete(_cache, recursive: true);

    /// <summary>A feature map that keeps what it handed the runner: the materialized features.</summary>
    private sealed class Recording(RandomConvFeatureMap inner) : IStreamedFeatureMap
    {
        public FeatureMatrix? Train { get; private set; }
        public FeatureMatrix? Test { get; private set; }
        public int[]? TrainLabels { get; private set; }
        public int[]? TestLabels { get; private set; }
        public FeatureMapConfig Config => inner.Config;
        public bool? Stream => inner.Stream;
        public long MaterializedBytes(int trainPoints, int testPoints) => inner.MaterializedBytes(trainPoints, testPoints);

        public StreamedProducts Products(PreparedData data, Precision precision, Kernels.Devices.IDenseDevice? device, string directory, IProgress<KernelProgress>? progress, CancellationToken cancel,
            CheckpointSchedule? schedule = null) =>
            inner.Products(data, precision, device, directory, progress, cancel, schedule);

        public (FeatureMatrix Train, FeatureMatrix Test, string Description) Transform(PreparedData data, IProgress<KernelProgress>? progress)
        {
            var result = inner.Transform(data, progress);
            (Train, Test, TrainLabels, TestLabels) = (result.Train, result.Test, data.TrainLabels, data.TestLabels);
            return result;
        }
    }

    private static Matrix<double> Dense(double[] columnMajor, int rows, int columns) => Matrix<double>.Build.Dense(rows, columns, columnMajor);

    [Fact]
    public void Streamed_and_materialized_fits_predict_the_same()
    {
        KernelFitConfig Config(bool stream) => new("cifar10", new GaussianSpec(BandwidthRule.Median, 1.0), Train: 300, Test: 100,
            Precision: Precision.Fp64, Features: new RandomConvConfig(Filters: 24, Grid: 3, Signs: 2, Normalize: true, Block: 7, Stream: stream));
        var data = new DataOptions(null, AllowDownload: true);
        var reference = new Recording(new RandomConvFeatureMap((RandomConvConfig)Config(false).Features!));
        var (streamed, a) = KernelFitRunner.Run(Config(true), data, features: new RandomConvFeatureMap((RandomConvConfig)Config(true).Features!), gramCache: _cache);
        var (materialized, b) = KernelFitRunner.Run(Config(false), data, features: reference, gramCache: _cache);
        using (a)
        using (b)
        {
            Assert.Contains("streamed into Gram matrices in 4 block(s)", streamed.FeatureDescription);
            Assert.DoesNotContain("streamed", materialized.FeatureDescription);
            var (train, test) = (reference.Train!, reference.Test!);
            var (n, m, d, classes) = (train.Rows, test.Rows, train.Columns, materialized.Classes);
            const double u = ErrorBound.U64;

            // The bandwidth: the median squared distance of the same sample, summed directly (materialized) or read
            // from the inner products (streamed); then the reference K and C with the materialized γ.
            var (gm, gs) = (materialized.Bandwidth!.Gamma, streamed.Bandwidth!.Gamma);
            var gammaShift = GaussianReference.GammaShift(train, gm, materialized.Bandwidth.Scale);
            Within.Bound(gs - gm, gammaShift, "gamma (streamed - materialized)",
                "the median's shift: max over pairs of the direct and from-products squared-distance errors, gamma dS / (S - dS); " +
                ErrorBound.Inputs(("S", materialized.Bandwidth.Scale), ("gamma", gm)));
            var gaussian = GaussianReference.Build(train, test, gm, gammaShift, u);
            var (k, c, gramDifference) = (gaussian.K, gaussian.Cross, gaussian.GramDifference);

            var y = Dense(Targets.OneHot(reference.TrainLabels!, classes).Values, n, classes);
            var system = new ReferenceSystem(k, y);
            var (alphaM, alphaS) = (Dense(b.Alpha, n, classes), Dense(a.Alpha, n, classes));
            system.AssertBackwardStable(alphaM, gramDifference, u, "materialized");
            system.AssertBackwardStable(alphaS, gramDifference, u, "streamed");
            var ambiguous = system.AssertPredictionsAgree(c, alphaM, Dense(materialized.Scores!, m, classes), alphaS, Dense(streamed.Scores!, m, classes),
                gaussian.CrossRowBound, u, "materialized vs streamed");
            Within.Bound(Math.Abs(materialized.TestError - streamed.TestError) * m, ambiguous, "test errors (differing predictions)",
                "at most the test points whose margin lies within the score bound");
        }
    }
}
