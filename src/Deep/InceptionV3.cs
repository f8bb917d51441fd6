using TorchSharp;
using static TorchSharp.torch;

namespace Rethink.Deep;

/// <summary>
/// Inception V3 (Szegedy et al., "Rethinking the Inception Architecture for Computer Vision", 2016), the
/// network of the paper's ImageNet experiment (Table 2), in its standard form for 299×299×3 inputs:
/// the stem, three Inception-A, a grid reduction, four Inception-C (factorized 7×7), a second reduction,
/// two Inception-E blocks, global average pooling, dropout and a 1,000-way classifier; every convolution
/// without bias and followed by BatchNorm (ε = 0.001) and ReLU. With 1,000 classes it has 23,834,568
/// parameters, and 27,161,264 with the auxiliary classifier on the 17×17 grid (asserted by tests).
/// </summary>
public sealed class InceptionV3 : nn.Module<Tensor, Tensor>
{
    private readonly TorchSharp.Modules.Sequential stem, blocks5, blocks6, blocks7;
    private readonly InceptionAux? aux;
    private readonly TorchSharp.Modules.Dropout dropout;
    private readonly TorchSharp.Modules.Linear fc;

    /// <param name="classes">Output classes (ImageNet: 1,000).</param>
    /// <param name="auxiliary">The auxiliary classifier (its logits are <see cref="AuxiliaryLogits"/> after a training-mode forward).</param>
    /// <param name="dropout">Dropout before the classifier (the paper's "dropout: yes"; 0 for "no").</param>
    public InceptionV3(long classes = 1000, bool auxiliary = false, double dropout = 0.5) : base(nameof(InceptionV3))
    {
        stem = nn.Sequential(
            ("Conv2d_1a_3x3", Conv(3, 32, 3, stride: 2)),
            ("Conv2d_2a_3x3", Conv(32, 32, 3)),
            ("Conv2d_2b_3x3", Conv(32, 64, 3, padding: 1)),
            ("maxpool1", nn.MaxPool2d(3, stride: 2)),
            ("Conv2d_3b_1x1", Conv(64, 80, 1)),
            ("Conv2d_4a_3x3", Conv(80, 192, 3)),
            ("maxpool2", nn.MaxPool2d(3, stride: 2)));
        blocks5 = nn.Sequential(
            ("Mixed_5b", new InceptionA(192, 32)),
            ("Mixed_5c", new InceptionA(256, 64)),
            ("Mixed_5d", new InceptionA(288, 64)));
        blocks6 = nn.Sequential(
            ("Mixed_6a", new InceptionB(288)),
            ("Mixed_6b", new InceptionC(768, 128)),
            ("Mixed_6c", new InceptionC(768, 160)),
            ("Mixed_6d", new InceptionC(768, 160)),
            ("Mixed_6e", new InceptionC(768, 192)));
        aux = auxiliary ? new InceptionAux(768, classes) : null;
        blocks7 = nn.Sequential(
            ("Mixed_7a", new InceptionD(768)),
            ("Mixed_7b", new InceptionE(1280)),
            ("Mixed_7c", new InceptionE(2048)));
        this.dropout = nn.Dropout(dropout);
        fc = nn.Linear(2048, classes);
        RegisterComponents();
    }

    /// <summary>The auxiliary classifier's logits of the last training-mode forward (null in eval mode or without it).</summary>
    public Tensor? AuxiliaryLogits { get; private set; }

    /// <summary>N×3×299×299 images to N×classes logits.</summary>
    public override Tensor forward(Tensor input)
    {
        var x = blocks6.forward(blocks5.forward(stem.forward(input)));
        AuxiliaryLogits = aux is not null && training ? aux.forward(x) : null;
        x = blocks7.forward(x);
        x = nn.functional.adaptive_avg_pool2d(x, [1, 1]).flatten(1);
        return fc.forward(dropout.forward(x));
    }

    /// <summary>Convolution without bias, BatchNorm (ε = 0.001), ReLU: every convolution of the network.</summary>
    internal static nn.Module<Tensor, Tensor> Conv(long input, long output, long kernel, long stride = 1, long padding = 0) =>
        new BasicConv(input, output, (kernel, kernel), (stride, stride), (padding, padding));

    /// <summary>A factorized (1×n or n×1) convolution with its "same" padding.</summary>
    internal static nn.Module<Tensor, Tensor> Conv(long input, long output, (long H, long W) kernel) =>
        new BasicConv(input, output, kernel, (1, 1), (kernel.H / 2, kernel.W / 2));

