namespace Rethink.Kernels.Formulas;

/// <summary>k(x, x′) = exp(−‖x − x′‖ / σ).</summary>
public readonly struct LaplacianFormula(double sigma) : IKernelFormula
{
    private readonly double _inverse = 1 / sigma;
    private readonly float _inverseF = (float)(1 / sigma);

    /// <inheritdoc/>
    public double Evaluate(double dot, double nx, double ny) => KernelMath.Exp(-Math.Sqrt(Distances.Squared(dot, nx, ny)) * _inverse);
    /// <inheritdoc/>
    public float Evaluate(float dot, float nx, float ny) => KernelMath.Exp(-MathF.Sqrt(Distances.Squared(dot, nx, ny)) * _inverseF);
}
