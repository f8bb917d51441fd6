using Rethink.Torch;
using System.Diagnostics;
using Rethink.Core;
using Rethink.Deep;
using TorchSharp;
using static TorchSharp.torch;

namespace Rethink.Bench;

/// <summary>
/// Training steps per second (forward, cross-entropy, backward, SGD with momentum 0.9) of MLP 1×512
/// and the small AlexNet on 128×3×28×28 minibatches, TorchSharp against PyTorch (Debian's
/// python3-torch) on the same CPU, same threads, in one run.
/// </summary>
public static class DeepBenchmark
{
    private const string Script = """
import sys, time, torch, torch.nn as nn, torch.nn.functional as F
torch.set_num_threads(int(sys.argv[1])); torch.manual_seed(0)
class Mlp(nn.Module):
    def __init__(s):
        super().__init__(); s.h = nn.Linear(2352, 512); s.o = nn.Linear(512, 10)
    def forward(s, x): return s.o(F.relu(s.h(x.flatten(1))))
class AlexNet(nn.Module):
    def __init__(s):
        super().__init__()
        s.c1 = nn.Conv2d(3, 64, 5, padding=2); s.c2 = nn.Conv2d(64, 64, 5, padding=2)
        s.pool = nn.MaxPool2d(3, 2, padding=1); s.lrn = nn.LocalResponseNorm(9, alpha=0.001, beta=0.75, k=1.0)
        s.f1 = nn.Linear(3136, 384); s.f2 = nn.Linear(384, 192); s.o = nn.Linear(192, 10)
    def forward(s, x):
        x = s.lrn(s.pool(F.relu(s.c1(x)))); x = s.lrn(s.pool(F.relu(s.c2(x))))
        x = x.flatten(1); return s.o(F.relu(s.f2(F.relu(s.f1(x)))))
x = torch.randn(128, 3, 28, 28); y = torch.randint(0, 10, (128,))
for name, model, steps in [('mlp1x512', Mlp(), 200), ('alexnet', AlexNet(), 30)]:
    opt = torch.optim.SGD(model.parameters(), lr=0.01, momentum=0.9)
    def step():
        opt.zero_grad(); loss = F.cross_entropy(model(x), y); loss.backward(); opt.step()
    for _ in range(5): step()
    best = 0
    for _ in range(3):
        t = time.perf_counter()
        for _ in range(steps): step()
        best = max(best, steps / (time.perf_counter() - t))
    print(name, best); sys.stdout.flush()
""";

    public static int Run(string[] args)
    {
        TorchRuntime.EnsureAvailable();
        var threads = Environment.ProcessorCount;
        torch.set_num_threads(threads);
        Console.WriteLine($"Training steps/s, batch 128 of 3x28x28, SGD momentum 0.9, {threads} threads; {MachineInfo.Current}");
        var ours = new Dictionary<ModelKind, double>();
        foreach (var (name, steps) in new[] { (ModelKind.Mlp1x512, 200), (ModelKind.AlexNet, 30) })
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
            for (var i = 0; i < 5; i++) Step();
            var best = 0.0;
            for (var r = 0; r < 3; r++)
            {
                var watch = Stopwatch.StartNew();
                for (var i = 0; i < steps; i++) Step();
                best = Math.Max(best, steps / watch.Elapsed.TotalSeconds);
            }
            ours[name] = best;
        }
        var python = PythonAnchor.Run(Script, threads.ToString());
        Console.WriteLine($"{"model",-10} {"TorchSharp",12} {"PyTorch",10} {"time ratio",11}  (goal <= 1.2; ratio = PyTorch steps/s / TorchSharp steps/s)");
        foreach (var name in ours.Keys)
            Console.WriteLine($"{name.Name(),-10} {ours[name],12:F1} {python[name.Name()],10:F1} {python[name.Name()] / ours[name],11:F2}");
        Console.WriteLine($"PyTorch: {PythonAnchor.Version("import torch; print(torch.__version__)")}, TorchSharp 0.107.0 with libtorch 2.10.0");
        return 0;
    }
}