    private sealed class BasicConv : nn.Module<Tensor, Tensor>
    {
        private readonly TorchSharp.Modules.Conv2d conv;
        private readonly TorchSharp.Modules.BatchNorm2d bn;

        public BasicConv(long input, long output, (long, long) kernel, (long, long) stride, (long, long) padding) : base(nameof(BasicConv))
        {
            conv = nn.Conv2d(input, output, kernel, stride: stride, padding: padding, bias: false);
            bn = nn.BatchNorm2d(output, eps: 0.001);
            RegisterComponents();
        }

        public override Tensor forward(Tensor input) => nn.functional.relu(bn.forward(conv.forward(input)));
    }

    private static Tensor AvgPool3x3(Tensor x) => nn.functional.avg_pool2d(x, 3, stride: 1, padding: 1);

    /// <summary>35×35 block: 1×1, 5×5, double 3×3 and pooled branches (64 + 64 + 96 + pool features).</summary>
    private sealed class InceptionA : nn.Module<Tensor, Tensor>
    {
        private readonly nn.Module<Tensor, Tensor> branch1x1, branch5x5_1, branch5x5_2, branch3x3dbl_1, branch3x3dbl_2, branch3x3dbl_3, branch_pool;

        public InceptionA(long input, long poolFeatures) : base(nameof(InceptionA))
        {
            branch1x1 = Conv(input, 64, 1);
            branch5x5_1 = Conv(input, 48, 1);
            branch5x5_2 = Conv(48, 64, 5, padding: 2);
            branch3x3dbl_1 = Conv(input, 64, 1);
            branch3x3dbl_2 = Conv(64, 96, 3, padding: 1);
            branch3x3dbl_3 = Conv(96, 96, 3, padding: 1);
            branch_pool = Conv(input, poolFeatures, 1);
            RegisterComponents();
        }

        public override Tensor forward(Tensor x) => cat(
        [
            branch1x1.forward(x),
            branch5x5_2.forward(branch5x5_1.forward(x)),
            branch3x3dbl_3.forward(branch3x3dbl_2.forward(branch3x3dbl_1.forward(x))),
            branch_pool.forward(AvgPool3x3(x)),
        ], 1);
    }

    /// <summary>Grid reduction 35×35 → 17×17: strided 3×3, strided double 3×3, max pooling.</summary>
    private sealed class InceptionB : nn.Module<Tensor, Tensor>
    {
        private readonly nn.Module<Tensor, Tensor> branch3x3, branch3x3dbl_1, branch3x3dbl_2, branch3x3dbl_3;

        public InceptionB(long input) : base(nameof(InceptionB))
        {
            branch3x3 = Conv(input, 384, 3, stride: 2);
            branch3x3dbl_1 = Conv(input, 64, 1);
            branch3x3dbl_2 = Conv(64, 96, 3, padding: 1);
            branch3x3dbl_3 = Conv(96, 96, 3, stride: 2);
            RegisterComponents();
        }

        public override Tensor forward(Tensor x) => cat(
        [
            branch3x3.forward(x),
            branch3x3dbl_3.forward(branch3x3dbl_2.forward(branch3x3dbl_1.forward(x))),
            nn.functional.max_pool2d(x, 3, stride: 2),
        ], 1);
    }

    /// <summary>17×17 block with factorized 7×7 convolutions (1×7 then 7×1) of <c>c7</c> channels.</summary>
    private sealed class InceptionC : nn.Module<Tensor, Tensor>
    {
        private readonly nn.Module<Tensor, Tensor> branch1x1, branch7x7_1, branch7x7_2, branch7x7_3,
            branch7x7dbl_1, branch7x7dbl_2, branch7x7dbl_3, branch7x7dbl_4, branch7x7dbl_5, branch_pool;

        public InceptionC(long input, long c7) : base(nameof(InceptionC))
        {
            branch1x1 = Conv(input, 192, 1);
            branch7x7_1 = Conv(input, c7, 1);
            branch7x7_2 = Conv(c7, c7, (1, 7));
            branch7x7_3 = Conv(c7, 192, (7, 1));
            branch7x7dbl_1 = Conv(input, c7, 1);
            branch7x7dbl_2 = Conv(c7, c7, (7, 1));
            branch7x7dbl_3 = Conv(c7, c7, (1, 7));
            branch7x7dbl_4 = Conv(c7, c7, (7, 1));
            branch7x7dbl_5 = Conv(c7, 192, (1, 7));
            branch_pool = Conv(input, 192, 1);
            RegisterComponents();
        }

