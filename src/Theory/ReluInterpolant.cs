using Rethink.Core;
using System.Collections.Concurrent;
using System.Numerics.Tensors;

namespace Rethink.Theory;

/// <summary>
/// The two-layer ReLU network of Theorem 1, c(x) = Σⱼ wⱼ max(⟨a, x⟩ − bⱼ, 0), with exactly 2n + d
/// parameters: the direction a ∈ ℝᵈ, the thresholds b ∈ ℝⁿ (strictly increasing) and the output
/// weights w ∈ ℝⁿ.
/// </summary>
/// <remarks>
/// Two evaluators. <see cref="Evaluate(ReadOnlySpan{double})"/> is the library's: c is piecewise
/// linear in z = ⟨a, x⟩, so on the segment [bₖ, bₖ₊₁) it is stored as an anchor zₖ, the value there
/// and the slope Sₖ = w₁ + … + wₖ, and evaluated as value + slope·(z − anchor) after a binary search
/// over b — O(d + log n) per point, and free of the cancellation between huge weights of opposite
/// sign. <see cref="EvaluateLiteral(ReadOnlySpan{double})"/> computes the network as written, hidden
/// layer then output sum, in O(d + n); its rounding error is bounded by about (n + 2)·ε·Σⱼ|wⱼ|·hⱼ
/// (see <see cref="LiteralErrorBound"/>), which grows like 1/minᵢ(zᵢ − bᵢ) because the weights do.
/// </remarks>
public sealed class ReluInterpolant
{
    private readonly double[] _a;
    private readonly double[] _b;
    private readonly double[] _w;
    private readonly double[] _anchor;
    private readonly double[] _value;
    private readonly double[] _slope;

    internal ReluInterpolant(double[] direction, double[] thresholds, double[] weights, double[] anchors, double[] values, double[] slopes)
    {
        _a = direction;
        _b = thresholds;
        _w = weights;
        _anchor = anchors;
        _value = values;
        _slope = slopes;
    }

    /// <summary>d, the input dimension.</summary>
    public int InputDimension => _a.Length;

    /// <summary>n, the number of hidden units (one per distinct training point).</summary>
    public int Width => _b.Length;

    /// <summary>2n + d: the direction a, the thresholds b and the output weights w.</summary>
    public long ParameterCount => 2L * Width + InputDimension;

    /// <summary>The unit direction a (d entries).</summary>
    public ReadOnlySpan<double> Direction => _a;
    /// <summary>The thresholds b (n entries, interleaved with the sorted projections).</summary>
    public ReadOnlySpan<double> Thresholds => _b;
    /// <summary>The output weights w (n entries).</summary>
    public ReadOnlySpan<double> Weights => _w;

    /// <summary>Per segment k (z in [bₖ, bₖ₊₁)): the anchor projection zₖ, c(zₖ), and the slope Sₖ.</summary>
    public ReadOnlySpan<double> SegmentAnchors => _anchor;
    /// <summary>c(zₖ) at each segment's anchor.</summary>
    public ReadOnlySpan<double> SegmentValues => _value;
    /// <summary>The slope Sₖ = w₁ + … + wₖ on each segment.</summary>
    public ReadOnlySpan<double> SegmentSlopes => _slope;

    /// <summary>‖w‖₂.</summary>
    public double WeightNorm => TensorPrimitives.Norm(_w);

    /// <summary>maxⱼ |wⱼ|.</summary>
    public double MaxAbsWeight => TensorPrimitives.MaxMagnitude(_w) is var m ? Math.Abs(m) : 0;

    /// <summary>⟨a, x⟩.</summary>
    public double Project(ReadOnlySpan<double> x)
    {
        if (x.Length != _a.Length)
            throw new ArgumentException($"The point has {x.Length} coordinates; the network takes {_a.Length}.", nameof(x));
        return TensorPrimitives.Dot(_a, x);
    }

    /// <summary>c(x) with the segment evaluator.</summary>
    public double Evaluate(ReadOnlySpan<double> x) => EvaluateProjection(Project(x));

    /// <summary>c as a function of the projection z = ⟨a, x⟩ (segment evaluator, O(log n)).</summary>
    public double EvaluateProjection(double z)
    {
        var k = SegmentOf(z);
        return k < 0 ? 0.0 : _value[k] + _slope[k] * (z - _anchor[k]);
    }

    /// <summary>Index k of the last threshold bₖ ≤ z, or −1 when z lies before b₁ (where c is 0).</summary>
    public int SegmentOf(double z)
    {
        var i = Array.BinarySearch(_b, z);
        if (i >= 0)
        {
            // Thresholds are strictly increasing, so an exact hit is unique.
            return i;
        }
        return ~i - 1;
    }

    /// <summary>c(x) evaluated literally: h = max(⟨a,x⟩ − b, 0), then w·h (SIMD dot product).</summary>
    public double EvaluateLiteral(ReadOnlySpan<double> x) => EvaluateLiteralProjection(Project(x));

    /// <summary>c at projection <paramref name="z"/> = ⟨a, x⟩, evaluated literally (every hidden unit, then w·h).</summary>
    public double EvaluateLiteralProjection(double z)
    {
        var hidden = HiddenBuffer();
        ComputeHidden(z, hidden);
        return TensorPrimitives.Dot(_w, hidden);
    }

    /// <summary>
    /// A bound on the rounding error of <see cref="EvaluateLiteralProjection"/> at z:
    /// (n + 2)·ε·Σⱼ |wⱼ|·max(z − bⱼ, 0).
    /// </summary>
    public double LiteralErrorBound(double z)
    {
        var hidden = HiddenBuffer();
        ComputeHidden(z, hidden);
        TensorPrimitives.Abs(hidden, hidden);
        var magnitude = 0.0;
        for (var j = 0; j < hidden.Length; j++) magnitude += Math.Abs(_w[j]) * hidden[j];
        return (Width + 2) * InterleavingMatrix.MachineEpsilon * magnitude;
    }

    /// <summary>Evaluates every row of <paramref name="points"/> with the segment evaluator, in parallel.</summary>
    public double[] Evaluate(FeatureMatrix points)
    {
        ArgumentNullException.ThrowIfNull(points);
        if (points.Columns != InputDimension)
            throw new ArgumentException($"Points have dimension {points.Columns}; the network takes {InputDimension}.", nameof(points));
        var z = Projection.Project(points, _a);
        var output = new double[points.Rows];
        Parallel.ForEach(Partitioner.Create(0, points.Rows, 1 << 14), range =>
        {
            for (var i = range.Item1; i < range.Item2; i++) output[i] = EvaluateProjection(z[i]);
        });
        return output;
    }

    private void ComputeHidden(double z, Span<double> hidden)
    {
        // h_j = max(z - b_j, 0): one rounding per entry.
        TensorPrimitives.Subtract(z, _b, hidden);
        TensorPrimitives.Max(hidden, 0.0, hidden);
    }

    [ThreadStatic] private static double[]? t_hidden;

    private Span<double> HiddenBuffer()
    {
        if (t_hidden is null || t_hidden.Length < Width) t_hidden = new double[Width];
        return t_hidden.AsSpan(0, Width);
    }
}
