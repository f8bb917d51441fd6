using System.Numerics.Tensors;
using System.Text.Json.Serialization;

namespace Rethink.Kernels;

/// <summary>
/// A positive semi-definite kernel k(x, x′) written as a function of ⟨x, x′⟩, ‖x‖² and ‖x′‖², so that
/// a Gram matrix is one BLAS product followed by an element-wise transform.
/// </summary>
/// <remarks>
/// <see cref="Gram(FeatureMatrix, FeatureMatrix?)"/> is the pure, direct definition: n₁×n₂ (row-major)
/// for x1 (n₁×d) and x2 (n₂×d); a null x2 means the symmetric case K(x1, x1). Squared distances are
/// clamped at 0 (rounding can make ‖x‖² + ‖x′‖² − 2⟨x,x′⟩ slightly negative). The tiled native
/// builders apply the same <see cref="Transform(Span{double}, ReadOnlySpan{double}, double)"/>.
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

    /// <summary>
    /// Strictly positive definite on distinct points (Gaussian, Laplacian): the Gram matrix of distinct
    /// points is then SPD in exact arithmetic and Cholesky is expected to succeed.
    /// </summary>
    public virtual bool StrictlyPositiveDefinite => false;

    /// <summary>In place: values[i] ← k(values[i] = ⟨xᵢ, y⟩, squaredNorms[i], squaredNormY).</summary>
    public virtual void Transform(Span<double> values, ReadOnlySpan<double> squaredNorms, double squaredNormY)
    {
        for (var i = 0; i < values.Length; i++) values[i] = Evaluate(values[i], squaredNorms[i], squaredNormY);
    }

    /// <inheritdoc cref="Transform(Span{double}, ReadOnlySpan{double}, double)"/>
    public virtual void Transform(Span<float> values, ReadOnlySpan<float> squaredNorms, float squaredNormY)
    {
        for (var i = 0; i < values.Length; i++) values[i] = (float)Evaluate(values[i], squaredNorms[i], squaredNormY);
    }

    /// <summary>Squared distance from the inner product and norms, clamped at 0.</summary>
    public static double SquaredDistance(double dot, double squaredNormX, double squaredNormY) =>
        Math.Max(squaredNormX + squaredNormY - 2 * dot, 0.0);

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
                var b = other.Row(j);
                double dot = 0;
                for (var t = 0; t < a.Length; t++) dot += a[t] * b[t];
                k[(long)i * n2 + j] = Evaluate(dot, n1Norms[i], n2Norms[j]);
            }
        });
        return k;
    }
}

/// <summary>k(x, x′) = exp(−γ‖x − x′‖²).</summary>
public sealed record GaussianKernel(double Gamma) : Kernel
{
    public override string Describe() => $"gaussian(gamma={Gamma:G6})";
    public override bool StrictlyPositiveDefinite => true;
    public override double Evaluate(double dot, double nx, double ny) => Math.Exp(-Gamma * SquaredDistance(dot, nx, ny));

    public override void Transform(Span<double> values, ReadOnlySpan<double> norms, double ny)
    {
        // v ← min(2·dot − ‖xᵢ‖² − ‖y‖², 0)·γ, then exp: vectorized.
        TensorPrimitives.Multiply(values, 2.0, values);
        TensorPrimitives.Subtract(values, norms, values);
        TensorPrimitives.Subtract(values, ny, values);
        TensorPrimitives.Min(values, 0.0, values);
        TensorPrimitives.Multiply(values, Gamma, values);
        TensorPrimitives.Exp(values, values);
    }

    public override void Transform(Span<float> values, ReadOnlySpan<float> norms, float ny)
    {
        TensorPrimitives.Multiply(values, 2f, values);
        TensorPrimitives.Subtract(values, norms, values);
        TensorPrimitives.Subtract(values, ny, values);
        TensorPrimitives.Min(values, 0f, values);
        TensorPrimitives.Multiply(values, (float)Gamma, values);
        TensorPrimitives.Exp(values, values);
    }
}

/// <summary>k(x, x′) = exp(−‖x − x′‖ / σ).</summary>
public sealed record LaplacianKernel(double Sigma) : Kernel
{
    public override string Describe() => $"laplacian(sigma={Sigma:G6})";
    public override bool StrictlyPositiveDefinite => true;
    public override double Evaluate(double dot, double nx, double ny) => Math.Exp(-Math.Sqrt(SquaredDistance(dot, nx, ny)) / Sigma);
}

/// <summary>k(x, x′) = (γ⟨x, x′⟩ + c₀)^degree.</summary>
public sealed record PolynomialKernel(int Degree, double Gamma = 1.0, double Coef0 = 1.0) : Kernel
{
    public override string Describe() => $"polynomial(degree={Degree}, gamma={Gamma:G6}, coef0={Coef0:G6})";
    public override double Evaluate(double dot, double nx, double ny) => Math.Pow(Gamma * dot + Coef0, Degree);
}

/// <summary>k(x, x′) = ⟨x, x′⟩: rank at most d, so singular whenever d &lt; n.</summary>
public sealed record LinearKernel : Kernel
{
    public override string Describe() => "linear";
    public override double Evaluate(double dot, double nx, double ny) => dot;
    public override void Transform(Span<double> values, ReadOnlySpan<double> norms, double ny) { }
    public override void Transform(Span<float> values, ReadOnlySpan<float> norms, float ny) { }
}

/// <summary>
/// The arc-cosine kernel of degree 1 (Cho and Saul 2009), the kernel of an infinitely wide one-layer
/// ReLU network: k(x, x′) = (1/π)‖x‖‖x′‖(sin θ + (π − θ) cos θ), θ = arccos(⟨x, x′⟩ / (‖x‖‖x′‖)).
/// </summary>
public sealed record ArcCosineKernel : Kernel
{
    public override string Describe() => "arc-cosine(degree=1)";

    public override double Evaluate(double dot, double nx, double ny)
    {
        var norms = Math.Sqrt(nx * ny);
        if (norms == 0) return 0;
        var cos = Math.Clamp(dot / norms, -1.0, 1.0);
        var theta = Math.Acos(cos);
        return norms / Math.PI * (Math.Sin(theta) + (Math.PI - theta) * cos);
    }
}
