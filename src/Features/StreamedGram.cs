using System.Diagnostics;
using Rethink.Core;
using Rethink.Data;
using Rethink.Kernels;
using Rethink.Kernels.Devices;
using Rethink.Features;
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
/// the same matrices bit for bit. Filters are drawn in sequence from one seed, so the first f filters of
/// a larger bank are the f filters of a smaller one: a run with more filters continues from the finished
/// stream of fewer filters of the same configuration (a sibling folder whose key is this configuration's
/// key at that filter count), and pays only for the filters it adds.
/// </summary>
public static class StreamedGram
{
    /// <summary>The format identifier of a checkpoint's state file.</summary>
    public const string Format = "rethink.streamed-gram/1";

    private sealed record State(string Format, string Key, int BlocksDone, int Blocks, int Train, int Test, long Dimension, Precision Precision,
        double[] TrainNorms, double[] TestNorms, string? TrainFile, string? CrossFile, string? ContinuedFrom = null, string? TrainDigest = null, string? CrossDigest = null);

    /// <summary>What to do about a damaged checkpoint folder.</summary>
    private static string Remedy(string directory) => $"delete the folder {directory} to compute these Gram matrices again";

    /// <summary>A finished stream of the first <paramref name="Filters"/> filters of this configuration, in <paramref name="Directory"/>.</summary>
    private sealed record Prefix(string Directory, State State, int Filters);

    /// <param name="features">The feature map (its filters drawn).</param>
    /// <param name="train">Training images (not yet whitened).</param>
    /// <param name="test">Test images.</param>
    /// <param name="precision">Accumulation and storage precision.</param>
    /// <param name="directory">Checkpoint directory; its state must carry <paramref name="key"/> to be resumed.</param>
    /// <param name="key">What the matrices depend on (a hash of the feature config and the data).</param>
    /// <param name="progress">Blocks done, rate and time left.</param>
    /// <param name="cancel">Stops between blocks.</param>
    /// <param name="keyAt">
    /// The key of this configuration with fewer filters (the same function that made <paramref name="key"/>):
    /// when given and this folder holds no checkpoint, the run continues from the largest finished stream of
    /// f &lt; Filters filters among the sibling folders whose key is keyAt(f).
    /// </param>
    /// <param name="device">
    /// The device of the solve, when it accumulates products itself (the GPU): the syrk and gemm run there, and when it
    /// keeps K and C in its memory (<see cref="IResidentGramAccumulator"/>) the features are computed there too
    /// (<see cref="DeviceRandomFeatures"/>); otherwise everything runs on the host (its BLAS).
    /// </param>
    /// <param name="schedule">When checkpoints are written (default <see cref="CheckpointSchedule.Default"/>).</param>
    public static StreamedProducts Compute(RandomConvFeatures features, ImageTensor train, ImageTensor test, Precision precision, string directory, string key,
        IProgress<KernelProgress>? progress = null, CancellationToken cancel = default, Func<int, string>? keyAt = null,
        IStreamingDevice? device = null, CheckpointSchedule? schedule = null)
    {
        schedule ??= CheckpointSchedule.Default;
        schedule.Validate();
        return precision == Precision.Fp64
            ? Compute<double>(features, train, test, directory, key, progress, cancel, keyAt, device, schedule)
            : Compute<float>(features, train, test, directory, key, progress, cancel, keyAt, device, schedule);
    }

    private static unsafe StreamedProducts Compute<T>(RandomConvFeatures features, ImageTensor train, ImageTensor test, string directory, string key,
        IProgress<KernelProgress>? progress, CancellationToken cancel, Func<int, string>? keyAt, IStreamingDevice? device, CheckpointSchedule schedule)
        where T : unmanaged, System.Numerics.IFloatingPoint<T>
    {
        var precision = typeof(T) == typeof(double) ? Precision.Fp64 : Precision.Fp32;
        var config = features.Config;
        int n = train.Count, m = test.Count;
        var block = features.BlockFilters;
        var size = sizeof(T);
        Directory.CreateDirectory(directory);
        AtomicFile.RemoveOrphans(directory);
        var state = Load(Path.Combine(directory, "state.json"), key, n, m, precision);
        if (state is not null && FiltersDone(state, config) == config.Filters)
            return Products(directory, state, config, precision);
        var prefix = state is null && keyAt is not null ? FindPrefix(directory, config, n, m, precision, keyAt) : null;

        var width = block * config.FeaturesPerFilter;
        var need = ((long)n * n + (long)n * m) * size + (long)(n + m) * width * (4 + size) + 2L * train.Data.LongLength * 4;
        if (need > MemoryBudget.Available())
            throw new InsufficientMemoryException(
                $"The streamed Gram matrices for {n:N0} training and {m:N0} test points in {precision.ToString().ToLowerInvariant()} need {MemoryBudget.Gigabytes(need)}; {MemoryBudget.Gigabytes(MemoryBudget.Available())} available. Options: FP32 precision, fewer training or test points, or fewer filters per block.");
        var k = new NativeBuffer<T>((long)n * n);
        var c = new NativeBuffer<T>((long)n * m);
        StreamedProducts? result = null;
        try
        {
            result = Stream(features, train, test, directory, key, progress, cancel, device, schedule, state, prefix, k, c);
            return result;
        }
        finally
        {
            if (result?.Train is not InnerProductBuffer<T>)
            {
                k.Dispose();
                c.Dispose();
            }
        }
    }

