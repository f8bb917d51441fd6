using System.Runtime.Intrinsics;
using System.Numerics.Tensors;
using System.Text.Json.Serialization;
using Rethink.Kernels.Formulas;

namespace Rethink.Kernels;

/// <summary>
/// A positive semi-definite kernel k(x, x′) written as a function of ⟨x, x′⟩, ‖x‖² and ‖x′‖², so that
/// a Gram matrix is one BLAS product followed by an element-wise transform.
/// </summary>
/// <remarks>
/// <see cref="Gram(FeatureMatrix, FeatureMatrix?)"/> is the pure, direct definition: n₁×n₂ (row-major)
/// for x1 (n₁×d) and x2 (n₂×d); a null x2 means the symmetric case K(x1, x1), whose diagonal is k at
/// distance exactly 0 (<see cref="Diagonal(double)"/>). Squared distances are clamped at 0 (rounding can make
/// ‖x‖² + ‖x′‖² − 2⟨x,x′⟩ slightly negative). Each kernel's formula is one struct
/// (<see cref="IKernelFormula"/>) used by the CPU transforms and the ILGPU kernels alike.
/// </remarks>
[JsonPolymorphic(TypeDiscriminatorPropertyName = "kind")]
[JsonDerivedType(typeof(GaussianKernel), "gaussian")]
[JsonDerivedType(typeof(LaplacianKernel), "laplacian")]
[JsonDerivedType(typeof(PolynomialKernel), "polynomial")]
[JsonDerivedType(typeof(LinearKernel), "linear")]
[JsonDerivedType(typeof(ArcCosineKernel), "arc-cosine")]
public abstract record Kernel
{
    /// <summary>Short name with parameters, e.g. "gaussian(gamma=0.02)".</summary>
    public abstract string Describe();

    /// <summary>k from the inner product and the two squared norms.</summary>
    public abstract double Evaluate(double dot, double squaredNormX, double squaredNormY);

    /// <summary>k in float arithmetic.</summary>
    public abstract float Evaluate(float dot, float squaredNormX, float squaredNormY);

    /// <summary>k(x, x) from ‖x‖²: the formula at distance exactly 0 (the diagonal of every symmetric Gram matrix).</summary>
    public double Diagonal(double squaredNorm) => Evaluate(squaredNorm, squaredNorm, squaredNorm);

    /// <inheritdoc cref="Diagonal(double)"/>
    public float Diagonal(float squaredNorm) => Evaluate(squaredNorm, squaredNorm, squaredNorm);

    /// <summary>
    /// Strictly positive definite on distinct points (Gaussian, Laplacian): the Gram matrix of distinct
    /// points is then SPD in exact arithmetic and Cholesky is expected to succeed.
    /// </summary>
    [JsonIgnore]
    public virtual bool StrictlyPositiveDefinite => false;

    /// <summary>In place: values[i] ← k(values[i] = ⟨xᵢ, y⟩, squaredNorms[i], squaredNormY).</summary>
    public abstract void Transform(Span<double> values, ReadOnlySpan<double> squaredNorms, double squaredNormY);

    /// <inheritdoc cref="Transform(Span{double}, ReadOnlySpan{double}, double)"/>
    public abstract void Transform(Span<float> values, ReadOnlySpan<float> squaredNorms, float squaredNormY);

    /// <summary>Hands this kernel's formula, as its struct type, to <paramref name="consumer"/>.</summary>
    public abstract TResult Apply<TResult>(IFormulaConsumer<TResult> consumer);

    /// <summary>Squared distance from the inner product and norms, clamped at 0.</summary>
    public static double SquaredDistance(double dot, double squaredNormX, double squaredNormY) => Distances.Squared(dot, squaredNormX, squaredNormY);

