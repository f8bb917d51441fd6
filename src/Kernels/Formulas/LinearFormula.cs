namespace Rethink.Kernels.Formulas;

/// <summary>k(x, x′) = ⟨x, x′⟩.</summary>
public readonly struct LinearFormula : IKernelFormula
{
    /// <inheritdoc/>
    public double Evaluate(double dot, double nx, double ny) => dot;
    /// <inheritdoc/>
    public float Evaluate(float dot, float nx, float ny) => dot;
}
