using FsCheck.Xunit;

[assembly: Rethink.Properties.SeededProperties]

namespace Rethink.Properties;

/// <summary>
/// One FsCheck seed for every property of a run, from <c>RETHINK_FSCHECK_SEED</c> (a number). CI sets
/// it per run and prints it first, so a failure in the log is replayed with
/// <c>RETHINK_FSCHECK_SEED=&lt;that number&gt; dotnet test</c>; without it FsCheck draws its own seeds,
/// and a failure still prints the replay pair to paste into <c>[Property(Replay = "…")]</c> as a regression.
/// </summary>
[AttributeUsage(AttributeTargets.Assembly)]
public sealed class SeededPropertiesAttribute : PropertiesAttribute
{
    public const string Variable = "RETHINK_FSCHECK_SEED";

    public SeededPropertiesAttribute()
    {
        if (Seed is { } seed)
            Replay = $"{seed},{(seed * 0x9E3779B97F4A7C15UL) | 1}";
    }

    /// <summary>The run's seed, when set.</summary>
    public static ulong? Seed => ulong.TryParse(Environment.GetEnvironmentVariable(Variable), out var s) ? s : null;
}