    /// <summary>The Gram matrix K[i, j] = k(x1ᵢ, x2ⱼ), row-major n₁×n₂, computed directly in double.</summary>
    public double[] Gram(FeatureMatrix x1, FeatureMatrix? x2 = null)
    {
        ArgumentNullException.ThrowIfNull(x1);
        var other = x2 ?? x1;
        if (other.Columns != x1.Columns)
            throw new ArgumentException($"x1 has {x1.Columns} features per point, x2 has {other.Columns}.", nameof(x2));
        var n1 = x1.Rows;
        var n2 = other.Rows;
        var n1Norms = x1.SquaredNorms();
        var n2Norms = x2 is null ? n1Norms : other.SquaredNorms();
        var k = new double[(long)n1 * n2];
        Parallel.For(0, n1, i =>
        {
            var a = x1.Row(i);
            for (var j = 0; j < n2; j++)
            {
                if (x2 is null && i == j)
                {
                    k[(long)i * n2 + j] = Diagonal(n1Norms[i]);
                    continue;
                }
                var b = other.Row(j);
                double dot = 0;
                for (var t = 0; t < a.Length; t++) dot += a[t] * b[t];
                k[(long)i * n2 + j] = Evaluate(dot, n1Norms[i], n2Norms[j]);
            }
        });
        return k;
    }
}

/// <summary>A kernel defined by one formula struct: evaluation, transforms and device code all use it.</summary>
public abstract record Kernel<TFormula> : Kernel where TFormula : unmanaged, IKernelFormula
{
    /// <summary>The formula with this kernel's parameters.</summary>
    [JsonIgnore]
    public abstract TFormula Formula { get; }

    /// <inheritdoc/>
    public override double Evaluate(double dot, double squaredNormX, double squaredNormY) => Formula.Evaluate(dot, squaredNormX, squaredNormY);
    /// <inheritdoc/>
    public override float Evaluate(float dot, float squaredNormX, float squaredNormY) => Formula.Evaluate(dot, squaredNormX, squaredNormY);
    /// <inheritdoc/>
    public override TResult Apply<TResult>(IFormulaConsumer<TResult> consumer) => consumer.Use(Formula);

    /// <inheritdoc/>
    public override void Transform(Span<double> values, ReadOnlySpan<double> squaredNorms, double squaredNormY)
    {
        var f = Formula;
        for (var i = 0; i < values.Length; i++) values[i] = f.Evaluate(values[i], squaredNorms[i], squaredNormY);
    }

    /// <inheritdoc/>
    public override void Transform(Span<float> values, ReadOnlySpan<float> squaredNorms, float squaredNormY)
    {
        var f = Formula;
        for (var i = 0; i < values.Length; i++) values[i] = f.Evaluate(values[i], squaredNorms[i], squaredNormY);
    }
}

/// <summary>k(x, x′) = exp(−γ‖x − x′‖²).</summary>
public sealed record GaussianKernel(double Gamma) : Kernel<GaussianFormula>
{
    /// <inheritdoc/>
    public override GaussianFormula Formula => new(Gamma);
    /// <inheritdoc/>
    public override string Describe() => $"gaussian(gamma={Gamma:G6})";
    /// <inheritdoc/>
    public override bool StrictlyPositiveDefinite => true;

    // Vectorized on the CPU (the Gram matrix's dominant element-wise cost): one fused pass for the
    // argument γ·min(2·dot − ‖xᵢ‖² − ‖y‖², 0) — the operations and order of numpy's in-place recipe,
    // so an FP64 Gram matrix here and there round alike — then the vectorized exponential.
    /// <inheritdoc/>
    public override void Transform(Span<double> values, ReadOnlySpan<double> norms, double ny)
    {
        Argument(values, norms, ny, Gamma);
        TensorPrimitives.Exp(values, values);
    }

    /// <inheritdoc/>
    public override void Transform(Span<float> values, ReadOnlySpan<float> norms, float ny)
    {
        Argument(values, norms, ny, (float)Gamma);
        TensorPrimitives.Exp(values, values);
    }

