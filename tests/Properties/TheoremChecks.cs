using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using Rethink.Core;

namespace Rethink.Properties;

/// <summary>What a theorem property states, in a reader's words: the appendix table prints it instead of the test's name.</summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class StatesAttribute(string text) : Attribute
{
    public string Text { get; } = text;
}

/// <summary>A theorem-level claim of the paper, checked by one or more properties.</summary>
public sealed record Claim(string Id, string Title, string Statement);

/// <summary>The claims the property suite checks (identifiers are stable: papers cite them as macros).</summary>
public static class Claims
{
    public static readonly Claim Lemma1 = new("lemma1", "Lemma 1",
        "For interleaved b_1 < x_1 < b_2 < ... < x_n, the matrix A_ij = max(x_i - b_j, 0) has full rank; its eigenvalues are x_i - b_i.");

    public static readonly Claim Theorem1 = new("theorem1", "Theorem 1",
        "A two-layer ReLU network with 2n + d weights fits any n labels on any n distinct points in d dimensions.");

    public static readonly Claim DepthK = new("depth-k", "Depth k",
        "A depth-k ReLU network of width O(n/k) and O(n + d) weights fits any n labels.");

    public static readonly Claim SgdRowSpace = new("sgd-row-space", "SGD implicit regularization",
        "SGD from zero on least squares stays in the row space of the data and converges to the minimum-norm solution.");

    public static readonly Claim Rademacher = new("rademacher", "Rademacher complexity",
        "Bounded linear classes have complexity B|sum sigma_i x_i|/n; the ReLU interpolating class has complexity 1.");
}

/// <summary>
/// Records every case of every theorem property as it runs (size, pass or fail) and, when the test
/// process ends, writes one <see cref="TheoremCheck"/> per claim into <c>RETHINK_CHECKS_OUT</c>, else
/// the repository's <c>results/</c> (found from the test assembly), where <c>rethink render</c> reads
/// them. A case counts as passed when its body returns without throwing.
/// </summary>
public static class ClaimLog
{
    private sealed class Tally
    {
        public required Claim Claim;
        public required string How;
        public required string SizeName;
        public int Cases, Failed;
        public long Min = long.MaxValue, Max = long.MinValue;
    }

    private static readonly ConcurrentDictionary<(string Claim, string Property), Tally> Tallies = new();

    /// <summary>Each property method's [States] text, by method name.</summary>
    private static readonly Lazy<Dictionary<string, string>> Statements = new(() => typeof(ClaimLog).Assembly.GetTypes()
        .SelectMany(t => t.GetMethods(System.Reflection.BindingFlags.Public | System.Reflection.BindingFlags.Instance | System.Reflection.BindingFlags.Static | System.Reflection.BindingFlags.DeclaredOnly))
        .Select(m => (m.Name, Attribute: (StatesAttribute?)Attribute.GetCustomAttribute(m, typeof(StatesAttribute))))
        .Where(m => m.Attribute is not null).GroupBy(m => m.Name).ToDictionary(g => g.Key, g => g.First().Attribute!.Text, StringComparer.Ordinal));

    static ClaimLog() => AppDomain.CurrentDomain.ProcessExit += (_, _) => Write();

    /// <summary>Runs one case of a property of <paramref name="claim"/>, recording its size and outcome.</summary>
    public static void Check(Claim claim, string how, long size, Action body, string sizeName = "n", [CallerMemberName] string property = "") =>
        Check(claim, how, () => { body(); return size; }, sizeName, property);

    /// <summary>As the other overload, for a case that draws its own size: <paramref name="body"/> returns it.</summary>
    public static void Check(Claim claim, string how, Func<long> body, string sizeName = "n", [CallerMemberName] string property = "")
    {
        var tally = Tallies.GetOrAdd((claim.Id, property), _ => new Tally { Claim = claim, How = how, SizeName = sizeName });
        long? size = null;
        try
        {
            size = body();
        }
        finally
        {
            lock (tally)
            {
                tally.Cases++;
                if (size is not { } n) tally.Failed++;
                else
                {
                    tally.Min = Math.Min(tally.Min, n);
                    tally.Max = Math.Max(tally.Max, n);
                }
            }
        }
    }

