using TorchSharp;
using static TorchSharp.torch;

namespace Rethink.Deep;

/// <summary>The paper's architectures, by the names the console and result files use.</summary>
public static class ModelKind
{
    public const string Inception = "inception";
    public const string InceptionNoBatchNorm = "inception-no-bn";
    public const string AlexNet = "alexnet";
    public const string Mlp1x512 = "mlp1x512";
    public const string Mlp3x512 = "mlp3x512";

    public static readonly IReadOnlyList<string> All = [Inception, InceptionNoBatchNorm, AlexNet, Mlp1x512, Mlp3x512];

    /// <summary>Parameter counts the paper reports for 28×28×3 inputs.</summary>
    public static readonly IReadOnlyDictionary<string, long> PaperParameterCounts = new Dictionary<string, long>
    {
        [Inception] = 1_649_402,
        [InceptionNoBatchNorm] = 1_649_402,
        [AlexNet] = 1_387_786,
        [Mlp1x512] = 1_209_866,
        [Mlp3x512] = 1_735_178,
    };

    /// <summary>The paper's initial learning rate: 0.1 for Inception, 0.01 for AlexNet and the MLPs.</summary>
    public static double DefaultLearningRate(string model) => model.StartsWith(Inception, StringComparison.Ordinal) ? 0.1 : 0.01;

    /// <summary>Builds a model for C×side×side inputs (the paper's 3×28×28, or MNIST's 1×28×28).</summary>
    public static nn.Module<Tensor, Tensor> Create(string model, long channels = 3, long side = 28, long classes = 10, double dropout = 0) => model switch
    {
        Inception => new SmallInception(channels, classes, batchNorm: true, dropout),
        InceptionNoBatchNorm => new SmallInception(channels, classes, batchNorm: false, dropout),
        AlexNet => new SmallAlexNet(channels, side, classes, dropout),
        Mlp1x512 => new Mlp(channels * side * side, 1, 512, classes, dropout),
        Mlp3x512 => new Mlp(channels * side * side, 3, 512, classes, dropout),
        _ => throw new ArgumentException($"Unknown model '{model}'; choose {string.Join(", ", All)}.", nameof(model)),
    };

    public static long CountParameters(nn.Module module) => module.parameters().Sum(p => p.numel());
}
