using System.Reflection;

namespace Rethink.Core;

/// <summary>
/// The version of the Rethink libraries in this process, as built: the semantic version and the git
/// commit the SDK appends to the informational version (<c>0.5.0+&lt;sha&gt;</c>). Recorded with every
/// result and theorem check, and printed into every generated LaTeX file, so a quoted number can be
/// traced to the code that produced it and found stale when the code moves on.
/// </summary>
public static class RethinkVersion
{
    private static readonly string Informational =
        typeof(RethinkVersion).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "0.0.0";

    /// <summary>
    /// The semantic version of the results' contract, e.g. 0.5.0: the release, without the per-commit
    /// pre-release of a development build (0.5.0-ci.123), so results of one release stay current across commits.
    /// </summary>
    public static string Version => Package.Split('-')[0];

    /// <summary>The version the build was packed as, e.g. 0.5.0-ci.123 (a commit's own) or 0.5.0.</summary>
    public static string Package => Informational.Split('+')[0];

    /// <summary>The full commit hash the libraries were built from, or "unknown" outside a git checkout.</summary>
    public static string Commit => Informational.Contains('+', StringComparison.Ordinal) ? Informational.Split('+', 2)[1] : "unknown";

    /// <summary>Version and abbreviated commit, e.g. "0.5.0+1a2b3c4".</summary>
    public static string Full => Commit == "unknown" ? Version : $"{Version}+{Commit[..Math.Min(7, Commit.Length)]}";
}