        public override Tensor forward(Tensor x) => cat(
        [
            branch1x1.forward(x),
            branch7x7_3.forward(branch7x7_2.forward(branch7x7_1.forward(x))),
            branch7x7dbl_5.forward(branch7x7dbl_4.forward(branch7x7dbl_3.forward(branch7x7dbl_2.forward(branch7x7dbl_1.forward(x))))),
            branch_pool.forward(AvgPool3x3(x)),
        ], 1);
    }

    /// <summary>Grid reduction 17×17 → 8×8.</summary>
    private sealed class InceptionD : nn.Module<Tensor, Tensor>
    {
        private readonly nn.Module<Tensor, Tensor> branch3x3_1, branch3x3_2, branch7x7x3_1, branch7x7x3_2, branch7x7x3_3, branch7x7x3_4;

        public InceptionD(long input) : base(nameof(InceptionD))
        {
            branch3x3_1 = Conv(input, 192, 1);
            branch3x3_2 = Conv(192, 320, 3, stride: 2);
            branch7x7x3_1 = Conv(input, 192, 1);
            branch7x7x3_2 = Conv(192, 192, (1, 7));
            branch7x7x3_3 = Conv(192, 192, (7, 1));
            branch7x7x3_4 = Conv(192, 192, 3, stride: 2);
            RegisterComponents();
        }

        public override Tensor forward(Tensor x) => cat(
        [
            branch3x3_2.forward(branch3x3_1.forward(x)),
            branch7x7x3_4.forward(branch7x7x3_3.forward(branch7x7x3_2.forward(branch7x7x3_1.forward(x)))),
            nn.functional.max_pool2d(x, 3, stride: 2),
        ], 1);
    }

    /// <summary>8×8 block with expanded filter banks (1×3 and 3×1 side by side).</summary>
    private sealed class InceptionE : nn.Module<Tensor, Tensor>
    {
        private readonly nn.Module<Tensor, Tensor> branch1x1, branch3x3_1, branch3x3_2a, branch3x3_2b,
            branch3x3dbl_1, branch3x3dbl_2, branch3x3dbl_3a, branch3x3dbl_3b, branch_pool;

        public InceptionE(long input) : base(nameof(InceptionE))
        {
            branch1x1 = Conv(input, 320, 1);
            branch3x3_1 = Conv(input, 384, 1);
            branch3x3_2a = Conv(384, 384, (1, 3));
            branch3x3_2b = Conv(384, 384, (3, 1));
            branch3x3dbl_1 = Conv(input, 448, 1);
            branch3x3dbl_2 = Conv(448, 384, 3, padding: 1);
            branch3x3dbl_3a = Conv(384, 384, (1, 3));
            branch3x3dbl_3b = Conv(384, 384, (3, 1));
            branch_pool = Conv(input, 192, 1);
            RegisterComponents();
        }

        public override Tensor forward(Tensor x)
        {
            var b3 = branch3x3_1.forward(x);
            var d3 = branch3x3dbl_2.forward(branch3x3dbl_1.forward(x));
            return cat(
            [
                branch1x1.forward(x),
                branch3x3_2a.forward(b3), branch3x3_2b.forward(b3),
                branch3x3dbl_3a.forward(d3), branch3x3dbl_3b.forward(d3),
                branch_pool.forward(AvgPool3x3(x)),
            ], 1);
        }
    }

    /// <summary>The auxiliary classifier on the 17×17 grid: 5×5 average pooling (stride 3), 1×1 and 5×5 convolutions, a linear layer.</summary>
    private sealed class InceptionAux : nn.Module<Tensor, Tensor>
    {
        private readonly nn.Module<Tensor, Tensor> conv0, conv1;
        private readonly TorchSharp.Modules.Linear fc;

        public InceptionAux(long input, long classes) : base(nameof(InceptionAux))
        {
            conv0 = Conv(input, 128, 1);
            conv1 = Conv(128, 768, 5);
            fc = nn.Linear(768, classes);
            RegisterComponents();
        }

        public override Tensor forward(Tensor x)
        {
            x = conv1.forward(conv0.forward(nn.functional.avg_pool2d(x, 5, stride: 3)));
            return fc.forward(nn.functional.adaptive_avg_pool2d(x, [1, 1]).flatten(1));
        }
    }
}
