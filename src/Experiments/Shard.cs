using Rethink.Core;
using System.Globalization;

namespace Rethink.Experiments;

/// <summary>
/// This process's share of a sweep: shard <see cref="Index"/> of <see cref="Count"/> (1-based). A run
/// belongs to the shard its config hash picks, so every shard agrees on the split without talking.
/// </summary>
public sealed record Shard(int Index, int Count)
{
    /// <summary>The only shard: every run.</summary>
    public static Shard Whole { get; } = new(1, 1);

    /// <summary>Whether this shard owns the run with config hash <paramref name="hash"/>.</summary>
    public bool Owns(string hash) =>
        Count == 1 || (int)(ulong.Parse(hash.AsSpan(0, Math.Min(15, hash.Length)), NumberStyles.HexNumber, CultureInfo.InvariantCulture) % (ulong)Count) == Index - 1;

    /// <summary>"K/N".</summary>
    public override string ToString() => $"{Index}/{Count}";

    /// <summary>"K/N" with 1 ≤ K ≤ N; throws naming the option.</summary>
    public static Shard Parse(string text)
    {
        var parts = text.Split('/');
        if (parts.Length == 2 && int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var k)
            && int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n >= 1 && k >= 1 && k <= n)
            return new Shard(k, n);
        throw new UserInputException("Shard", text, "write K/N with 1 <= K <= N, e.g. 2/4 for the second of four shards.");
    }

    /// <summary>
    /// The launcher's rank and size when this process is one of several: Slurm (SLURM_PROCID,
    /// SLURM_NTASKS), Open MPI (OMPI_COMM_WORLD_RANK, OMPI_COMM_WORLD_SIZE), MPICH/PMI (PMI_RANK,
    /// PMI_SIZE); ranks are 0-based there. Null when none is set.
    /// </summary>
    public static Shard? FromEnvironment(Func<string, string?>? read = null)
    {
        read ??= Environment.GetEnvironmentVariable;
        foreach (var (rank, size) in new[] { ("SLURM_PROCID", "SLURM_NTASKS"), ("OMPI_COMM_WORLD_RANK", "OMPI_COMM_WORLD_SIZE"), ("PMI_RANK", "PMI_SIZE") })
        {
            if (int.TryParse(read(rank), NumberStyles.None, CultureInfo.InvariantCulture, out var r)
                && int.TryParse(read(size), NumberStyles.None, CultureInfo.InvariantCulture, out var s) && s >= 1 && r < s)
                return new Shard(r + 1, s);
        }
        return null;
    }
}
