using System.Text.Json.Serialization;
using TorchSharp;
using static TorchSharp.torch;

namespace Rethink.Deep;

/// <summary>The paper's architectures (written in configs and results by the names the console uses).</summary>
public enum ModelKind
{
    /// <summary>The small Inception of the paper's CIFAR-10 experiments, with BatchNorm.</summary>
    [JsonStringEnumMemberName("inception")] Inception,

    /// <summary>The same Inception without BatchNorm.</summary>
    [JsonStringEnumMemberName("inception-no-bn")] InceptionNoBatchNorm,

    /// <summary>The small AlexNet.</summary>
    [JsonStringEnumMemberName("alexnet")] AlexNet,

    /// <summary>A multi-layer perceptron with one hidden layer of 512 units.</summary>
    [JsonStringEnumMemberName("mlp1x512")] Mlp1x512,

    /// <summary>A multi-layer perceptron with three hidden layers of 512 units.</summary>
    [JsonStringEnumMemberName("mlp3x512")] Mlp3x512,
}

/// <summary>What the library knows of each <see cref="ModelKind"/>: names, the paper's parameter counts and learning rates, and the networks.</summary>
public static class Models
{
    /// <summary>Every model, in the paper's order.</summary>
    public static IReadOnlyList<ModelKind> All { get; } = [ModelKind.Inception, ModelKind.InceptionNoBatchNorm, ModelKind.AlexNet, ModelKind.Mlp1x512, ModelKind.Mlp3x512];

    /// <summary>The model's name in configs, results and on the console ("mlp1x512", "inception-no-bn").</summary>
    public static string Name(this ModelKind model) => model switch
    {
        ModelKind.Inception => "inception",
        ModelKind.InceptionNoBatchNorm => "inception-no-bn",
        ModelKind.AlexNet => "alexnet",
        ModelKind.Mlp1x512 => "mlp1x512",
        ModelKind.Mlp3x512 => "mlp3x512",
        _ => throw new ArgumentOutOfRangeException(nameof(model), model, "Unknown model."),
    };

    /// <summary>The model of a name, or null.</summary>
    public static ModelKind? Find(string name) => All.Cast<ModelKind?>().FirstOrDefault(m => m!.Value.Name() == name);

    /// <summary>Parameter counts the paper reports for 28×28×3 inputs.</summary>
    public static IReadOnlyDictionary<ModelKind, long> PaperParameterCounts { get; } = new Dictionary<ModelKind, long>
    {
        [ModelKind.Inception] = 1_649_402,
        [ModelKind.InceptionNoBatchNorm] = 1_649_402,
        [ModelKind.AlexNet] = 1_387_786,
        [ModelKind.Mlp1x512] = 1_209_866,
        [ModelKind.Mlp3x512] = 1_735_178,
    };

    /// <summary>The paper's initial learning rate: 0.1 for Inception, 0.01 for AlexNet and the MLPs.</summary>
    public static double DefaultLearningRate(this ModelKind model) => model is ModelKind.Inception or ModelKind.InceptionNoBatchNorm ? 0.1 : 0.01;

    /// <summary>Builds a model for C×side×side inputs (the paper's 3×28×28, or MNIST's 1×28×28).</summary>
    public static nn.Module<Tensor, Tensor> Create(ModelKind model, long channels = 3, long side = 28, long classes = 10, double dropout = 0) => model switch
    {
        ModelKind.Inception => new SmallInception(channels, classes, batchNorm: true, dropout),
        ModelKind.InceptionNoBatchNorm => new SmallInception(channels, classes, batchNorm: false, dropout),
        ModelKind.AlexNet => new SmallAlexNet(channels, side, classes, dropout),
        ModelKind.Mlp1x512 => new Mlp(channels * side * side, 1, 512, classes, dropout),
        ModelKind.Mlp3x512 => new Mlp(channels * side * side, 3, 512, classes, dropout),
        _ => throw new ArgumentOutOfRangeException(nameof(model), model, "Unknown model."),
    };

    /// <summary>Trainable parameters of a module.</summary>
    public static long CountParameters(nn.Module module) => module.parameters().Sum(p => p.numel());
}

/// <summary>Where a network trains.</summary>
public enum TrainingDevice
{
    /// <summary>The CPU, with the bundled libtorch.</summary>
    [JsonStringEnumMemberName("cpu")] Cpu,

    /// <summary>The first CUDA GPU, with a CUDA libtorch found on the machine.</summary>
    [JsonStringEnumMemberName("cuda")] Cuda,
}
