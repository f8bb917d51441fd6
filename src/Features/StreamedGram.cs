using System.Diagnostics;
using Rethink.Core;
using Rethink.Data;
using Rethink.Kernels;
using Rethink.Kernels.FeatureMaps;
using Rethink.Kernels.InnerProducts;
using Rethink.Kernels.Native;

namespace Rethink.Features;

/// <summary>
/// The Gram matrices of random convolutional features, accumulated block by block of filters so that
/// the features themselves are never stored: for each block, its features for the training and test
/// images (GEMM convolution, rectification and pooling), standardized with the block's training
/// statistics (standardization is per feature, so it streams), then K += F Fᵀ (syrk, train × train),
/// C += F Tᵀ (gemm, train × test) and the squared norms; the block is dropped. Memory: K, C and one
/// block. After every block both matrices and the norms are checkpointed (versioned files, then the
/// state file, each written atomically), so an interrupted run continues where it stopped and reaches
/// the same matrices bit for bit.
/// </summary>
public static class StreamedGram
{
    public const string Format = "rethink.streamed-gram/1";

    private sealed record State(string Format, string Key, int BlocksDone, int Blocks, int Train, int Test, long Dimension, Precision Precision,
        double[] TrainNorms, double[] TestNorms, string? TrainFile, string? CrossFile);

    /// <param name="features">The feature map (its filters drawn).</param>
    /// <param name="train">Training images (not yet whitened).</param>
    /// <param name="test">Test images.</param>
    /// <param name="precision">Accumulation and storage precision.</param>
    /// <param name="directory">Checkpoint directory; its state must carry <paramref name="key"/> to be resumed.</param>
    /// <param name="key">What the matrices depend on (a hash of the feature config and the data).</param>
    /// <param name="progress">Blocks done, rate and time left.</param>
    /// <param name="cancel">Stops between blocks.</param>
    /// <param name="stopAfterBlocks">Stop after this many blocks of this call, as if killed after a checkpoint (for resume tests).</param>
    public static StreamedProducts Compute(RandomConvFeatures features, ImageTensor train, ImageTensor test, Precision precision, string directory, string key,
        IProgress<KernelProgress>? progress = null, CancellationToken cancel = default, int? stopAfterBlocks = null) =>
        precision == Precision.Fp64
            ? Compute<double>(features, train, test, directory, key, progress, cancel, stopAfterBlocks)
            : Compute<float>(features, train, test, directory, key, progress, cancel, stopAfterBlocks);

