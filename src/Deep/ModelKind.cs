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

    /// <summary>Inception V3, the network of the paper's ImageNet experiment (Table 2): inputs of 75×75 pixels or more (299 on ImageNet).</summary>
    [JsonStringEnumMemberName("inception-v3")] InceptionV3,
}

/// <summary>What the library knows of each <see cref="ModelKind"/>: names, the paper's parameter counts and learning rates, and the networks.</summary>
public static class Models
{
    /// <summary>Every model, in the paper's order.</summary>
    public static IReadOnlyList<ModelKind> All { get; } = [ModelKind.Inception, ModelKind.InceptionNoBatchNorm, ModelKind.AlexNet, ModelKind.Mlp1x512, ModelKind.Mlp3x512, ModelKind.InceptionV3];

    /// <summary>The model's name in configs, results and on the console ("mlp1x512", "inception-no-bn").</summary>
    public static string Name(this ModelKind model) => model switch
    {
        ModelKind.Inception => "inception",
        ModelKind.InceptionNoBatchNorm => "inception-no-bn",
        ModelKind.AlexNet => "alexnet",
        ModelKind.Mlp1x512 => "mlp1x512",
        ModelKind.Mlp3x512 => "mlp3x512",
        ModelKind.InceptionV3 => "inception-v3",
        _ => throw new ArgumentOutOfRangeException(nameof(model), model, "Unknown model."),
    };

    /// <summary>The model of a name, or null.</summary>
    public static ModelKind? Find(string name) => All.Cast<ModelKind?>().FirstOrDefault(m => m!.Value.Name() == name);

    /// <summary>Parameter counts the paper reports for 28×28×3 inputs (CIFAR-10's models), and Inception V3's standard count for 1,000 classes without the auxiliary head.</summary>
    public static IReadOnlyDictionary<ModelKind, long> PaperParameterCounts { get; } = new Dictionary<ModelKind, long>
    {
        [ModelKind.Inception] = 1_649_402,
        [ModelKind.InceptionNoBatchNorm] = 1_649_402,
        [ModelKind.AlexNet] = 1_387_786,
        [ModelKind.Mlp1x512] = 1_209_866,
        [ModelKind.Mlp3x512] = 1_735_178,
        [ModelKind.InceptionV3] = 23_834_568,
    };

    /// <summary>The paper's initial learning rate: 0.1 for Inception, 0.01 for AlexNet and the MLPs; 0.045 for Inception V3 (its authors' initial rate).</summary>
    public static double DefaultLearningRate(this ModelKind model) => model switch
    {
        ModelKind.Inception or ModelKind.InceptionNoBatchNorm => 0.1,
        ModelKind.InceptionV3 => 0.045,
        _ => 0.01,
    };

    /// <summary>The inputs a model's paper count is for: 28×28 images of 10 classes (CIFAR-10's models), 299×299 of 1,000 (Inception V3 on ImageNet).</summary>
    public static (long Side, long Classes) PaperInput(this ModelKind model) => model == ModelKind.InceptionV3 ? (299, 1000) : (28, 10);

    /// <summary>Builds a model for C×side×side inputs (the paper's 3×28×28, or MNIST's 1×28×28).</summary>
    public static nn.Module<Tensor, Tensor> Create(ModelKind model, long channels = 3, long side = 28, long classes = 10, double dropout = 0) => model switch
    {
        ModelKind.Inception => new SmallInception(channels, classes, batchNorm: true, dropout),
        ModelKind.InceptionNoBatchNorm => new SmallInception(channels, classes, batchNorm: false, dropout),
        ModelKind.AlexNet => new SmallAlexNet(channels, side, classes, dropout),
        ModelKind.Mlp1x512 => new Mlp(channels * side * side, 1, 512, classes, dropout),
        ModelKind.Mlp3x512 => new Mlp(channels * side * side, 3, 512, classes, dropout),
        ModelKind.InceptionV3 => channels == 3 && side >= 75 ? new InceptionV3(classes, auxiliary: false, dropout)
            : throw new ArgumentException($"Inception V3 takes 3-channel images of 75x75 pixels or more; got {channels}x{side}x{side}.", nameof(side)),
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