    // At the machine's widest accelerated vector (.NET's Vector<T> stays at 256 bits on AVX-512 CPUs, so
    // Vector512 is asked for by name), and
    // compiled optimized at once: the transform runs a few thousand times per Gram matrix, too few for tiered
    // compilation to replace its first, unoptimized code before a 2,000-point matrix is done. Element-wise
    // IEEE operations in a fixed order: every width gives the same bits.
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
    private static void Argument<T>(Span<T> values, ReadOnlySpan<T> norms, T ny, T gamma) where T : unmanaged, System.Numerics.INumber<T>
    {
        var two = T.One + T.One;
        var i = 0;
        if (Vector512.IsHardwareAccelerated && Vector512<T>.IsSupported)
        {
            var (twos, nys, gammas) = (Vector512.Create(two), Vector512.Create(ny), Vector512.Create(gamma));
            for (; i <= values.Length - Vector512<T>.Count; i += Vector512<T>.Count)
                Vector512.StoreUnsafe(Vector512.Min(Vector512.Create<T>(values[i..]) * twos - Vector512.Create<T>(norms[i..]) - nys, Vector512<T>.Zero) * gammas,
                    ref values[i]);
        }
        else if (System.Numerics.Vector.IsHardwareAccelerated)
        {
            // Vector<T>: 256 bits with AVX2, 128 with SSE or NEON.
            var (twos, nys, gammas) = (new System.Numerics.Vector<T>(two), new System.Numerics.Vector<T>(ny), new System.Numerics.Vector<T>(gamma));
            for (; i <= values.Length - System.Numerics.Vector<T>.Count; i += System.Numerics.Vector<T>.Count)
                (System.Numerics.Vector.Min(new System.Numerics.Vector<T>(values[i..]) * twos - new System.Numerics.Vector<T>(norms[i..]) - nys, System.Numerics.Vector<T>.Zero) * gammas)
                    .CopyTo(values[i..]);
        }
        for (; i < values.Length; i++) values[i] = T.Min(values[i] * two - norms[i] - ny, T.Zero) * gamma;
    }
}

/// <summary>k(x, x′) = exp(−‖x − x′‖ / σ).</summary>
public sealed record LaplacianKernel(double Sigma) : Kernel<LaplacianFormula>
{
    /// <inheritdoc/>
    public override LaplacianFormula Formula => new(Sigma);
    /// <inheritdoc/>
    public override string Describe() => $"laplacian(sigma={Sigma:G6})";
    /// <inheritdoc/>
    public override bool StrictlyPositiveDefinite => true;
}

/// <summary>k(x, x′) = (γ⟨x, x′⟩ + c₀)^degree.</summary>
public sealed record PolynomialKernel(int Degree, double Gamma = 1.0, double Coef0 = 1.0) : Kernel<PolynomialFormula>
{
    /// <inheritdoc/>
    public override PolynomialFormula Formula => new(Degree, Gamma, Coef0);
    /// <inheritdoc/>
    public override string Describe() => $"polynomial(degree={Degree}, gamma={Gamma:G6}, coef0={Coef0:G6})";
}

/// <summary>k(x, x′) = ⟨x, x′⟩: rank at most d, so singular whenever d &lt; n.</summary>
public sealed record LinearKernel : Kernel<LinearFormula>
{
    /// <inheritdoc/>
    public override LinearFormula Formula => default;
    /// <inheritdoc/>
    public override string Describe() => "linear";
    /// <inheritdoc/>
    public override void Transform(Span<double> values, ReadOnlySpan<double> norms, double ny) { }
    /// <inheritdoc/>
    public override void Transform(Span<float> values, ReadOnlySpan<float> norms, float ny) { }
}

/// <summary>
/// The arc-cosine kernel of degree 1 (Cho and Saul 2009), the kernel of an infinitely wide one-layer
/// ReLU network: k(x, x′) = (1/π)‖x‖‖x′‖(sin θ + (π − θ) cos θ), θ = arccos(⟨x, x′⟩ / (‖x‖‖x′‖)).
/// </summary>
public sealed record ArcCosineKernel : Kernel<ArcCosineFormula>
{
    /// <inheritdoc/>
    public override ArcCosineFormula Formula => default;
    /// <inheritdoc/>
    public override string Describe() => "arc-cosine(degree=1)";
}
