using MathNet.Numerics.LinearAlgebra;

namespace Rethink.Theory;

/// <summary>Step sizes of (stochastic) gradient descent.</summary>
/// <param name="Initial">η₀.</param>
/// <param name="DecayEvery">Halve-free inverse decay: η_t = η₀ / (1 + t / DecayEvery); null keeps η constant.</param>
public sealed record StepSchedule(double Initial, double? DecayEvery = null)
{
    /// <summary>η_t, the step size of update <paramref name="t"/> (0-based).</summary>
    public double At(long t) => DecayEvery is { } tau ? Initial / (1 + t / tau) : Initial;
}

/// <summary>One recorded point of a trajectory.</summary>
/// <param name="Step">Updates done (SGD: single-example updates; GD: full-gradient steps).</param>
/// <param name="DistanceToRowSpace">‖(I − X⁺X)(w − w₀)‖: how far the iterate has left w₀ + row space of X.</param>
/// <param name="Residual">‖Xw − y‖.</param>
/// <param name="GapToLimit">‖w − w∞‖ with w∞ = X⁺y + (I − X⁺X)w₀.</param>
public sealed record TrajectoryPoint(long Step, double DistanceToRowSpace, double Residual, double GapToLimit);

/// <summary>What a run of (S)GD on least squares did.</summary>
/// <param name="Weights">Final w.</param>
/// <param name="Trajectory">Recorded points.</param>
/// <param name="MaxDistanceToRowSpace">Largest distance to w₀ + row(X) over every step (not only recorded ones).</param>
/// <param name="MinimumNormGap">‖w − X⁺y‖ / ‖X⁺y‖ at the end (for w₀ = 0, the distance to the minimum-norm interpolant).</param>
/// <param name="LimitGap">‖w − w∞‖ / ‖w∞‖ at the end.</param>
public sealed record LeastSquaresRun(double[] Weights, IReadOnlyList<TrajectoryPoint> Trajectory, double MaxDistanceToRowSpace, double MinimumNormGap, double LimitGap);

/// <summary>
/// Section 5 of the paper: for over-parameterized least squares (d ≥ n, X of full row rank), gradient
/// descent and SGD started at w₀ only ever add multiples of the rows xᵢ, so w − w₀ stays in the row
/// space of X, and the iterates converge to w∞ = X⁺y + (I − X⁺X)w₀ — for w₀ = 0 the minimum-norm
/// interpolant X⁺y = Xᵀ(XXᵀ)⁻¹y. In coefficient form w = Xᵀα (+ w₀), the same iteration is
/// α ← α − η(Kα − r) with K = XXᵀ: the kernel form, which converges to K⁻¹y.
/// </summary>
public static class ImplicitRegularization
{
    /// <summary>X⁺y = Xᵀ(XXᵀ)⁻¹y for X of full row rank (Cholesky of the n×n Gram matrix).</summary>
    public static Vector<double> MinimumNormSolution(Matrix<double> x, Vector<double> y)
    {
        if (x.RowCount > x.ColumnCount)
            throw new ArgumentException($"X is {x.RowCount}x{x.ColumnCount}: the minimum-norm interpolant needs d >= n (over-parameterized).", nameof(x));
        var gram = x * x.Transpose();
        return x.TransposeThisAndMultiply(gram.Cholesky().Solve(y));
    }

    /// <summary>w∞ = X⁺y + (I − X⁺X)w₀.</summary>
    public static Vector<double> Limit(Matrix<double> x, Vector<double> y, Vector<double> w0)
    {
        var minimum = MinimumNormSolution(x, y);
        return minimum + (w0 - ProjectOntoRowSpace(x, w0));
    }

    /// <summary>The orthogonal projection X⁺X v onto the row space of X.</summary>
    public static Vector<double> ProjectOntoRowSpace(Matrix<double> x, Vector<double> v)
    {
        var gram = x * x.Transpose();
        return x.TransposeThisAndMultiply(gram.Cholesky().Solve(x * v));
    }

