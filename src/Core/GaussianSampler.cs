namespace Rethink.Core;

/// <summary>Standard normal draws from a seeded <see cref="Random"/> (Marsaglia's polar method).</summary>
public sealed class GaussianSampler(Random random)
{
    /// <summary>A sampler over <c>new Random(seed)</c>.</summary>
    public GaussianSampler(int seed) : this(new Random(seed)) { }

    private double _spare;
    private bool _hasSpare;

    /// <summary>The uniform source of the draws.</summary>
    public Random Random { get; } = random;

    /// <summary>One standard normal draw (the polar method makes two at a time; the second is returned next).</summary>
    public double Next()
    {
        if (_hasSpare)
        {
            _hasSpare = false;
            return _spare;
        }
        double u, v, s;
        do
        {
            u = 2 * Random.NextDouble() - 1;
            v = 2 * Random.NextDouble() - 1;
            s = u * u + v * v;
        } while (s >= 1 || s == 0);
        var factor = Math.Sqrt(-2 * Math.Log(s) / s);
        _spare = v * factor;
        _hasSpare = true;
        return u * factor;
    }

    /// <summary>Fills <paramref name="destination"/> with standard normal draws.</summary>
    public void Fill(Span<double> destination)
    {
        for (var i = 0; i < destination.Length; i++) destination[i] = Next();
    }

    /// <summary>Fills <paramref name="destination"/> with standard normal draws, rounded to float.</summary>
    public void Fill(Span<float> destination)
    {
        for (var i = 0; i < destination.Length; i++) destination[i] = (float)Next();
    }
}