    /// <summary>The blocks not yet done, accumulated into <paramref name="k"/> and <paramref name="c"/> (from the checkpoint or prefix, if any).</summary>
    private static unsafe StreamedProducts Stream<T>(RandomConvFeatures features, ImageTensor train, ImageTensor test, string directory, string key,
        IProgress<KernelProgress>? progress, CancellationToken cancel, IStreamingDevice? device, CheckpointSchedule schedule, State? state, Prefix? prefix,
        NativeBuffer<T> k, NativeBuffer<T> c) where T : unmanaged, System.Numerics.IFloatingPoint<T>
    {
        var precision = typeof(T) == typeof(double) ? Precision.Fp64 : Precision.Fp32;
        var config = features.Config;
        int n = train.Count, m = test.Count;
        var block = features.BlockFilters;
        var trainNorms = new double[n];
        var testNorms = new double[m];
        var (start, blocksDone, continuedFrom) = (0, 0, (string?)null);
        if ((state ?? prefix?.State) is { } earlier)
        {
            var from = state is not null ? directory : prefix!.Directory;
            Read(Path.Combine(from, earlier.TrainFile!), k, earlier.TrainDigest, from);
            Read(Path.Combine(from, earlier.CrossFile!), c, earlier.CrossDigest, from);
            (trainNorms, testNorms) = ((double[])earlier.TrainNorms.Clone(), (double[])earlier.TestNorms.Clone());
            (start, blocksDone) = (FiltersDone(earlier, config), earlier.BlocksDone);
            continuedFrom = state is not null ? state.ContinuedFrom
                : $"continued from the finished {prefix!.Filters:N0}-filter stream in {prefix.Directory} (filters 1-{prefix.Filters})";
        }
        else
        {
            Clear(k);
            Clear(c);
        }
        // Blocks of `block` filters from the first filter not yet done (a resumed run keeps its grid).
        var blocks = blocksDone + (config.Filters - start + block - 1) / block;

        var (whiteTrain, whiteTest) = (RandomConvFeatures.Whitened(train), RandomConvFeatures.Whitened(test));
        var watch = Stopwatch.StartNew();
        var blocksThisCall = 0;
        var timings = new PhaseTimes();
        using var accumulator = GramAccumulators.Open(device, precision, (nint)k.Pointer, (nint)c.Pointer, n, m);
        timings.Where = accumulator.Where;
        // K and C on the device: the features are computed there too, and never cross the bus.
        var resident = accumulator as IResidentGramAccumulator;
        using var onDevice = resident is null ? null : new DeviceRandomFeatures(features, whiteTrain, whiteTest, resident.Blas);
        timings.FeaturesWhere = onDevice?.Where ?? "the CPU";
        // Disposed before K and C: a checkpoint still being written from them is waited for first.
        using var writer = new CheckpointWriter<T>(directory, key, n, m, precision, k, c, accumulator, schedule, state, continuedFrom, timings);
        var (b, first) = (blocksDone, start);
        try
        {
            for (; first < config.Filters; b++, first += block)
            {
                cancel.ThrowIfCancellationRequested();
                var count = Math.Min(block, config.Filters - first);
                var rate = blocksThisCall == 0 ? "" : $", {60 * blocksThisCall * block / watch.Elapsed.TotalSeconds:F0} filters/min, about {Durations(TimeSpan.FromSeconds(watch.Elapsed.TotalSeconds / blocksThisCall * (blocks - b)))} left";
                progress?.Report(new KernelProgress($"random features: block {b + 1}/{blocks} (filters {first + 1}-{first + count}){rate}", (double)b / blocks));
                cancel.ThrowIfCancellationRequested(); // cancelled on hearing of this block: stop with the earlier ones checkpointed
                var w = count * config.FeaturesPerFilter;
                var phase = Stopwatch.StartNew();
                if (onDevice is not null)
                {
                    var (da, db, na, nb) = onDevice.Block<T>(first, count);
                    for (var i = 0; i < n; i++) trainNorms[i] += na[i];
                    for (var i = 0; i < m; i++) testNorms[i] += nb[i];
                    timings.Features += phase.Elapsed.TotalSeconds;
                    phase.Restart();
                    resident!.Add(da, db, w);
                    using (resident.Blas.Enter()) resident.Blas.Accelerator.Synchronize(); // the block's products timed as theirs
                }
                else
                {
                    var (fa, fb) = (features.ApplyBlock(whiteTrain, first, count), features.ApplyBlock(whiteTest, first, count));
                    var (ta, tb) = (Convert<T>(fa), Convert<T>(fb));
                    FeatureStatistics.Standardize<T>(ta, tb, n, m, w);
                    AddSquares(ta, trainNorms, w);
                    AddSquares(tb, testNorms, w);
                    timings.Features += phase.Elapsed.TotalSeconds;
                    phase.Restart();
                    fixed (T* pa = ta)
                    fixed (T* pb = tb)
                        accumulator.Add((nint)pa, (nint)pb, w);
                }
                timings.Products += phase.Elapsed.TotalSeconds;
                timings.Blocks++;
                blocksThisCall++;
                if (first + count < config.Filters && writer.Due)
                    writer.Write(b + 1, blocks, (long)(first + count) * config.FeaturesPerFilter, trainNorms, testNorms, background: true);
            }
        }
        catch (OperationCanceledException)
        {
            // Stopped between blocks: keep every finished block (a kill, unlike a stop, loses the blocks since the last checkpoint).
            if (b > writer.BlocksWritten) writer.Write(b, blocks, (long)first * config.FeaturesPerFilter, trainNorms, testNorms, background: false);
            throw;
        }
        if (b > writer.BlocksWritten) writer.Write(b, blocks, (long)config.Filters * config.FeaturesPerFilter, trainNorms, testNorms, background: false);
        progress?.Report(new KernelProgress("random features: Gram matrices done", 1));
        return Resident(writer.State!, config, k, c, accumulator, timings) ?? Products(directory, writer.State!, config, precision, timings);
    }

