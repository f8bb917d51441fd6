namespace Rethink.Kernels.Formulas;

/// <summary>k(x, x′) = ⟨x, x′⟩.</summary>
public readonly struct LinearFormula : IKernelFormula
{
    public double Evaluate(double dot, double nx, double ny) => dot;
    public float Evaluate(float dot, float nx, float ny) => dot;
}
