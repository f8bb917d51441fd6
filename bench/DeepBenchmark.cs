using Rethink.Torch;
using System.Diagnostics;
using Rethink.Core;
using Rethink.Deep;
using TorchSharp;
using static TorchSharp.torch;

namespace Rethink.Bench;

/// <summary>
/// The four models of Table 1 on 128×3×28×28 minibatches, TorchSharp against PyTorch (Debian's
/// python3-torch) on the same CPU, same threads, in one run: training steps per second (forward,
/// cross-entropy, backward, SGD with momentum 0.9) and evaluation images per second (the Trainer's
/// evaluation: eval mode, no autograd, batches of <see cref="Trainer.EvaluationBatch"/>), the whole
/// training set being evaluated after every epoch.
///   bench deep [--models mlp1x512,mlp3x512,alexnet,inception]
/// </summary>
public static class DeepBenchmark
{
    private const string Script = """
import sys, time, torch, torch.nn as nn, torch.nn.functional as F
threads, models, eval_batch = int(sys.argv[1]), sys.argv[2].split(','), int(sys.argv[3])
torch.set_num_threads(threads); torch.manual_seed(0)
class Mlp(nn.Module):
    def __init__(s, layers):
        super().__init__(); s.h = nn.ModuleList([nn.Linear(2352 if i == 0 else 512, 512) for i in range(layers)]); s.o = nn.Linear(512, 10)
    def forward(s, x):
        x = x.flatten(1)
        for h in s.h: x = F.relu(h(x))
        return s.o(x)
class AlexNet(nn.Module):
    def __init__(s):
        super().__init__()
        s.c1 = nn.Conv2d(3, 64, 5, padding=2); s.c2 = nn.Conv2d(64, 64, 5, padding=2)
        s.pool = nn.MaxPool2d(3, 2, padding=1); s.lrn = nn.LocalResponseNorm(9, alpha=0.001, beta=0.75, k=1.0)
        s.f1 = nn.Linear(3136, 384); s.f2 = nn.Linear(384, 192); s.o = nn.Linear(192, 10)
    def forward(s, x):
        x = s.lrn(s.pool(F.relu(s.c1(x)))); x = s.lrn(s.pool(F.relu(s.c2(x))))
        x = x.flatten(1); return s.o(F.relu(s.f2(F.relu(s.f1(x)))))
class Conv(nn.Module):
    def __init__(s, i, o, k, stride):
        super().__init__(); s.conv = nn.Conv2d(i, o, k, stride=stride, padding=k // 2); s.bn = nn.BatchNorm2d(o, affine=False)
    def forward(s, x): return F.relu(s.bn(s.conv(x)))
class Inc(nn.Module):
    def __init__(s, i, c1, c3):
        super().__init__(); s.b1 = Conv(i, c1, 1, 1); s.b3 = Conv(i, c3, 3, 1)
    def forward(s, x): return torch.cat([s.b1(x), s.b3(x)], 1)
class Down(nn.Module):
    def __init__(s, i, c3):
        super().__init__(); s.conv = Conv(i, c3, 3, 2); s.pool = nn.MaxPool2d(3, 2, padding=1)
    def forward(s, x): return torch.cat([s.conv(x), s.pool(x)], 1)
class Inception(nn.Module):
    def __init__(s):
        super().__init__()
        layers, c = [Conv(3, 96, 3, 1)], 96
        for c1, c3 in [(32, 32), (32, 48)]: layers.append(Inc(c, c1, c3)); c = c1 + c3
        layers.append(Down(c, 80)); c += 80
        for c1, c3 in [(112, 48), (96, 64), (80, 80), (48, 96)]: layers.append(Inc(c, c1, c3)); c = c1 + c3
        layers.append(Down(c, 96)); c += 96
        for c1, c3 in [(176, 160), (176, 160)]: layers.append(Inc(c, c1, c3)); c = c1 + c3
        s.features = nn.Sequential(*layers); s.o = nn.Linear(c, 10)
    def forward(s, x): return s.o(s.features(x).mean([2, 3]))
make = {'mlp1x512': lambda: Mlp(1), 'mlp3x512': lambda: Mlp(3), 'alexnet': AlexNet, 'inception': Inception}
steps = {'mlp1x512': 200, 'mlp3x512': 100, 'alexnet': 20, 'inception': 5}
x = torch.randn(128, 3, 28, 28); y = torch.randint(0, 10, (128,)); xe = torch.randn(eval_batch, 3, 28, 28)
for name in models:
    model = make[name](); print(name + '.params', sum(p.numel() for p in model.parameters()))
    opt = torch.optim.SGD(model.parameters(), lr=0.01, momentum=0.9)
    def step():
        opt.zero_grad(); loss = F.cross_entropy(model(x), y); loss.backward(); opt.step()
    model.train()
    for _ in range(3): step()
    best = 0
    for _ in range(3):
        t = time.perf_counter()
        for _ in range(steps[name]): step()
        best = max(best, steps[name] / (time.perf_counter() - t))
    print(name + '.train', best)
    model.eval(); best = 0
    with torch.inference_mode():
        model(xe)
        for _ in range(3):
            n = max(1, steps[name] // 10); t = time.perf_counter()
            for _ in range(n): model(xe).argmax(1)
            best = max(best, n * eval_batch / (time.perf_counter() - t))
    print(name + '.eval', best); sys.stdout.flush()
""";