    /// <summary>
    /// Writes checkpoints on a <see cref="CheckpointSchedule"/>: in line (the stream waits), or from a host copy while the
    /// next blocks accumulate — the host's K and C themselves when the device keeps its own (the GPU), else a snapshot
    /// when a second copy fits in memory. One write at a time; a write's failure surfaces at the next checkpoint.
    /// </summary>
    private sealed unsafe class CheckpointWriter<T>(string directory, string key, int n, int m, Precision precision, NativeBuffer<T> k, NativeBuffer<T> c,
        IGramAccumulator accumulator, CheckpointSchedule schedule, State? state, string? continuedFrom, PhaseTimes timings) : IDisposable where T : unmanaged
    {
        private long _since = schedule.Clock.GetTimestamp();
        private Task<State>? _pending;
        private (NativeBuffer<T> K, NativeBuffer<T> C)? _snapshot;
        private bool _snapshotTried;

        /// <summary>The latest checkpoint written (null: none yet in this folder).</summary>
        public State? State { get; private set; } = state;

        /// <summary>Blocks in the latest checkpoint, written or being written.</summary>
        public int BlocksWritten { get; private set; } = state?.BlocksDone ?? 0;

        /// <summary>Whether the schedule's interval has passed since the last checkpoint.</summary>
        public bool Due => schedule.Clock.GetElapsedTime(_since) >= schedule.Every;

        public void Write(int blocksDone, int blocks, long dimension, double[] trainNorms, double[] testNorms, bool background)
        {
            var wait = Stopwatch.StartNew();
            Finish(); // the host copy changes next: the previous write must be done with it
            accumulator.Flush();
            var (trainCopy, testCopy) = ((double[])trainNorms.Clone(), (double[])testNorms.Clone());
            var (sourceK, sourceC) = background ? Source() : (null, null);
            BlocksWritten = blocksDone;
            if (sourceK is null)
                State = Checkpoint(directory, key, blocksDone, blocks, n, m, dimension, precision, trainCopy, testCopy, k, c, State, continuedFrom);
            else
            {
                var previous = State;
                _pending = Task.Run(() =>
                {
                    var clock = Stopwatch.StartNew();
                    var written = Checkpoint(directory, key, blocksDone, blocks, n, m, dimension, precision, trainCopy, testCopy, sourceK, sourceC!, previous, continuedFrom);
                    lock (timings) timings.Background += clock.Elapsed.TotalSeconds;
                    return written;
                });
                timings.InBackground++;
            }
            timings.Written++;
            timings.Checkpoints += wait.Elapsed.TotalSeconds;
            _since = schedule.Clock.GetTimestamp();
        }

        /// <summary>The copy a background write reads: the host's matrices when the device has its own, a snapshot when one fits, else none (write in line).</summary>
        private (NativeBuffer<T>? K, NativeBuffer<T>? C) Source()
        {
            if (accumulator.Resident) return (k, c);
            if (!_snapshotTried)
            {
                _snapshotTried = true;
                if (SecondCopyFits(k, c))
                    _snapshot = (new NativeBuffer<T>(k.Length), new NativeBuffer<T>(c.Length));
            }
            if (_snapshot is not { } copy) return (null, null);
            CopyInto(k, copy.K);
            CopyInto(c, copy.C);
            return copy;
        }

        private static void CopyInto(NativeBuffer<T> from, NativeBuffer<T> to)
        {
            const long chunk = 1 << 24;
            Parallel.For(0, (from.Length + chunk - 1) / chunk, i =>
            {
                var offset = i * chunk;
                var length = (int)Math.Min(chunk, from.Length - offset);
                new ReadOnlySpan<T>(from.Pointer + offset, length).CopyTo(new Span<T>(to.Pointer + offset, length));
            });
        }

        /// <summary>Waits for the write in progress; its failure is thrown here.</summary>
        public void Finish()
        {
            if (_pending is null) return;
            try { State = _pending.GetAwaiter().GetResult(); }
            finally { _pending = null; }
        }

        public void Dispose()
        {
            // On the way out of a failure: let a write in progress end (atomically, or not at all) before its source is freed.
            try { _pending?.Wait(); }
            catch (AggregateException) { }
            _snapshot?.K.Dispose();
            _snapshot?.C.Dispose();
        }
    }

