using System.Diagnostics;
using Rethink.Core;
using Rethink.Data;

namespace Rethink.Bench;

/// <summary>
/// Reading full MNIST (4 gzip IDX files) and full CIFAR-10 (6 binary batches) into contiguous byte
/// arrays, against numpy (gzip + np.frombuffer; np.fromfile + a contiguous split of labels and
/// pixels) on the same files in the same run. Best of 5 each, warm page cache.
/// </summary>
public static class DataBenchmark
{
    private const string Script = """
import gzip, sys, time, os
import numpy as np
root = sys.argv[1]
def mnist():
    d = os.path.join(root, 'mnist')
    out = []
    for name, off in [('train-images-idx3-ubyte.gz', 16), ('train-labels-idx1-ubyte.gz', 8), ('t10k-images-idx3-ubyte.gz', 16), ('t10k-labels-idx1-ubyte.gz', 8)]:
        with gzip.open(os.path.join(d, name), 'rb') as f:
            out.append(np.frombuffer(f.read(), dtype=np.uint8, offset=off))
    return out
def cifar():
    d = os.path.join(root, 'cifar-10-batches-bin')
    raw = np.concatenate([np.fromfile(os.path.join(d, 'data_batch_%d.bin' % i), dtype=np.uint8).reshape(-1, 3073) for i in range(1, 6)])
    test = np.fromfile(os.path.join(d, 'test_batch.bin'), dtype=np.uint8).reshape(-1, 3073)
    return [np.ascontiguousarray(raw[:, 1:]), raw[:, 0].copy(), np.ascontiguousarray(test[:, 1:]), test[:, 0].copy()]
for name, fn in [('mnist', mnist), ('cifar10', cifar)]:
    best = 1e9
    for _ in range(5):
        t = time.perf_counter(); fn(); best = min(best, time.perf_counter() - t)
    print(name, best)
""";

    public static int Run(string[] args)
    {
        var root = args.Length > 0 ? args[0] : Environment.GetEnvironmentVariable(DataLocator.EnvironmentVariable)
            ?? throw new ArgumentException("Give the data root (holding mnist/ and cifar-10-batches-bin/) as the argument or in RETHINK_DATA.");
        Console.WriteLine($"Dataset loading, {MachineInfo.Current}");
        var options = new DataOptions(root, AllowDownload: false);
        var mnist = Best(() => DatasetLoader.Load(DatasetLoader.Locate("mnist", options)));
        var cifar = Best(() => DatasetLoader.Load(DatasetLoader.Locate("cifar10", options)));
        var python = PythonAnchor.Run(Script, root);
        Console.WriteLine($"{"dataset",-10} {"rethink s",10} {"numpy s",10} {"ratio",7}   (goal <= 1.5)");
        Console.WriteLine($"{"mnist",-10} {mnist,10:F3} {python["mnist"],10:F3} {mnist / python["mnist"],7:F2}");
        Console.WriteLine($"{"cifar10",-10} {cifar,10:F3} {python["cifar10"],10:F3} {cifar / python["cifar10"],7:F2}");
        return 0;
    }

    private static double Best(Func<LabeledDataset> load)
    {
        var best = double.PositiveInfinity;
        for (var r = 0; r < 5; r++)
        {
            var watch = Stopwatch.StartNew();
            GC.KeepAlive(load());
            best = Math.Min(best, watch.Elapsed.TotalSeconds);
        }
        return best;
    }
}