    private static unsafe StreamedProducts Compute<T>(RandomConvFeatures features, ImageTensor train, ImageTensor test, string directory, string key,
        IProgress<KernelProgress>? progress, CancellationToken cancel, int? stopAfterBlocks) where T : unmanaged, System.Numerics.IFloatingPoint<T>
    {
        var precision = typeof(T) == typeof(double) ? Precision.Fp64 : Precision.Fp32;
        var config = features.Config;
        int n = train.Count, m = test.Count;
        var block = features.BlockFilters;
        var blocks = (config.Filters + block - 1) / block;
        var size = sizeof(T);
        Directory.CreateDirectory(directory);
        var statePath = Path.Combine(directory, "state.json");
        var state = File.Exists(statePath) ? Json.Deserialize<State>(File.ReadAllText(statePath), statePath) : null;
        if (state is not null && (state.Format != Format || state.Key != key || state.Train != n || state.Test != m || state.Precision != precision))
            state = null; // another configuration's checkpoint: start over
        if (state is { BlocksDone: var done } && done == blocks)
            return Products(directory, state, config, precision);

        var width = block * config.FeaturesPerFilter;
        var need = ((long)n * n + (long)n * m) * size + (long)(n + m) * width * (4 + size) + 2L * train.Data.LongLength * 4;
        if (need > MemoryBudget.Available())
            throw new InsufficientMemoryException(
                $"The streamed Gram matrices for {n:N0} training and {m:N0} test points in {precision.ToString().ToLowerInvariant()} need {MemoryBudget.Gigabytes(need)}; {MemoryBudget.Gigabytes(MemoryBudget.Available())} available. Options: --precision fp32, a smaller --train or --test, or a smaller feature block (--feature-options block=…).");
        using var k = new NativeBuffer<T>((long)n * n);
        using var c = new NativeBuffer<T>((long)n * m);
        var trainNorms = new double[n];
        var testNorms = new double[m];
        var start = 0;
        if (state is not null)
        {
            Read(Path.Combine(directory, state.TrainFile!), k);
            Read(Path.Combine(directory, state.CrossFile!), c);
            (trainNorms, testNorms, start) = (state.TrainNorms, state.TestNorms, state.BlocksDone);
        }
        else
        {
            Clear(k);
            Clear(c);
        }

        var (whiteTrain, whiteTest) = (RandomConvFeatures.Whitened(train), RandomConvFeatures.Whitened(test));
        var watch = Stopwatch.StartNew();
        var blocksThisCall = 0;
        var timings = new PhaseTimes();
        for (var b = start; b < blocks; b++)
        {
            cancel.ThrowIfCancellationRequested();
            var first = b * block;
            var count = Math.Min(block, config.Filters - first);
            var rate = blocksThisCall == 0 ? "" : $", {60 * blocksThisCall * block / watch.Elapsed.TotalSeconds:F0} filters/min, about {Durations(TimeSpan.FromSeconds(watch.Elapsed.TotalSeconds / blocksThisCall * (blocks - b)))} left";
            progress?.Report(new KernelProgress($"random features: block {b + 1}/{blocks} (filters {first + 1}-{first + count}){rate}", (double)b / blocks));
            var w = count * config.FeaturesPerFilter;
            var phase = Stopwatch.StartNew();
            var (fa, fb) = (features.ApplyBlock(whiteTrain, first, count), features.ApplyBlock(whiteTest, first, count));
            var (ta, tb) = (Convert<T>(fa), Convert<T>(fb));
            FeatureStatistics.Standardize<T>(ta, tb, n, m, w);
            AddSquares(ta, trainNorms, w);
            AddSquares(tb, testNorms, w);
            timings.Features += phase.Elapsed.TotalSeconds;
            phase.Restart();
            fixed (T* pa = ta)
            fixed (T* pb = tb)
            {
                NativeLinearAlgebra.Syrk('T', n, w, T.One, pa, w, T.One, k.Pointer, n);
                NativeLinearAlgebra.Gemm('T', 'N', n, m, w, T.One, pa, w, pb, w, T.One, c.Pointer, n);
            }
            timings.Products += phase.Elapsed.TotalSeconds;
            phase.Restart();
            state = Checkpoint(directory, key, b + 1, blocks, n, m, (long)(first + count) * config.FeaturesPerFilter, precision, trainNorms, testNorms, k, c, state);
            timings.Checkpoints += phase.Elapsed.TotalSeconds;
            timings.Blocks++;
            blocksThisCall++;
            if (blocksThisCall == stopAfterBlocks && b + 1 < blocks)
                throw new OperationCanceledException($"Stopped after {blocksThisCall} block(s), as asked.");
        }
        progress?.Report(new KernelProgress("random features: Gram matrices done", 1));
        return Products(directory, state!, config, precision, timings);
    }

    /// <summary>Seconds spent by this call in each phase of the blocks it computed.</summary>
    private sealed class PhaseTimes
    {
        public double Features, Products, Checkpoints;
        public int Blocks;

        public override string ToString() => Blocks == 0 ? "all blocks from an earlier run"
            : $"{Blocks} block(s) here: features (convolution, pooling, standardization) {Features:F1} s, syrk+gemm {Products:F1} s, checkpoints {Checkpoints:F1} s";
    }

    private static string Durations(TimeSpan t) => t.TotalHours >= 2 ? $"{t.TotalHours:F1} h" : t.TotalMinutes >= 1 ? $"{t.TotalMinutes:F0} min" : $"{t.TotalSeconds:F0} s";

    private static T[] Convert<T>(float[] values) where T : unmanaged, System.Numerics.IFloatingPoint<T>
    {
        if (typeof(T) == typeof(float)) return (T[])(object)values;
        var result = new T[values.LongLength];
        Parallel.For(0, (int)Math.Min(values.LongLength, int.MaxValue), i => result[i] = T.CreateTruncating(values[i]));
        return result;
    }

