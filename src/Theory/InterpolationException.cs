namespace Rethink.Theory;

/// <summary>Why a Theorem 1 fit was refused; <see cref="Reason"/> says which rule failed.</summary>
public sealed class InterpolationException(InterpolationFailure reason, string message) : ArgumentException(message)
{
    /// <summary>Which rule of the construction failed.</summary>
    public InterpolationFailure Reason { get; } = reason;
}

/// <summary>Why <see cref="ReluInterpolation.Fit"/> refused a sample.</summary>
public enum InterpolationFailure
{
    /// <summary>A coordinate or label is NaN or infinite.</summary>
    NonFiniteInput,
    /// <summary>Shapes of points and labels disagree, or there are no points.</summary>
    ShapeMismatch,
    /// <summary>Two identical points carry different labels: no function fits both.</summary>
    ConflictingLabels,
    /// <summary>Distinct points kept colliding in projection (or too close to fit a threshold between them) for every direction tried.</summary>
    DegenerateProjection,
    /// <summary>A weight overflowed: projections are too close for the labels' scale in double precision.</summary>
    WeightOverflow,
}
