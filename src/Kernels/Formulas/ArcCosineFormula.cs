namespace Rethink.Kernels.Formulas;

/// <summary>
/// The arc-cosine kernel of degree 1 (Cho and Saul 2009): k(x, x′) = (1/π)‖x‖‖x′‖(sin θ + (π − θ) cos θ),
/// θ = arccos(⟨x, x′⟩ / (‖x‖‖x′‖)); 0 when either point is 0.
/// </summary>
public readonly struct ArcCosineFormula : IKernelFormula
{
    /// <inheritdoc/>
    public double Evaluate(double dot, double nx, double ny)
    {
        var norms = Math.Sqrt(nx * ny);
        if (norms == 0) return 0;
        var c = dot / norms;
        if (c > 1) c = 1;
        if (c < -1) c = -1;
        var theta = Math.Acos(c);
        return norms / Math.PI * (Math.Sqrt(1 - c * c) + (Math.PI - theta) * c);
    }

    /// <inheritdoc/>
    public float Evaluate(float dot, float nx, float ny)
    {
        var norms = MathF.Sqrt(nx * ny);
        if (norms == 0) return 0;
        var c = dot / norms;
        if (c > 1) c = 1;
        if (c < -1) c = -1;
        var theta = MathF.Acos(c);
        return norms / MathF.PI * (MathF.Sqrt(1 - c * c) + (MathF.PI - theta) * c);
    }
}
