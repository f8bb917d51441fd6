using System.Text.Json.Serialization;

namespace Rethink.Kernels;

/// <summary>
/// The kernel an experiment asks for, as data: a concrete kernel when its parameters are given, or a
/// bandwidth rule resolved on the training points (<see cref="Resolve(KernelOperand, int)"/>). Parsed once at the console
/// edge, written verbatim into results (polymorphic JSON, discriminated by "kind").
/// </summary>
[JsonPolymorphic(TypeDiscriminatorPropertyName = "kind")]
[JsonDerivedType(typeof(GaussianSpec), "gaussian")]
[JsonDerivedType(typeof(LaplacianSpec), "laplacian")]
[JsonDerivedType(typeof(PolynomialSpec), "polynomial")]
[JsonDerivedType(typeof(LinearSpec), "linear")]
[JsonDerivedType(typeof(ArcCosineSpec), "arc-cosine")]
public abstract record KernelSpec
{
    /// <summary>The kernels' names, as configs and results write them.</summary>
    public static readonly IReadOnlyList<string> Names = ["gaussian", "laplacian", "polynomial", "linear", "arc-cosine"];

    /// <summary>The console name of the kernel.</summary>
    [JsonIgnore]
    public abstract string Name { get; }

    /// <summary>Throws <see cref="Core.UserInputException"/> for a parameter out of range.</summary>
    public virtual void Validate() { }

    /// <summary>The kernel for these training points (coordinates or stored products), and the bandwidth when a rule chose it.</summary>
    public abstract (Kernel Kernel, Bandwidth? Bandwidth) Resolve(KernelOperand train, int seed);
}

/// <summary>exp(−γ‖x − x′‖²) with γ = <see cref="Value"/> (rule given) or γ = <see cref="Value"/> / scale (median or variance rule).</summary>
public sealed record GaussianSpec(BandwidthRule Rule = BandwidthRule.Given, double Value = 0.02) : KernelSpec
{
    /// <inheritdoc/>
    public override string Name => "gaussian";

    /// <inheritdoc/>
    public override void Validate()
    {
        if (!(Value > 0) || double.IsInfinity(Value))
            throw new Core.UserInputException(Rule == BandwidthRule.Given ? "Gamma" : "Multiplier", Value, "a positive finite number.");
    }

    /// <inheritdoc/>
    public override (Kernel, Bandwidth?) Resolve(KernelOperand train, int seed)
    {
        var b = Rule == BandwidthRule.Given ? Bandwidth.Given(Value) : Bandwidth.Resolve(Rule, Value, train, seed);
        return (new GaussianKernel(b.Gamma), b);
    }
}

/// <summary>exp(−‖x − x′‖/σ) with σ = <see cref="Value"/> (rule given) or σ = √scale / <see cref="Value"/>.</summary>
public sealed record LaplacianSpec(BandwidthRule Rule = BandwidthRule.Given, double Value = 1) : KernelSpec
{
    /// <inheritdoc/>
    public override string Name => "laplacian";

    /// <inheritdoc/>
    public override void Validate()
    {
        if (!(Value > 0) || double.IsInfinity(Value))
            throw new Core.UserInputException(Rule == BandwidthRule.Given ? "Gamma" : "Multiplier", Value, Rule == BandwidthRule.Given ? "sigma of the Laplacian: a positive finite number." : "a positive finite number.");
    }

    /// <inheritdoc/>
    public override (Kernel, Bandwidth?) Resolve(KernelOperand train, int seed) =>
        From(Rule == BandwidthRule.Given ? null : Bandwidth.Resolve(Rule, Value, train, seed));

    private (Kernel, Bandwidth?) From(Bandwidth? resolved)
    {
        var b = resolved ?? new Bandwidth(BandwidthRule.Given, double.NaN, 1, 1 / (Value * Value), Value);
        return (new LaplacianKernel(b.Sigma), b);
    }
}

/// <summary>(γ⟨x, x′⟩ + c₀)^degree; γ null means 1/d.</summary>
public sealed record PolynomialSpec(int Degree = 2, double? Gamma = null, double Coef0 = 1) : KernelSpec
{
    /// <inheritdoc/>
    public override string Name => "polynomial";

    /// <inheritdoc/>
    public override void Validate()
    {
        if (Degree < 1) throw new Core.UserInputException(nameof(Degree), Degree, "at least 1.");
        if (Gamma is { } g && !(g > 0 && double.IsFinite(g))) throw new Core.UserInputException(nameof(Gamma), g, "a positive finite number.");
    }

    /// <inheritdoc/>
    public override (Kernel, Bandwidth?) Resolve(KernelOperand train, int seed) => (new PolynomialKernel(Degree, Gamma ?? 1.0 / train.Dimension, Coef0), null);
}

/// <summary>⟨x, x′⟩.</summary>
public sealed record LinearSpec : KernelSpec
{
    /// <inheritdoc/>
    public override string Name => "linear";
    /// <inheritdoc/>
    public override (Kernel, Bandwidth?) Resolve(KernelOperand train, int seed) => (new LinearKernel(), null);
}

/// <summary>The arc-cosine kernel of degree 1.</summary>
public sealed record ArcCosineSpec : KernelSpec
{
    /// <inheritdoc/>
    public override string Name => "arc-cosine";
    /// <inheritdoc/>
    public override (Kernel, Bandwidth?) Resolve(KernelOperand train, int seed) => (new ArcCosineKernel(), null);
}
