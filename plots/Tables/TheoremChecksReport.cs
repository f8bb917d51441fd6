using System.Globalization;
using Rethink.Core;
using Rethink.Experiments;

namespace Rethink.Plots.Tables;

/// <summary>
/// The property suite's theorem checks (<see cref="TheoremCheck"/> records in <c>&lt;out&gt;/checks</c>,
/// written by <c>dotnet test</c>) as LaTeX: one macro per claim (<c>\CheckedLemmaOne</c> → "checked on
/// 220 cases with n up to 194 by 4 properties, all passed") and the appendix table "claim → property →
/// checked against → cases → result".
/// </summary>
public static class TheoremChecksReport
{
    public const string Id = "theorem-checks";

    public static string MacroName(TheoremCheck check) => "Checked" + Tables.Macros.Name(check.Claim);

    public static string Summary(TheoremCheck check)
    {
        var sizes = check.Properties.Where(p => p.SizeName == "n").ToList();
        var upTo = sizes.Count > 0 ? $" with n up to {sizes.Max(p => p.SizeMax).ToString("N0", CultureInfo.InvariantCulture)}" : "";
        var verdict = check.Passed ? "all passed" : $"FAILED in {check.Properties.Sum(p => p.Failed)} of {check.Cases} cases";
        return $"checked on {check.Cases.ToString("N0", CultureInfo.InvariantCulture)} cases{upTo} by {check.Properties.Count} {(check.Properties.Count == 1 ? "property" : "properties")}, {verdict}";
    }

    public static IEnumerable<(string Name, string Value, IReadOnlyList<string> Sources)> Macros(IReadOnlyList<TheoremCheck> checks) =>
        checks.Select(c => (MacroName(c), TableFile.Escape(Summary(c)), (IReadOnlyList<string>)[Source(c)]));

    public static string Source(TheoremCheck c) => $"checks/{c.Claim}";

    /// <summary>The paper's order: Lemma 1, Theorem 1, depth k, SGD, Rademacher; other claims after them by identifier.</summary>
    public static IReadOnlyList<TheoremCheck> InPaperOrder(IEnumerable<TheoremCheck> checks)
    {
        string[] order = ["lemma1", "theorem1", "depth-k", "sgd-row-space", "rademacher"];
        return checks.OrderBy(c => Array.IndexOf(order, c.Claim) is var i && i >= 0 ? i : order.Length).ThenBy(c => c.Claim, StringComparer.Ordinal).ToList();
    }

    public static IReadOnlyList<string> Save(IReadOnlyList<TheoremCheck> checks, ReproduceContext context)
    {
        checks = InPaperOrder(checks);
        var rows = new List<IReadOnlyList<string>>();
        foreach (var check in checks)
            foreach (var p in check.Properties)
                rows.Add(
                [
                    p == check.Properties[0] ? check.Title : "",
                    p.What ?? p.Property.Replace('_', ' '),
                    p.How,
                    p.Cases.ToString("N0", CultureInfo.InvariantCulture),
                    p.SizeMin == p.SizeMax ? $"{p.SizeName} = {p.SizeMin}" : $"{p.SizeName} = {p.SizeMin}–{p.SizeMax}",
                    p.Passed ? "passed" : $"FAILED ({p.Failed})",
                ]);
        var seeds = checks.Select(c => c.Seed?.ToString(CultureInfo.InvariantCulture) ?? "FsCheck's own").Distinct().ToList();
        var runs = checks.Select(c => $"{c.Version}+{c.Commit[..Math.Min(7, c.Commit.Length)]} on {c.Finished:yyyy-MM-dd}").Distinct().ToList();
        var caption = $"The paper's claims and the properties that check them (dotnet test; seed {string.Join(", ", seeds)}; Rethink {string.Join(", ", runs)}). " +
                      "Every case is an independent computation: exact arithmetic (rationals, modulo a prime) or a separately coded evaluation, never the library checking itself.";
        return TableFile.Save(context.TablesDirectory, Id, caption, ["claim", "property", "checked against", "cases", "sizes", "result"], rows,
            "p{1.6cm}p{5.0cm}p{4.6cm}rll", checks.Select(c => $"{Source(c)} ({c.Version}+{c.Commit[..Math.Min(7, c.Commit.Length)]})"),
            size: "footnotesize", placement: "!htbp");
    }
}
