using Rethink.Deep;
using Xunit;
using TorchSharp;
using static TorchSharp.torch;

namespace Rethink.Deep.Tests;

/// <summary>
/// The rules of <see cref="DataParallel"/>, with two "processes" as two threads over an in-memory
/// reduction (the MPI path is tested end to end under mpirun in the console tests): the share-weighted sum
/// of the processes' gradients is the gradient of the whole batch's mean loss, and BatchNorm's running
/// statistics after a step are rank 0's on every process (DDP's broadcast_buffers).
/// </summary>
public sealed class DataParallelRuleTests
{
    /// <summary>Two ranks meeting at a barrier; sums and broadcasts in float64 as MPI's would in its type.</summary>
    private sealed class Bus
    {
        public readonly Barrier Barrier = new(2);
        public readonly double[][] Slots = new double[2][];
    }

    private sealed class ThreadReduction(int rank, Bus bus) : IGradientReduction
    {
        public int Rank => rank;
        public int Size => 2;

        public void SumInPlace(float[] buffer)
        {
            var sum = Exchange(buffer.Select(v => (double)v).ToArray(), broadcast: false);
            for (var i = 0; i < buffer.Length; i++) buffer[i] = (float)sum[i];
        }

        public void SumInPlace(double[] buffer) => Exchange(buffer, broadcast: false).CopyTo(buffer, 0);

        public void BroadcastFromRoot(float[] buffer)
        {
            var root = Exchange(buffer.Select(v => (double)v).ToArray(), broadcast: true);
            for (var i = 0; i < buffer.Length; i++) buffer[i] = (float)root[i];
        }

        public void BroadcastFromRoot(double[] buffer) => Exchange(buffer, broadcast: true).CopyTo(buffer, 0);

        private double[] Exchange(double[] mine, bool broadcast)
        {
            bus.Slots[rank] = (double[])mine.Clone();
            bus.Barrier.SignalAndWait();
            var result = broadcast ? (double[])bus.Slots[0].Clone() : bus.Slots[0].Zip(bus.Slots[1], (a, b) => a + b).ToArray();
            bus.Barrier.SignalAndWait();
            return result;
        }
    }

    private static bool Same(Tensor a, Tensor b) => a.shape.SequenceEqual(b.shape) && a.eq(b).all().item<bool>();

    private static void OnTwoRanks(Action<DataParallel> work)
    {
        var bus = new Bus();
        var failures = new Exception?[2];
        var threads = Enumerable.Range(0, 2).Select(r => new Thread(() =>
        {
            try { work(new DataParallel(new ThreadReduction(r, bus))); }
            catch (Exception e) { failures[r] = e; bus.Barrier.RemoveParticipant(); }
        })).ToList();
        foreach (var t in threads) t.Start();
        foreach (var t in threads) t.Join();
        if (failures.FirstOrDefault(f => f is not null) is { } failure) throw new AggregateException(failure);
    }

    /// <summary>
    /// A batch of 5 split 2 + 3: the share-weighted sum of the two ranks' mean-loss gradients equals the
    /// gradient of the mean over all 5 to float32 rounding: each is a sum of at most 5 products of float32
    /// values, within γ₅ ≈ 3e-7 relative of the exact; bound used 1e-5 of the largest gradient entry.
    /// </summary>
    [TorchFact]
    public void Share_weighted_gradient_sums_are_the_whole_batch_gradient()
    {
        manual_seed(11);
        var x = randn(5, 3 * 28 * 28);
        var y = tensor(new long[] { 1, 4, 2, 9, 0 });
        // The reference: one model, the whole batch.
        manual_seed(3);
        using var whole = Models.Create(ModelKind.Mlp1x512);
        nn.functional.cross_entropy(whole.forward(x.view(5, 3, 28, 28)), y).backward();
        var expected = whole.parameters().Select(p => p.grad!.clone()).ToList();

        var got = new List<Tensor>[2];
        // Both ranks start from the same weights (as the trainer makes certain by a broadcast); made one after
        // the other, as libtorch's generator is process-wide.
        var models = Enumerable.Range(0, 2).Select(_ => { manual_seed(3); return Models.Create(ModelKind.Mlp1x512); }).ToArray();
        OnTwoRanks(parallel =>
        {
            var model = models[parallel.Rank];
            var (lo, hi) = parallel.Share(5);
            nn.functional.cross_entropy(model.forward(x[lo..hi].view(hi - lo, 3, 28, 28)), y[lo..hi]).backward();
            parallel.AverageGradients(model.parameters().ToList(), hi - lo, 5);
            got[parallel.Rank] = model.parameters().Select(p => p.grad!.clone()).ToList();
        });
        for (var i = 0; i < expected.Count; i++)
        {
            var scale = expected[i].abs().max().item<float>();
            Assert.True(got[0][i].allclose(expected[i], rtol: 0, atol: 1e-5 * scale), $"parameter {i}: rank 0's summed gradient differs from the whole batch's");
            Assert.True(Same(got[0][i], got[1][i]), $"parameter {i}: the ranks' summed gradients differ");
        }
    }

    /// <summary>Each rank's BatchNorm sees its own share (different running statistics); after the broadcast every rank holds rank 0's, and rank 0's are unchanged.</summary>
    [TorchFact]
    public void After_a_step_every_rank_holds_rank_zeros_batchnorm_statistics()
    {
        var buffers = new List<Tensor>[2];
        var before = new List<Tensor>[2];
        var models = Enumerable.Range(0, 2).Select(_ => new SmallInception(3, 10, batchNorm: true)).ToArray();
        OnTwoRanks(parallel =>
        {
            var generator = new Generator((ulong)(100 + parallel.Rank));
            var model = models[parallel.Rank];
            model.train();
            _ = model.forward(randn([4, 3, 28, 28], generator: generator) * (1 + parallel.Rank));
            before[parallel.Rank] = model.buffers().Select(b => b.clone()).ToList();
            parallel.BroadcastFromRoot(model.buffers());
            buffers[parallel.Rank] = model.buffers().Select(b => b.clone()).ToList();
        });
        Assert.Contains(before[0].Zip(before[1]), p => p.First.dtype == float32 && !Same(p.First, p.Second)); // the shares gave different statistics
        for (var i = 0; i < buffers[0].Count; i++)
        {
            Assert.True(Same(buffers[1][i], buffers[0][i]), $"buffer {i}: rank 1 does not hold rank 0's");
            Assert.True(Same(buffers[0][i], before[0][i]), $"buffer {i}: rank 0's changed");
        }
    }
}
