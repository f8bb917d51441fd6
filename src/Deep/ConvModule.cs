using TorchSharp;
using static TorchSharp.torch;

namespace Rethink.Deep;

/// <summary>The paper's convolution module: conv (with bias) → BatchNorm without learnable affine (optional) → ReLU.</summary>
public sealed class ConvModule : nn.Module<Tensor, Tensor>
{
    private readonly TorchSharp.Modules.Conv2d conv;
    private readonly TorchSharp.Modules.BatchNorm2d? norm;

    /// <summary>A module of <paramref name="outChannels"/> k×k filters.</summary>
    /// <param name="name">The module's name.</param>
    /// <param name="inChannels">Input channels.</param>
    /// <param name="outChannels">Output channels.</param>
    /// <param name="kernel">Filter side k.</param>
    /// <param name="stride">Stride.</param>
    /// <param name="batchNorm">Whether to normalize (no learnable affine).</param>
    public ConvModule(string name, long inChannels, long outChannels, long kernel, long stride, bool batchNorm) : base(name)
    {
        conv = nn.Conv2d(inChannels, outChannels, kernel, stride: stride, padding: kernel / 2, bias: true);
        norm = batchNorm ? nn.BatchNorm2d(outChannels, affine: false) : null;
        // He initialization (variance 2/fan-in) keeps activations from vanishing through the ~20 conv
        // layers: with PyTorch's default (variance 1/(3·fan-in)) the network without BatchNorm starts
        // dead, its loss stuck at ln 10.
        using (no_grad())
        {
            nn.init.kaiming_normal_(conv.weight, 0, nn.init.FanInOut.FanIn, nn.init.NonlinearityType.ReLU);
            nn.init.zeros_(conv.bias!);
        }
        RegisterComponents();
    }

    /// <summary>Output channels.</summary>
    public long OutChannels => conv.out_channels;

    /// <inheritdoc/>
    public override Tensor forward(Tensor input)
    {
        var x = conv.forward(input);
        if (norm is not null) x = norm.forward(x);
        return nn.functional.relu(x);
    }
}

/// <summary>Inception(c1, c3): a 1×1 and a 3×3 conv module side by side, concatenated along channels.</summary>
public sealed class InceptionModule : nn.Module<Tensor, Tensor>
{
    private readonly ConvModule branch1;
    private readonly ConvModule branch3;

    /// <summary>A module with <paramref name="c1"/> 1×1 and <paramref name="c3"/> 3×3 filters.</summary>
    /// <param name="name">The module's name.</param>
    /// <param name="inChannels">Input channels.</param>
    /// <param name="c1">1×1 filters.</param>
    /// <param name="c3">3×3 filters.</param>
    /// <param name="batchNorm">Whether its conv modules normalize.</param>
    public InceptionModule(string name, long inChannels, long c1, long c3, bool batchNorm) : base(name)
    {
        branch1 = new ConvModule("branch1", inChannels, c1, 1, 1, batchNorm);
        branch3 = new ConvModule("branch3", inChannels, c3, 3, 1, batchNorm);
        OutChannels = c1 + c3;
        RegisterComponents();
    }

    /// <summary>Output channels: c1 + c3.</summary>
    public long OutChannels { get; }

    /// <inheritdoc/>
    public override Tensor forward(Tensor input) => cat([branch1.forward(input), branch3.forward(input)], 1);
}

/// <summary>Downsample(c3): a 3×3 stride-2 conv module and a 3×3 stride-2 max pool side by side, concatenated ("SAME" padding: 28 → 14 → 7).</summary>
public sealed class DownsampleModule : nn.Module<Tensor, Tensor>
{
    private readonly ConvModule conv;
    private readonly TorchSharp.Modules.MaxPool2d pool;

    /// <summary>A module with <paramref name="c3"/> stride-2 3×3 filters beside the pool.</summary>
    /// <param name="name">The module's name.</param>
    /// <param name="inChannels">Input channels.</param>
    /// <param name="c3">3×3 filters.</param>
    /// <param name="batchNorm">Whether its conv module normalizes.</param>
    public DownsampleModule(string name, long inChannels, long c3, bool batchNorm) : base(name)
    {
        conv = new ConvModule("conv", inChannels, c3, 3, 2, batchNorm);
        pool = nn.MaxPool2d(3, stride: 2, padding: 1);
        OutChannels = c3 + inChannels;
        RegisterComponents();
    }

    /// <summary>Output channels: c3 + the input's.</summary>
    public long OutChannels { get; }

    /// <inheritdoc/>
    public override Tensor forward(Tensor input) => cat([conv.forward(input), pool.forward(input)], 1);
}
