using TorchSharp;
using static TorchSharp.torch;

namespace Rethink.Deep;

/// <summary>
/// SGD with momentum and L2 weight decay, PyTorch's semantics (dampening 0, not Nesterov):
/// g ← ∇ + wd·w; v ← μ·v + g; w ← w − lr·v. Its momentum buffers are exposed so that checkpoints
/// can save and restore them exactly.
/// </summary>
public sealed class SgdMomentum : IDisposable
{
    private readonly IReadOnlyList<TorchSharp.Modules.Parameter> _parameters;
    private readonly double _momentum;
    private readonly double _weightDecay;

    /// <summary>Momentum buffers for <paramref name="parameters"/>, zero at first.</summary>
    public SgdMomentum(IEnumerable<TorchSharp.Modules.Parameter> parameters, double momentum, double weightDecay)
    {
        _parameters = parameters.ToList();
        _momentum = momentum;
        _weightDecay = weightDecay;
        Buffers = _parameters.Select(p => zeros_like(p).DetachFromDisposeScope()).ToList();
    }

    /// <summary>The momentum buffers v, one per parameter, in order.</summary>
    public IReadOnlyList<Tensor> Buffers { get; }

    /// <summary>The parameters it updates.</summary>
    public IReadOnlyList<TorchSharp.Modules.Parameter> Parameters => _parameters;

    /// <summary>Sets every parameter's gradient to zero.</summary>
    public void ZeroGrad()
    {
        foreach (var p in _parameters) p.grad?.zero_();
    }

    /// <summary>One update with step size <paramref name="learningRate"/>.</summary>
    public void Step(double learningRate)
    {
        using var _ = no_grad();
        // Scalars are created and disposed explicitly: an implicit double → Scalar conversion leaves a
        // native object that the GC may finalize while the call that uses it is still running
        // (seen here as a rare "toFloat: Expected false to be true" deep in a long run).
        using var momentum = _momentum.ToScalar();
        using var decay = _weightDecay.ToScalar();
        using var step = (-learningRate).ToScalar();
        // add_(Tensor) without an alpha makes its own Scalar 1 the same implicit way (TorchSharp 0.107):
        // it failed once so in CI, inside the momentum update; the alpha is given explicitly.
        using var one = 1.0.ToScalar();
        for (var i = 0; i < _parameters.Count; i++)
        {
            var p = _parameters[i];
            if (p.grad is not { } grad) continue;
            using var g = _weightDecay != 0 ? grad.add(p, decay) : grad.alias();
            Buffers[i].mul_(momentum).add_(g, one);
            p.add_(Buffers[i], step);
        }
        GC.KeepAlive(momentum);
        GC.KeepAlive(decay);
        GC.KeepAlive(step);
        GC.KeepAlive(one);
    }

    /// <summary>Frees the buffers.</summary>
    public void Dispose()
    {
        foreach (var b in Buffers) b.Dispose();
    }
}