    /// <summary>
    /// The finished stream's matrices where they were accumulated — on the accelerator too when the device keeps room for
    /// the solve's own K beside them (the GPU's solve then copies them device to device), in host memory when the host's
    /// solve has room for its copy — with no read-back of the checkpoint; null otherwise (the caller frees them and the
    /// solve reads the files).
    /// </summary>
    private static unsafe StreamedProducts? Resident<T>(State state, RandomConvConfig config, NativeBuffer<T> k, NativeBuffer<T> c, IGramAccumulator accumulator, PhaseTimes timings)
        where T : unmanaged, System.Numerics.IFloatingPoint<T>
    {
        var (n, m) = (state.Train, state.Test);
        var resident = accumulator as IResidentGramAccumulator;
        var onDevice = resident?.Release<T>(reserve: (long)n * n * sizeof(T) + (512L << 20));
        if (onDevice is null && !SecondCopyFits(k, c)) return null;
        var dimension = (int)Math.Min(int.MaxValue, state.Dimension);
        // The last checkpoint mirrored K's lower triangle into its upper one (and Release did on the device): K is whole.
        InnerProductBuffer<T> train, cross;
        if (onDevice is var (deviceK, deviceC))
        {
            var blas = resident!.Blas;
            train = new InnerProductBuffer<T>(k, deviceK, blas, n, n, dimension, symmetric: true, state.TrainNorms, state.TrainNorms);
            cross = new InnerProductBuffer<T>(c, deviceC, blas, n, m, dimension, symmetric: false, state.TrainNorms, state.TestNorms);
            timings.ResidentOn = blas.Name;
        }
        else
        {
            train = new InnerProductBuffer<T>(k, n, n, dimension, symmetric: true, state.TrainNorms, state.TrainNorms);
            cross = new InnerProductBuffer<T>(c, n, m, dimension, symmetric: false, state.TrainNorms, state.TestNorms);
        }
        timings.Resident = true;
        return new StreamedProducts(train, cross, Describe(state, config, timings), timings.ToTimings());
    }

