namespace Rethink.Theory;

/// <summary>
/// The sequences given to Lemma 1 do not interleave as b₁ &lt; x₁ &lt; b₂ &lt; x₂ &lt; … &lt; bₙ &lt; xₙ.
/// <see cref="Index"/> is the first (0-based) index where the chain breaks.
/// </summary>
public sealed class NotInterleavingException(string parameterName, int index, string message)
    : ArgumentException(message, parameterName)
{
    /// <summary>The first index at which the sequences fail to interleave.</summary>
    public int Index { get; } = index;
}
