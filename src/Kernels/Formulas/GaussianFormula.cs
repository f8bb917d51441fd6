namespace Rethink.Kernels.Formulas;

/// <summary>k(x, x′) = exp(−γ‖x − x′‖²).</summary>
public readonly struct GaussianFormula(double gamma) : IKernelFormula
{
    private readonly double _gamma = gamma;
    private readonly float _gammaF = (float)gamma;

    /// <inheritdoc/>
    public double Evaluate(double dot, double nx, double ny) => KernelMath.Exp(-_gamma * Distances.Squared(dot, nx, ny));
    /// <inheritdoc/>
    public float Evaluate(float dot, float nx, float ny) => KernelMath.Exp(-_gammaF * Distances.Squared(dot, nx, ny));
}