    /// <summary>The records of this process so far, one per claim.</summary>
    public static IReadOnlyList<TheoremCheck> Records()
    {
        var finished = DateTimeOffset.UtcNow;
        return Tallies.GroupBy(t => t.Key.Claim).OrderBy(g => g.Key, StringComparer.Ordinal).Select(g =>
        {
            var claim = g.First().Value.Claim;
            var properties = g.OrderBy(t => t.Key.Property, StringComparer.Ordinal)
                .Select(t => { lock (t.Value) return new PropertyCheck(t.Key.Property, t.Value.How, t.Value.Cases, t.Value.Failed,
                    t.Value.Min > t.Value.Max ? 0 : t.Value.Min, t.Value.Min > t.Value.Max ? 0 : t.Value.Max, t.Value.SizeName, Statements.Value.GetValueOrDefault(t.Key.Property)); })
                .ToList();
            return new TheoremCheck(claim.Id, claim.Title, claim.Statement, properties, SeededPropertiesAttribute.Seed, RethinkVersion.Version, RethinkVersion.Commit, finished);
        }).ToList();
    }

    /// <summary>Where the records go: RETHINK_CHECKS_OUT, else results/ of the repository holding the tests (null: neither).</summary>
    public static string? OutputRoot()
    {
        if (Environment.GetEnvironmentVariable("RETHINK_CHECKS_OUT") is { Length: > 0 } root) return root;
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Rethink.sln"))) return Path.Combine(dir.FullName, "results");
        return null;
    }

    private static void Write()
    {
        if (OutputRoot() is not { } root) return;
        try
        {
            foreach (var record in Records()) record.Save(root);
        }
        catch (IOException)
        {
            // A read-only checkout: the run's verdict is in the test output either way.
        }
    }
}

/// <summary>The appendix table speaks the reader's language: every theorem property states what it checks.</summary>
public sealed class TheoremCheckWordingTests
{
    /// <summary>
    /// Every test method that reports through <see cref="ClaimLog"/> (found in the sources: its body calls
    /// ClaimLog.Check) carries a [States] sentence, so `rethink render` never prints a method's name in the paper.
    /// </summary>
    [Xunit.Fact]
    public void Every_theorem_property_states_what_it_checks_in_words()
    {
        var root = ClaimLog.OutputRoot() is { } results ? Path.GetDirectoryName(results)! : throw new InvalidOperationException("no repository above the tests");
        var reporting = new List<string>();
        foreach (var file in Directory.GetFiles(Path.Combine(root, "tests", "Properties"), "*.cs").Where(f => Path.GetFileName(f) != "TheoremChecks.cs"))
        {
            var text = File.ReadAllText(file);
            var methods = System.Text.RegularExpressions.Regex.Matches(text, @"public (?:void|Property) (\w+)\(");
            for (var i = 0; i < methods.Count; i++)
            {
                var end = i + 1 < methods.Count ? methods[i + 1].Index : text.Length;
                if (text[methods[i].Index..end].Contains("ClaimLog.Check(", StringComparison.Ordinal)) reporting.Add(methods[i].Groups[1].Value);
            }
        }
        Xunit.Assert.True(reporting.Count >= 20, $"{reporting.Count} properties report to ClaimLog");
        var stated = typeof(ClaimLog).Assembly.GetTypes().SelectMany(t => t.GetMethods())
            .Where(m => Attribute.GetCustomAttribute(m, typeof(StatesAttribute)) is StatesAttribute { Text.Length: > 10 }).Select(m => m.Name).ToHashSet();
        var unstated = reporting.Where(m => !stated.Contains(m)).ToList();
        Xunit.Assert.True(unstated.Count == 0, "without a [States] sentence: " + string.Join(", ", unstated));
    }
}