    private static readonly Dictionary<ModelKind, int> Steps = new()
    {
        [ModelKind.Mlp1x512] = 200, [ModelKind.Mlp3x512] = 100, [ModelKind.AlexNet] = 20, [ModelKind.Inception] = 5,
    };

    public static int Run(string[] args)
    {
        TorchRuntime.EnsureAvailable();
        var threads = TorchRuntime.Threads;
        torch.set_num_threads(threads);
        var selected = (args.SkipWhile(a => a != "--models").Skip(1).FirstOrDefault() ?? "mlp1x512,mlp3x512,alexnet,inception").Split(',')
            .Select(m => Models.Find(m) ?? throw new ArgumentException($"--models: unknown model {m}; choose from mlp1x512, mlp3x512, alexnet, inception")).ToList();
        var evalBatch = Trainer.EvaluationBatch;
        Console.WriteLine($"Batch 128 of 3x28x28, SGD momentum 0.9, {threads} threads; evaluation in batches of {evalBatch}; {MachineInfo.Current}");
        var train = new Dictionary<ModelKind, double>();
        var evaluate = new Dictionary<ModelKind, double>();
        foreach (var name in selected)
        {
            manual_seed(0);
            using var model = Models.Create(name);
            using var optimizer = new SgdMomentum(model.parameters(), 0.9, 0);
            using var x = randn(128, 3, 28, 28);
            using var y = randint(0, 10, [128]);
            void Step()
            {
                using var scope = NewDisposeScope();
                var loss = nn.functional.cross_entropy(model.forward(x), y);
                optimizer.ZeroGrad();
                loss.backward();
                optimizer.Step(0.01);
            }
            model.train();
            for (var i = 0; i < 3; i++) Step();
            var steps = Steps[name];
            var best = 0.0;
            for (var r = 0; r < 3; r++)
            {
                var watch = Stopwatch.StartNew();
                for (var i = 0; i < steps; i++) Step();
                best = Math.Max(best, steps / watch.Elapsed.TotalSeconds);
            }
            train[name] = best;
            // Evaluation as the Trainer does it (Trainer.Predict: eval mode, inference mode, argmax).
            using var xe = randn(evalBatch, 3, 28, 28);
            model.eval();
            Trainer.Predict(model, xe).Dispose();
            best = 0;
            for (var r = 0; r < 3; r++)
            {
                var n = Math.Max(1, steps / 10);
                var watch = Stopwatch.StartNew();
                for (var i = 0; i < n; i++) Trainer.Predict(model, xe).Dispose();
                best = Math.Max(best, n * evalBatch / watch.Elapsed.TotalSeconds);
            }
            evaluate[name] = best;
        }
        var python = PythonAnchor.Run(Script, threads.ToString(), string.Join(',', selected.Select(m => m.Name())), evalBatch.ToString());
        Console.WriteLine($"{"model",-10} {"train steps/s: TorchSharp",26} {"PyTorch",8} {"ratio",6}   {"eval images/s: TorchSharp",26} {"PyTorch",8} {"ratio",6}   epoch s (train + eval of 60,000)");
        foreach (var name in selected)
        {
            var (t, pt, e, pe) = (train[name], python[name.Name() + ".train"], evaluate[name], python[name.Name() + ".eval"]);
            var epoch = 391 / t + 60_000 / e;
            Console.WriteLine($"{name.Name(),-10} {t,26:F1} {pt,8:F1} {pt / t,6:F2}   {e,26:F0} {pe,8:F0} {pe / e,6:F2}   {epoch:F1}");
        }
        Console.WriteLine("ratio = PyTorch's rate / TorchSharp's (above 1: TorchSharp slower). Epoch: 391 steps and the evaluation of 50,000 training and 10,000 test images.");
        Console.WriteLine($"PyTorch: {PythonAnchor.Version("import torch; print(torch.__version__)")}, TorchSharp 0.107.0 with libtorch 2.10.0");
        return 0;
    }
}
