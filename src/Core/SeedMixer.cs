namespace Rethink.Core;

/// <summary>
/// Derives independent, reproducible seeds from a master seed (SplitMix64 finalizer). Unlike
/// <see cref="HashCode.Combine{T1,T2}"/>, whose seed changes with every process, the result depends
/// only on the arguments.
/// </summary>
public static class SeedMixer
{
    /// <summary>A non-negative seed for stream <paramref name="stream"/> of master seed <paramref name="seed"/>: different streams give independent-looking seeds.</summary>
    public static int Mix(int seed, long stream)
    {
        var z = unchecked((ulong)seed * 0x9E3779B97F4A7C15UL + (ulong)stream * 0xBF58476D1CE4E5B9UL + 0x94D049BB133111EBUL);
        z = unchecked((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL);
        z = unchecked((z ^ (z >> 27)) * 0x94D049BB133111EBUL);
        z ^= z >> 31;
        return (int)(z & 0x7FFFFFFF);
    }

    /// <summary>A generator seeded with <see cref="Mix"/>(<paramref name="seed"/>, <paramref name="stream"/>).</summary>
    public static Random Random(int seed, long stream) => new(Mix(seed, stream));
}
