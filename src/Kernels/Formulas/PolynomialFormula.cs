namespace Rethink.Kernels.Formulas;

/// <summary>k(x, x′) = (γ⟨x, x′⟩ + c₀)^degree, the power by repeated multiplication (exact for small degrees, no pow on the device).</summary>
public readonly struct PolynomialFormula(int degree, double gamma, double coef0) : IKernelFormula
{
    private readonly int _degree = degree;
    private readonly double _gamma = gamma, _coef0 = coef0;

    /// <inheritdoc/>
    public double Evaluate(double dot, double nx, double ny)
    {
        var b = _gamma * dot + _coef0;
        var r = 1.0;
        for (var t = 0; t < _degree; t++) r *= b;
        return r;
    }

    /// <inheritdoc/>
    public float Evaluate(float dot, float nx, float ny)
    {
        var b = (float)_gamma * dot + (float)_coef0;
        var r = 1f;
        for (var t = 0; t < _degree; t++) r *= b;
        return r;
    }
}