    private static State? Load(string path, string key, int n, int m, Precision precision)
    {
        var state = File.Exists(path) ? SealedJson.Deserialize<State>(File.ReadAllText(path), path, Remedy(Path.GetDirectoryName(path)!)) : null;
        return state is not null && Belongs(state, key, n, m, precision) ? state : null;
    }

    /// <summary>Whether a checkpoint is this configuration's (another configuration's is not).</summary>
    private static bool Belongs(State state, string key, int n, int m, Precision precision) =>
        state.Format == Format && state.Key == key && state.Train == n && state.Test == m && state.Precision == precision;

    /// <summary>Filters whose features are in a state's matrices (the state stores the features done).</summary>
    private static int FiltersDone(State state, RandomConvConfig config) => (int)(state.Dimension / config.FeaturesPerFilter);

    /// <summary>
    /// The largest finished stream of the first f &lt; Filters filters of this configuration among the
    /// sibling folders: its key is keyAt(f), so its filters, images and precision are this run's.
    /// </summary>
    private static Prefix? FindPrefix(string directory, RandomConvConfig config, int n, int m, Precision precision, Func<int, string> keyAt)
    {
        var parent = Path.GetDirectoryName(Path.GetFullPath(directory));
        if (parent is null || !Directory.Exists(parent)) return null;
        Prefix? best = null;
        foreach (var sibling in Directory.EnumerateDirectories(parent))
        {
            var path = Path.Combine(sibling, "state.json");
            if (Path.GetFullPath(sibling) == Path.GetFullPath(directory) || !File.Exists(path)) continue;
            State? state;
            try { state = SealedJson.Deserialize<State>(File.ReadAllText(path), path, Remedy(sibling)); }
            catch (CorruptFileException) { continue; } // not a stream of ours, or damaged: never a prefix
            if (state.Dimension % config.FeaturesPerFilter != 0) continue;
            var filters = FiltersDone(state, config);
            if (filters < 1 || filters >= config.Filters || filters <= (best?.Filters ?? 0)) continue;
            if (!Belongs(state, keyAt(filters), n, m, precision)) continue;
            if (!File.Exists(Path.Combine(sibling, state.TrainFile!)) || !File.Exists(Path.Combine(sibling, state.CrossFile!))) continue;
            best = new Prefix(sibling, state, filters);
        }
        return best;
    }

    /// <summary>Seconds spent by this call in each phase of the blocks it computed.</summary>
    private sealed class PhaseTimes
    {
        public double Features, Products, Checkpoints, Background;
        public int Blocks, Written, InBackground;
        public bool Resident;
        public string? Where, FeaturesWhere, ResidentOn;

        public StreamTimings ToTimings() => new(Blocks, Features, Products, Checkpoints, Written, InBackground, Background);

        public override string ToString() => Blocks == 0 ? "all blocks from an earlier run"
            : $"{Blocks} block(s) here: features (convolution, pooling, standardization) on {FeaturesWhere} {Features:F1} s, syrk+gemm on {Where} {Products:F1} s, " +
              $"{Written} checkpoint(s) {Checkpoints:F1} s in line{(InBackground > 0 ? $" ({InBackground} written while blocks went on, {Background:F1} s)" : "")}" +
              (Resident ? $"; the solve takes K and C from memory{(ResidentOn is null ? "" : $" (and from {ResidentOn}, device to device)")}" : "");
    }

    private static string Describe(State state, RandomConvConfig config, PhaseTimes timings) =>
        $"{config.Describe()}; {config.Dimension:N0} features, streamed into Gram matrices in {state.Blocks} block(s) of filters (the features are never stored; {timings}{(state.ContinuedFrom is { } from ? $"; {from}" : "")})";

