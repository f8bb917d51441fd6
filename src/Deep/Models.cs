using TorchSharp;
using static TorchSharp.torch;

namespace Rethink.Deep;

/// <summary>
/// The small Inception of the paper's appendix (1,649,402 parameters for 28×28×3 inputs):
/// Conv(3×3, 96) → Inception(32,32) → Inception(32,48) → Downsample(80) → Inception(112,48) →
/// Inception(96,64) → Inception(80,80) → Inception(48,96) → Downsample(96) → Inception(176,160) →
/// Inception(176,160) → 7×7 global mean pool → FC 10. Without BatchNorm the count is the same (its
/// normalization has no learnable affine).
/// </summary>
public sealed class SmallInception : nn.Module<Tensor, Tensor>
{
    private readonly TorchSharp.Modules.Sequential features;
    private readonly TorchSharp.Modules.Dropout? dropout;
    private readonly TorchSharp.Modules.Linear classifier;

    /// <summary>The network for <paramref name="inChannels"/>×28×28 inputs.</summary>
    /// <param name="inChannels">Input channels (3 for CIFAR-10).</param>
    /// <param name="classes">Outputs.</param>
    /// <param name="batchNorm">Whether the conv modules normalize.</param>
    /// <param name="dropoutRate">Dropout before the classifier (0: none).</param>
    public SmallInception(long inChannels = 3, long classes = 10, bool batchNorm = true, double dropoutRate = 0) : base(nameof(SmallInception))
    {
        var layers = new List<(string, nn.Module<Tensor, Tensor>)>();
        var c = inChannels;
        void Add(string name, nn.Module<Tensor, Tensor> module, long outChannels) { layers.Add((name, module)); c = outChannels; }
        Add("conv", new ConvModule("conv", c, 96, 3, 1, batchNorm), 96);
        foreach (var (name, c1, c3) in new[] { ("inception1", 32L, 32L), ("inception2", 32L, 48L) })
            Add(name, new InceptionModule(name, c, c1, c3, batchNorm), c1 + c3);
        Add("downsample1", new DownsampleModule("downsample1", c, 80, batchNorm), c + 80);
        foreach (var (name, c1, c3) in new[] { ("inception3", 112L, 48L), ("inception4", 96L, 64L), ("inception5", 80L, 80L), ("inception6", 48L, 96L) })
            Add(name, new InceptionModule(name, c, c1, c3, batchNorm), c1 + c3);
        Add("downsample2", new DownsampleModule("downsample2", c, 96, batchNorm), c + 96);
        foreach (var (name, c1, c3) in new[] { ("inception7", 176L, 160L), ("inception8", 176L, 160L) })
            Add(name, new InceptionModule(name, c, c1, c3, batchNorm), c1 + c3);
        features = nn.Sequential(layers);
        dropout = dropoutRate > 0 ? nn.Dropout(dropoutRate) : null;
        classifier = nn.Linear(c, classes);
        RegisterComponents();
    }

    /// <inheritdoc/>
    public override Tensor forward(Tensor input)
    {
        var x = features.forward(input).mean([2, 3]);
        if (dropout is not null) x = dropout.forward(x);
        return classifier.forward(x);
    }
}

/// <summary>
/// The small AlexNet (1,387,786 parameters for 28×28×3): two [5×5 conv, 64 channels, same padding, ReLU
/// → 3×3 max pool stride 2 → local response normalization] modules, FC 384, FC 192, linear 10. LRN
/// as in TensorFlow's CIFAR-10 model (depth radius 4, bias 1, α = 0.001/9, β = 0.75).
/// </summary>
public sealed class SmallAlexNet : nn.Module<Tensor, Tensor>
{
    private readonly TorchSharp.Modules.Conv2d conv1, conv2;
    private readonly TorchSharp.Modules.MaxPool2d pool;
    private readonly TorchSharp.Modules.LocalResponseNorm lrn;
    private readonly TorchSharp.Modules.Linear fc1, fc2, output;
    private readonly TorchSharp.Modules.Dropout? dropout;

    /// <summary>The network for <paramref name="inChannels"/>×side×side inputs.</summary>
    /// <param name="inChannels">Input channels.</param>
    /// <param name="side">Image side.</param>
    /// <param name="classes">Outputs.</param>
    /// <param name="dropoutRate">Dropout before the fully connected layers (0: none).</param>
    public SmallAlexNet(long inChannels = 3, long side = 28, long classes = 10, double dropoutRate = 0) : base(nameof(SmallAlexNet))
    {
        conv1 = nn.Conv2d(inChannels, 64, 5, padding: 2);
        conv2 = nn.Conv2d(64, 64, 5, padding: 2);
        pool = nn.MaxPool2d(3, stride: 2, padding: 1);
        // PyTorch divides α by the window size where TensorFlow does not: α_torch = 9 · 0.001/9.
        lrn = nn.LocalResponseNorm(9, alpha: 0.001, beta: 0.75, k: 1.0);
        var pooled = (side + 3) / 4;
        fc1 = nn.Linear(64 * pooled * pooled, 384);
        fc2 = nn.Linear(384, 192);
        output = nn.Linear(192, classes);
        dropout = dropoutRate > 0 ? nn.Dropout(dropoutRate) : null;
        RegisterComponents();
    }

    /// <inheritdoc/>
    public override Tensor forward(Tensor input)
    {
        var x = lrn.forward(pool.forward(nn.functional.relu(conv1.forward(input))));
        x = lrn.forward(pool.forward(nn.functional.relu(conv2.forward(x))));
        x = x.flatten(1);
        x = nn.functional.relu(fc1.forward(x));
        if (dropout is not null) x = dropout.forward(x);
        x = nn.functional.relu(fc2.forward(x));
        if (dropout is not null) x = dropout.forward(x);
        return output.forward(x);
    }
}

/// <summary>A multi-layer perceptron with ReLU hidden layers (1×512: 1,209,866 and 3×512: 1,735,178 parameters for 28×28×3).</summary>
public sealed class Mlp : nn.Module<Tensor, Tensor>
{
    private readonly TorchSharp.Modules.ModuleList<TorchSharp.Modules.Linear> hidden;
    private readonly TorchSharp.Modules.Linear output;
    private readonly TorchSharp.Modules.Dropout? dropout;

    /// <summary>A perceptron of <paramref name="layers"/> hidden layers of <paramref name="width"/> units.</summary>
    /// <param name="inputs">Input features (a flattened image).</param>
    /// <param name="layers">Hidden layers.</param>
    /// <param name="width">Units per hidden layer.</param>
    /// <param name="classes">Outputs.</param>
    /// <param name="dropoutRate">Dropout after each hidden layer (0: none).</param>
    public Mlp(long inputs, int layers, long width = 512, long classes = 10, double dropoutRate = 0) : base($"Mlp{layers}x{width}")
    {
        hidden = new TorchSharp.Modules.ModuleList<TorchSharp.Modules.Linear>();
        var c = inputs;
        for (var l = 0; l < layers; l++)
        {
            hidden.Add(nn.Linear(c, width));
            c = width;
        }
        output = nn.Linear(c, classes);
        dropout = dropoutRate > 0 ? nn.Dropout(dropoutRate) : null;
        RegisterComponents();
    }

    /// <inheritdoc/>
    public override Tensor forward(Tensor input)
    {
        var x = input.flatten(1);
        foreach (var layer in hidden)
        {
            x = nn.functional.relu(layer.forward(x));
            if (dropout is not null) x = dropout.forward(x);
        }
        return output.forward(x);
    }
}