    /// <summary>
    /// Full-batch gradient descent on ½‖Xw − y‖²: w ← w − η Xᵀ(Xw − y). Converges for η &lt; 2/σ_max(X)².
    /// </summary>
    public static LeastSquaresRun GradientDescent(Matrix<double> x, Vector<double> y, Vector<double> w0, StepSchedule step, int steps, int recordEvery = 1) =>
        Iterate(x, y, w0, steps, recordEvery, (w, t, _) =>
        {
            var gradient = x.TransposeThisAndMultiply(x * w - y);
            w.Subtract(gradient * step.At(t), w);
        }, null);

    /// <summary>
    /// SGD on ½(⟨xᵢ, w⟩ − yᵢ)², one example per step in a seeded random order per epoch:
    /// w ← w − η_t (⟨xᵢ, w⟩ − yᵢ) xᵢ. Each update adds a multiple of one row, so w − w₀ ∈ row(X) exactly
    /// in exact arithmetic; the recorded distance measures the rounding.
    /// </summary>
    public static LeastSquaresRun StochasticGradientDescent(Matrix<double> x, Vector<double> y, Vector<double> w0, StepSchedule step, int steps, int seed, int recordEvery = 1)
    {
        var random = new Random(seed);
        var order = Enumerable.Range(0, x.RowCount).ToArray();
        var position = order.Length;
        return Iterate(x, y, w0, steps, recordEvery, (w, t, _) =>
        {
            if (position == order.Length) { random.Shuffle(order); position = 0; }
            var i = order[position++];
            var row = x.Row(i);
            var error = row.DotProduct(w) - y[i];
            w.Subtract(row * (step.At(t) * error), w);
        }, null);
    }

    private static LeastSquaresRun Iterate(Matrix<double> x, Vector<double> y, Vector<double> w0, int steps, int recordEvery,
        Action<Vector<double>, long, object?> update, object? state)
    {
        if (w0.Count != x.ColumnCount) throw new ArgumentException($"w0 has {w0.Count} entries; X has {x.ColumnCount} columns.", nameof(w0));
        if (y.Count != x.RowCount) throw new ArgumentException($"y has {y.Count} entries; X has {x.RowCount} rows.", nameof(y));
        var gram = x * x.Transpose();
        var cholesky = gram.Cholesky();
        var minimum = x.TransposeThisAndMultiply(cholesky.Solve(y));
        Vector<double> Row(Vector<double> v) => x.TransposeThisAndMultiply(cholesky.Solve(x * v));
        var limit = minimum + (w0 - Row(w0));
        var w = w0.Clone();
        var trajectory = new List<TrajectoryPoint>();
        double maxDistance = 0;
        for (long t = 0; t <= steps; t++)
        {
            if (t > 0) update(w, t - 1, state);
            var delta = w - w0;
            var distance = (delta - Row(delta)).L2Norm();
            maxDistance = Math.Max(maxDistance, distance);
            if (t % recordEvery == 0 || t == steps)
                trajectory.Add(new TrajectoryPoint(t, distance, (x * w - y).L2Norm(), (w - limit).L2Norm()));
        }
        return new LeastSquaresRun(w.ToArray(), trajectory, maxDistance,
            (w - minimum).L2Norm() / Math.Max(minimum.L2Norm(), double.Epsilon), (w - limit).L2Norm() / Math.Max(limit.L2Norm(), double.Epsilon));
    }

    /// <summary>
    /// The kernel form: gradient descent in coefficient space, α ← α − η(Kα − y), from α = 0. For K
    /// positive definite and η &lt; 2/λ_max(K) it converges to K⁻¹y, the minimum-RKHS-norm interpolant.
    /// Returns α and ‖α − K⁻¹y‖ / ‖K⁻¹y‖ per recorded step.
    /// </summary>
    public static (Vector<double> Alpha, IReadOnlyList<(long Step, double Gap)> Gaps) KernelGradientDescent(Matrix<double> k, Vector<double> y, double step, int steps, int recordEvery = 1)
    {
        var target = k.Cholesky().Solve(y);
        var alpha = Vector<double>.Build.Dense(y.Count);
        var gaps = new List<(long, double)>();
        for (var t = 0; t <= steps; t++)
        {
            if (t > 0) alpha.Subtract((k * alpha - y) * step, alpha);
            if (t % recordEvery == 0 || t == steps) gaps.Add((t, (alpha - target).L2Norm() / target.L2Norm()));
        }
        return (alpha, gaps);
    }
}