    /// <summary>Whether a second K and C (a checkpoint's snapshot, or the host solve's own K) fit in memory now, leaving a quarter of their size for everything else.</summary>
    private static unsafe bool SecondCopyFits<T>(NativeBuffer<T> k, NativeBuffer<T> c) where T : unmanaged =>
        MemoryBudget.Available() > (k.Length + c.Length) * sizeof(T) * 5 / 4;

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
        double[] trainNorms, double[] testNorms, NativeBuffer<T> k, NativeBuffer<T> c, State? previous, string? continuedFrom) where T : unmanaged
    {
        // The products are read column by column: store K whole (its upper triangle from the lower one syrk fills).
        TiledGram.MirrorLower(k.Pointer, n);
        var (trainFile, crossFile) = ($"train-{blocksDone}.bin", $"cross-{blocksDone}.bin");
        var trainDigest = Write(Path.Combine(directory, trainFile), k);
        var crossDigest = Write(Path.Combine(directory, crossFile), c);
        var state = new State(Format, key, blocksDone, blocks, n, m, dimension, precision, (double[])trainNorms.Clone(), (double[])testNorms.Clone(), trainFile, crossFile, continuedFrom,
            trainDigest, crossDigest);
        AtomicFile.WriteAllText(Path.Combine(directory, "state.json"), SealedJson.Serialize(state));
        foreach (var old in new[] { previous?.TrainFile, previous?.CrossFile }.OfType<string>().Where(f => f != trainFile && f != crossFile))
            File.Delete(Path.Combine(directory, old));
        return state;
    }

    /// <returns>The checksum of the bytes written.</returns>
    private static unsafe string Write<T>(string path, NativeBuffer<T> buffer) where T : unmanaged
    {
        var digest = new ContentDigest();
        AtomicFile.Write(path, stream =>
        {
            var bytes = (byte*)buffer.Pointer;
            var total = buffer.Length * sizeof(T);
            for (long offset = 0; offset < total; offset += 1 << 30)
            {
                var chunk = new ReadOnlySpan<byte>(bytes + offset, (int)Math.Min(1 << 30, total - offset));
                digest.Append(chunk);
                stream.Write(chunk);
            }
        });
        return digest.Value;
    }

    /// <summary>Reads a checkpointed matrix, verifying its size and its checksum (a damaged file is never used).</summary>
    private static unsafe void Read<T>(string path, NativeBuffer<T> buffer, string? expected, string directory) where T : unmanaged
    {
        var total = buffer.Length * sizeof(T);
        if (!File.Exists(path)) throw new CorruptFileException(path, "missing (the state names it)", Remedy(directory));
        if (new FileInfo(path).Length != total) throw new CorruptFileException(path, $"{new FileInfo(path).Length:N0} bytes where the state says {total:N0}", Remedy(directory));
        var digest = new ContentDigest();
        using var handle = File.OpenHandle(path);
        var bytes = (byte*)buffer.Pointer;
        for (long offset = 0; offset < total;)
        {
            var span = new Span<byte>(bytes + offset, (int)Math.Min(1 << 30, total - offset));
            var read = RandomAccess.Read(handle, span, offset);
            if (read <= 0) throw new CorruptFileException(path, $"ended at byte {offset:N0} of {total:N0}", Remedy(directory));
            digest.Append(span[..read]);
            offset += read;
        }
        Verify(path, digest.Value, expected, directory);
    }

    private static void Verify(string path, string actual, string? expected, string directory)
    {
        if (expected is null) throw new CorruptFileException(path, "its state records no checksum for it (written by an older Rethink)", Remedy(directory));
        if (!string.Equals(actual, expected, StringComparison.Ordinal)) throw new CorruptFileException(path, "its content does not match the checksum in state.json (damaged or edited)", Remedy(directory));
    }

    private static StreamedProducts Products(string directory, State state, RandomConvConfig config, Precision precision, PhaseTimes? timings = null)
    {
        // A finished stream from an earlier run is read column by column later: verify it whole now (once).
        if (timings is null)
            foreach (var (file, digest) in new[] { (state.TrainFile!, state.TrainDigest), (state.CrossFile!, state.CrossDigest) })
            {
                var path = Path.Combine(directory, file);
                if (!File.Exists(path)) throw new CorruptFileException(path, "missing (the state names it)", Remedy(directory));
                Verify(path, ContentDigest.OfFile(path), digest, directory);
            }
        var dimension = (int)Math.Min(int.MaxValue, state.Dimension);
        var trainFile = new InnerProductFile(Path.Combine(directory, state.TrainFile!), precision, state.Train, state.Train, dimension, symmetric: true, state.TrainNorms, state.TrainNorms);
        var crossFile = new InnerProductFile(Path.Combine(directory, state.CrossFile!), precision, state.Train, state.Test, dimension, symmetric: false, state.TrainNorms, state.TestNorms);
        timings ??= new PhaseTimes();
        return new StreamedProducts(trainFile, crossFile, Describe(state, config, timings),
            timings.ToTimings());
    }
}
