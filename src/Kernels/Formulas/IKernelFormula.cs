namespace Rethink.Kernels.Formulas;

/// <summary>
/// A kernel k(x, x′) as a function of ⟨x, x′⟩, ‖x‖² and ‖x′‖², written once for the CPU and for ILGPU
/// device code: implementations are small structs using only arithmetic, <see cref="KernelMath"/> and
/// intrinsics ILGPU compiles. The float overload computes in float throughout.
/// </summary>
public interface IKernelFormula
{
    /// <summary>k from the inner product and the two squared norms, in double.</summary>
    double Evaluate(double dot, double squaredNormX, double squaredNormY);

    /// <summary>k from the inner product and the two squared norms, in float.</summary>
    float Evaluate(float dot, float squaredNormX, float squaredNormY);
}

/// <summary>Receives a kernel's formula as a struct type, so that generic code (an ILGPU kernel per kind) can be specialized to it.</summary>
public interface IFormulaConsumer<out TResult>
{
    /// <summary>Receives <paramref name="formula"/> with its type known to the compiler.</summary>
    TResult Use<TFormula>(TFormula formula) where TFormula : unmanaged, IKernelFormula;
}

/// <summary>Squared distances from inner products, clamped at 0 (rounding can make them slightly negative).</summary>
public static class Distances
{
    /// <summary>‖x − y‖² = ‖x‖² + ‖y‖² − 2⟨x, y⟩, at least 0, in double.</summary>
    public static double Squared(double dot, double nx, double ny)
    {
        var d2 = nx + ny - 2 * dot;
        return d2 > 0 ? d2 : 0;
    }

    /// <summary>‖x − y‖² = ‖x‖² + ‖y‖² − 2⟨x, y⟩, at least 0, in float.</summary>
    public static float Squared(float dot, float nx, float ny)
    {
        var d2 = nx + ny - 2 * dot;
        return d2 > 0 ? d2 : 0;
    }
}
