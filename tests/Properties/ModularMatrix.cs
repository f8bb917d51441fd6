namespace Rethink.Properties;

/// <summary>
/// Exact linear algebra over GF(p), p = 2⁶¹ − 1, for integer matrices: an independent reference that
/// does not know A is triangular. Rank over GF(p) never exceeds rank over ℚ, so full rank mod p
/// proves full rank; equal determinants of (A − λI) at random λ prove equal characteristic
/// polynomials with overwhelming probability (Schwartz–Zippel).
/// </summary>
internal static class ModularMatrix
{
    public const ulong P = (1UL << 61) - 1;

    public static ulong Reduce(long v) => (ulong)(((Int128)v % P + P) % P);

    public static ulong Mul(ulong a, ulong b) => (ulong)((UInt128)a * b % P);

    public static ulong Add(ulong a, ulong b) => (a + b) % P;

    public static ulong Sub(ulong a, ulong b) => (a + P - b) % P;

    public static ulong Inverse(ulong a)
    {
        // Fermat: a^(p-2).
        ulong result = 1, power = a, e = P - 2;
        while (e > 0)
        {
            if ((e & 1) == 1) result = Mul(result, power);
            power = Mul(power, power);
            e >>= 1;
        }
        return result;
    }

    /// <summary>Gaussian elimination with pivot search; returns (rank, determinant).</summary>
    public static (int Rank, ulong Determinant) Eliminate(ulong[,] matrix)
    {
        var m = (ulong[,])matrix.Clone();
        var n = m.GetLength(0);
        var rank = 0;
        ulong det = 1;
        for (var col = 0; col < n && rank < n; col++)
        {
            var pivot = -1;
            for (var r = rank; r < n; r++)
                if (m[r, col] != 0) { pivot = r; break; }
            if (pivot < 0) { det = 0; continue; }
            if (pivot != rank)
            {
                for (var c = 0; c < n; c++) (m[pivot, c], m[rank, c]) = (m[rank, c], m[pivot, c]);
                det = Sub(0, det);
            }
            det = Mul(det, m[rank, col]);
            var inv = Inverse(m[rank, col]);
            for (var r = rank + 1; r < n; r++)
            {
                if (m[r, col] == 0) continue;
                var f = Mul(m[r, col], inv);
                for (var c = col; c < n; c++) m[r, c] = Sub(m[r, c], Mul(f, m[rank, c]));
            }
            rank++;
        }
        return (rank, rank == n ? det : 0);
    }
}
