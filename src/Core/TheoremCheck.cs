using System.Text.Json;

namespace Rethink.Core;

/// <summary>
/// The machine-readable record of how a theorem-level claim was checked: which properties, how many
/// cases of which sizes, with which seed, by which version of the code, and whether every case passed.
/// The property suite writes one per claim (<c>checks/&lt;claim&gt;.json</c>); <c>rethink render</c> turns
/// them into a LaTeX macro per claim and an appendix table "claim → property → cases → result".
/// </summary>
/// <param name="Claim">Stable identifier, e.g. "lemma1".</param>
/// <param name="Title">How the paper names it, e.g. "Lemma 1".</param>
/// <param name="Statement">The claim in one sentence.</param>
/// <param name="Properties">The properties that check it.</param>
/// <param name="Seed">The FsCheck seed of the run (null: FsCheck's own seeds).</param>
/// <param name="Version">Rethink version that ran the checks.</param>
/// <param name="Commit">Git commit of that build.</param>
/// <param name="Finished">When the run finished.</param>
public sealed record TheoremCheck(
    string Claim,
    string Title,
    string Statement,
    IReadOnlyList<PropertyCheck> Properties,
    ulong? Seed,
    string Version,
    string Commit,
    DateTimeOffset Finished)
{
    /// <summary>Every property ran and every case passed.</summary>
    public bool Passed => Properties.Count > 0 && Properties.All(p => p.Passed);

    /// <summary>Cases run over all properties.</summary>
    public int Cases => Properties.Sum(p => p.Cases);

    /// <summary>The folder, under a results folder, that holds the records.</summary>
    public const string Directory = "checks";

    /// <summary>The record of <paramref name="claim"/> under the results folder <paramref name="root"/>.</summary>
    public static string PathFor(string root, string claim) => System.IO.Path.Combine(root, Directory, claim + ".json");

    /// <summary>Writes this record under the results folder <paramref name="root"/> (atomically).</summary>
    public void Save(string root) => AtomicFile.WriteAllText(PathFor(root, Claim), Json.Serialize(this));

    /// <summary>Every record under <c>root/checks</c>, by claim.</summary>
    public static IReadOnlyList<TheoremCheck> LoadAll(string root)
    {
        var directory = System.IO.Path.Combine(root, Directory);
        if (!System.IO.Directory.Exists(directory)) return [];
        return System.IO.Directory.GetFiles(directory, "*.json").Order(StringComparer.Ordinal)
            .Select(f => Json.Deserialize<TheoremCheck>(File.ReadAllText(f), f)).ToList();
    }
}

/// <summary>One property's part in checking a claim.</summary>
/// <param name="Property">Test name.</param>
/// <param name="How">What it compares with what, e.g. "rank modulo a prime, exact".</param>
/// <param name="Cases">Cases run.</param>
/// <param name="Failed">Cases that failed (FsCheck's shrinking counts its attempts here too).</param>
/// <param name="SizeMin">Smallest size among the cases (n, points, …).</param>
/// <param name="SizeMax">Largest size.</param>
/// <param name="SizeName">What the size counts, e.g. "n".</param>
/// <param name="What">What the property states, in words a reader of the paper uses (the test's <c>[States]</c>); null in older records.</param>
public sealed record PropertyCheck(string Property, string How, int Cases, int Failed, long SizeMin, long SizeMax, string SizeName, string? What = null)
{
    /// <summary>Cases ran and none failed.</summary>
    public bool Passed => Cases > 0 && Failed == 0;
}
