namespace Rethink.Theory;

/// <summary>One fully connected layer: y = W x + b, W stored row-major (outputs × inputs).</summary>
public sealed record DenseLayer(int Inputs, int Outputs, double[] Weights, double[] Biases)
{
    /// <summary>Parameters of the dense layer: weights and biases.</summary>
    public long Parameters => (long)Inputs * Outputs + Outputs;

    /// <summary>Entries of W that the construction sets to a nonzero value.</summary>
    public long NonZeroWeights => Weights.LongCount(w => w != 0);
}

/// <summary>
/// The depth-k construction: a ReLU network with k hidden layers of width ⌈n/k⌉ + 4 (the first
/// ⌈n/k⌉ + 2) that represents any labelling of n points — the paper's remark that depth trades for
/// width, made explicit.
/// </summary>
/// <remarks>
/// <para>Start from Theorem 1's network c(x) = Σⱼ wⱼ max(z − bⱼ, 0), z = ⟨a, x⟩, and split its n hidden
/// units into k consecutive blocks of at most m = ⌈n/k⌉. Hidden layer ℓ holds</para>
/// <list type="bullet">
/// <item>block ℓ's units hⱼ = max(z − bⱼ, 0);</item>
/// <item>z carried through ReLUs as the pair max(z, 0), max(−z, 0) (z = difference of the two);</item>
/// <item>from layer 2 on, the partial sum sₗ₋₁ = Σ over blocks 1..ℓ−1 of wⱼhⱼ carried as max(s, 0), max(−s, 0) —
/// formed linearly from the previous layer's block units and carried partial sum.</item>
/// </list>
/// <para>The linear output adds the last carried partial sum and block k's terms. Every layer's
/// pre-activations are linear in the previous layer's outputs, so this is an ordinary dense ReLU
/// network; its dense parameter count is reported per layer, beside the 2n + d free parameters
/// (a, b, w) it is built from. With k = 1 it is Theorem 1's network.</para>
/// </remarks>
public sealed class DepthNetwork
{
    private DepthNetwork(IReadOnlyList<DenseLayer> hidden, DenseLayer output, int depth, int blockSize)
    {
        Hidden = hidden;
        Output = output;
        Depth = depth;
        BlockSize = blockSize;
    }

    /// <summary>The k hidden layers, input to output.</summary>
    public IReadOnlyList<DenseLayer> Hidden { get; }
    /// <summary>The output layer (one unit).</summary>
    public DenseLayer Output { get; }

    /// <summary>k, the number of hidden layers.</summary>
    public int Depth { get; }

    /// <summary>m = ⌈n/k⌉, Theorem 1 units per layer.</summary>
    public int BlockSize { get; }

    /// <summary>The width of each hidden layer.</summary>
    public IReadOnlyList<int> Widths => Hidden.Select(l => l.Outputs).ToList();
    /// <summary>Weights and biases of the network stored densely (every layer a full matrix), for comparison with the 2n + d of Theorem 1.</summary>
    public long DenseParameters => Hidden.Sum(l => l.Parameters) + Output.Parameters;

    /// <summary>Builds the depth-k network from a fitted Theorem 1 network.</summary>
    public static DepthNetwork FromInterpolant(ReluInterpolant network, int depth)
    {
        ArgumentNullException.ThrowIfNull(network);
        var n = network.Width;
        if (depth < 1 || depth > n) throw new ArgumentOutOfRangeException(nameof(depth), depth, $"Depth must lie in 1..n = {n}.");
        var d = network.InputDimension;
        var a = network.Direction.ToArray();
        var b = network.Thresholds.ToArray();
        var w = network.Weights.ToArray();
        var m = (n + depth - 1) / depth;
        var blocks = Enumerable.Range(0, depth).Select(l => (Start: Math.Min(l * m, n), End: Math.Min((l + 1) * m, n))).ToList();
        var layers = new List<DenseLayer>();

        // Layer 1: block 1's units and the z carriers, straight from x.
        {
            var (start, end) = blocks[0];
            var units = end - start;
            var outputs = units + 2;
            var weights = new double[outputs * d];
            var biases = new double[outputs];
            for (var j = 0; j < units; j++) { a.CopyTo(weights, j * d); biases[j] = -b[start + j]; }
            for (var t = 0; t < d; t++) { weights[units * d + t] = a[t]; weights[(units + 1) * d + t] = -a[t]; }
            layers.Add(new DenseLayer(d, outputs, weights, biases));
        }
        for (var l = 1; l < depth; l++)
        {
            var previous = blocks[l - 1];
            var prevUnits = previous.End - previous.Start;
            var hasSum = l >= 2;
            var inputs = prevUnits + 2 + (hasSum ? 2 : 0);
            var (start, end) = blocks[l];
            var units = end - start;
            var outputs = units + 4;
            var weights = new double[outputs * inputs];
            var biases = new double[outputs];
            var zPlus = prevUnits;
            var zMinus = prevUnits + 1;
            for (var j = 0; j < units; j++)
            {
                weights[j * inputs + zPlus] = 1;
                weights[j * inputs + zMinus] = -1;
                biases[j] = -b[start + j];
            }
            // z carriers.
            weights[units * inputs + zPlus] = 1;
            weights[units * inputs + zMinus] = -1;
            weights[(units + 1) * inputs + zPlus] = -1;
            weights[(units + 1) * inputs + zMinus] = 1;
            // s = (carried s) + Σ_{previous block} w_j h_j, carried as its positive and negative parts.
            for (var sign = 0; sign < 2; sign++)
            {
                var row = (units + 2 + sign) * inputs;
                var factor = sign == 0 ? 1.0 : -1.0;
                for (var j = 0; j < prevUnits; j++) weights[row + j] = factor * w[previous.Start + j];
                if (hasSum)
                {
                    weights[row + prevUnits + 2] = factor;
                    weights[row + prevUnits + 3] = -factor;
                }
            }
            layers.Add(new DenseLayer(inputs, outputs, weights, biases));
        }
        // Output: last block's terms plus the carried partial sum.
        var last = blocks[^1];
        var lastUnits = last.End - last.Start;
        var finalInputs = layers[^1].Outputs;
        var outWeights = new double[finalInputs];
        for (var j = 0; j < lastUnits; j++) outWeights[j] = w[last.Start + j];
        if (depth >= 2)
        {
            outWeights[lastUnits + 2] = 1;
            outWeights[lastUnits + 3] = -1;
        }
        return new DepthNetwork(layers, new DenseLayer(finalInputs, 1, outWeights, [0.0]), depth, m);
    }

    /// <summary>The network's output: dense layers with ReLU, then the linear output layer.</summary>
    public double Evaluate(ReadOnlySpan<double> x)
    {
        if (x.Length != Hidden[0].Inputs) throw new ArgumentException($"The point has {x.Length} coordinates; the network takes {Hidden[0].Inputs}.", nameof(x));
        var current = x.ToArray();
        foreach (var layer in Hidden) current = Apply(layer, current, relu: true);
        return Apply(Output, current, relu: false)[0];
    }

    private static double[] Apply(DenseLayer layer, double[] input, bool relu)
    {
        var output = new double[layer.Outputs];
        for (var o = 0; o < layer.Outputs; o++)
        {
            var s = layer.Biases[o];
            var row = o * layer.Inputs;
            for (var i = 0; i < layer.Inputs; i++) s += layer.Weights[row + i] * input[i];
            output[o] = relu ? Math.Max(s, 0) : s;
        }
        return output;
    }
}