    private static void AddSquares<T>(T[] rows, double[] norms, int width) where T : unmanaged, System.Numerics.IFloatingPoint<T> =>
        Parallel.For(0, norms.Length, i =>
        {
            double s = 0;
            var row = rows.AsSpan((int)((long)i * width), width);
            foreach (var v in row) { var d = double.CreateTruncating(v); s += d * d; }
            norms[i] += s;
        });

    private static unsafe void Clear<T>(NativeBuffer<T> buffer) where T : unmanaged
    {
        var bytes = (byte*)buffer.Pointer;
        var total = buffer.Length * sizeof(T);
        for (long offset = 0; offset < total; offset += int.MaxValue)
            new Span<byte>(bytes + offset, (int)Math.Min(int.MaxValue, total - offset)).Clear();
    }

    private static unsafe State Checkpoint<T>(string directory, string key, int blocksDone, int blocks, int n, int m, long dimension, Precision precision,
        double[] trainNorms, double[] testNorms, NativeBuffer<T> k, NativeBuffer<T> c, State? previous) where T : unmanaged
    {
        // The products are read column by column: store K whole (its upper triangle from the lower one syrk fills).
        TiledGram.MirrorLower(k.Pointer, n);
        var (trainFile, crossFile) = ($"train-{blocksDone}.bin", $"cross-{blocksDone}.bin");
        Write(Path.Combine(directory, trainFile), k);
        Write(Path.Combine(directory, crossFile), c);
        var state = new State(Format, key, blocksDone, blocks, n, m, dimension, precision, (double[])trainNorms.Clone(), (double[])testNorms.Clone(), trainFile, crossFile);
        AtomicFile.WriteAllText(Path.Combine(directory, "state.json"), Json.Serialize(state));
        foreach (var old in new[] { previous?.TrainFile, previous?.CrossFile }.OfType<string>().Where(f => f != trainFile && f != crossFile))
            File.Delete(Path.Combine(directory, old));
        return state;
    }

    private static unsafe void Write<T>(string path, NativeBuffer<T> buffer) where T : unmanaged =>
        AtomicFile.Write(path, stream =>
        {
            var bytes = (byte*)buffer.Pointer;
            var total = buffer.Length * sizeof(T);
            for (long offset = 0; offset < total; offset += 1 << 30)
                stream.Write(new ReadOnlySpan<byte>(bytes + offset, (int)Math.Min(1 << 30, total - offset)));
        });

    private static unsafe void Read<T>(string path, NativeBuffer<T> buffer) where T : unmanaged
    {
        var total = buffer.Length * sizeof(T);
        if (new FileInfo(path).Length != total) throw new InvalidDataException($"{path}: {new FileInfo(path).Length:N0} bytes; expected {total:N0}. Delete the folder to start over.");
        using var handle = File.OpenHandle(path);
        var bytes = (byte*)buffer.Pointer;
        for (long offset = 0; offset < total;)
        {
            var read = RandomAccess.Read(handle, new Span<byte>(bytes + offset, (int)Math.Min(1 << 30, total - offset)), offset);
            if (read <= 0) throw new EndOfStreamException($"{path}: ended at byte {offset:N0}.");
            offset += read;
        }
    }

    private static StreamedProducts Products(string directory, State state, RandomConvConfig config, Precision precision, PhaseTimes? timings = null)
    {
        var dimension = (int)Math.Min(int.MaxValue, state.Dimension);
        var trainFile = new InnerProductFile(Path.Combine(directory, state.TrainFile!), precision, state.Train, state.Train, dimension, symmetric: true, state.TrainNorms, state.TrainNorms);
        var crossFile = new InnerProductFile(Path.Combine(directory, state.CrossFile!), precision, state.Train, state.Test, dimension, symmetric: false, state.TrainNorms, state.TestNorms);
        return new StreamedProducts(trainFile, crossFile, $"{config.Describe()}; {config.Dimension:N0} features, streamed into Gram matrices in {state.Blocks} block(s) of filters (the features are never stored; {timings ?? new PhaseTimes()})");
    }
}
