using System.Diagnostics;
using Rethink.Core;
using Rethink.ImageNet;

namespace Rethink.Bench;

/// <summary>
/// ImageNet decoding: images/s through the evaluation preprocessing (decode the JPEG, central 87.5% square,
/// resize to 299×299, normalize to floats) and the training one (random-resized crop and flip), ours
/// (SkiaSharp/libjpeg-turbo, DCT-scaled decoding) against Pillow on the same files in the same run (Debian's
/// python3-pil, also libjpeg-turbo: Image.open, draft() — Pillow's own DCT scaling — convert, resize with
/// bilinear filtering, crop, numpy normalization), one thread and all cores (Pillow in a process pool).
/// Files: a folder given (an ILSVRC2012 train/ is sampled), or JPEGs of ImageNet's typical sizes written here.
/// </summary>
public static class ImageNetBenchmark
{
    private const string Script = """
import sys, time, os
import numpy as np
from PIL import Image
from multiprocessing import Pool
S = 299
mean = np.array([0.485, 0.456, 0.406], dtype=np.float32); std = np.array([0.229, 0.224, 0.225], dtype=np.float32)
def evaluate(path):
    im = Image.open(path)
    w, h = im.size
    side = 0.875 * min(w, h)
    im.draft('RGB', (int(w * S / side), int(h * S / side)))
    im = im.convert('RGB')
    sx, sy = im.size[0] / w, im.size[1] / h
    box = ((w - side) / 2 * sx, (h - side) / 2 * sy, (w + side) / 2 * sx, (h + side) / 2 * sy)
    im = im.resize((S, S), Image.BILINEAR, box=box)
    a = (np.asarray(im, dtype=np.float32) / 255 - mean) / std
    return a.transpose(2, 0, 1).shape
files = sys.argv[2:]
for workers in (1, int(sys.argv[1])):
    best = 1e9
    for _ in range(3):
        t = time.perf_counter()
        if workers == 1:
            for f in files: evaluate(f)
        else:
            with Pool(workers) as p: p.map(evaluate, files, chunksize=8)
        best = min(best, time.perf_counter() - t)
    print('pillow_%d' % workers, len(files) / best)
""";

    public static int Run(string[] args)
    {
        var count = 400;
        string? data = null;
        for (var i = 0; i < args.Length; i++)
            if (args[i] == "--images" && i + 1 < args.Length) count = int.Parse(args[++i]);
            else if (args[i] == "--data" && i + 1 < args.Length) data = args[++i];
        using var temp = new TempFolder();
        List<string> files;
        string what;
        if (data is not null)
        {
            var folder = ImageNetData.Locate(data)();
            var step = Math.Max(1, folder.Train.Count / count);
            files = folder.Train.Where((_, i) => i % step == 0).Take(count).Select(f => f.Path).ToList();
            what = $"{files.Count} training JPEGs of {folder.Root} (every {step}th)";
        }
        else
        {
            // ImageNet's photos are mostly 500 pixels on the long side (median about 500×375 or 375×500).
            var classes = 10;
            SyntheticImageNet.Write(temp.Path, classes, count / classes, 1, ValidationLayout.Sorted, seed: 7, minSide: 333, maxSide: 500);
            files = Directory.GetFiles(Path.Combine(temp.Path, "train"), "*.JPEG", SearchOption.AllDirectories).Order(StringComparer.Ordinal).ToList();
            what = $"{files.Count} synthetic JPEGs of 333–500 pixels a side, quality 90, written by this benchmark";
        }
        var cores = Environment.ProcessorCount;
        Console.WriteLine($"ImageNet decoding to 3x299x299 floats: {what}; {MachineInfo.Current}");
        Console.WriteLine($"SkiaSharp {typeof(SkiaSharp.SKCodec).Assembly.GetName().Version} (libjpeg-turbo); Pillow {PythonAnchor.Version("import PIL; print(PIL.__version__)")}, numpy {PythonAnchor.Version("import numpy; print(numpy.__version__)")}");

        double Ours(ImageNetTransform transform, int threads)
        {
            var best = double.MaxValue;
            var buffer = new float[Math.Min(files.Count, 64) * transform.Floats];
            var labels = new int[64];
            var list = files.Select(f => new LabeledFile(f, 0)).ToList();
            for (var repeat = 0; repeat < 3; repeat++)
            {
                var watch = Stopwatch.StartNew();
                for (var start = 0; start < files.Count; start += 64)
                {
                    var indices = Enumerable.Range(start, Math.Min(64, files.Count - start)).ToArray();
                    ImageNetBatch.Read(list, indices, transform, 1, repeat, buffer, labels, threads);
                }
                best = Math.Min(best, watch.Elapsed.TotalSeconds);
            }
            return files.Count / best;
        }

        var eval = new ImageNetTransform(299, Augment: false);
        var train = new ImageNetTransform(299, Augment: true);
        Ours(eval, 1); // warm-up: Skia's native library and the JIT
        var ours1 = Ours(eval, 1);
        var oursN = Ours(eval, cores);
        var augment1 = Ours(train, 1);
        var augmentN = Ours(train, cores);
        var pillow = PythonAnchor.Run(Script, [cores.ToString(), .. files]);
        var pillow1 = pillow["pillow_1"];
        var pillowN = pillow[$"pillow_{cores}"];
        Console.WriteLine($"{"",-34}{"ours img/s",12}{"Pillow img/s",14}{"ours/Pillow",13}");
        Console.WriteLine($"{"evaluation crop, 1 thread",-34}{ours1,12:F1}{pillow1,14:F1}{ours1 / pillow1,13:F2}");
        Console.WriteLine($"{$"evaluation crop, {cores} threads",-34}{oursN,12:F1}{pillowN,14:F1}{oursN / pillowN,13:F2}");
        Console.WriteLine($"{"random-resized crop + flip, 1 thread",-34}{augment1,12:F1}");
        Console.WriteLine($"{$"random-resized crop + flip, {cores} threads",-34}{augmentN,12:F1}");
        Console.WriteLine($"An epoch of ILSVRC2012 (1,281,167 images) decodes in about {ImageNetFolder.PublishedTrainImages / augmentN / 3600:F1} h on this machine's {cores} cores (training crops).");
        return 0;
    }

    private sealed class TempFolder : IDisposable
    {
        public string Path { get; } = Directory.CreateTempSubdirectory("rethink-imagenet-bench-").FullName;
        public void Dispose() => Directory.Delete(Path, true);
    }
}
