using System.Globalization;

namespace Rethink.Core;

/// <summary>
/// A number or a figure that the user's own program computed, recorded into a Rethink results folder so
/// that a paper quotes it like Rethink's own: <c>rethink render</c> makes a value the macro
/// <c>\Name</c> and a figure the <c>\rethinkfigure{id}</c> target <c>figures/&lt;id&gt;.png</c>, and
/// <c>rethink paper check</c> reports it stale when the record or any input it names has changed since it
/// was recorded (content hashes), or edited when the figure file changed. Records live in
/// <c>user/values/&lt;Name&gt;.json</c> and <c>user/figures/&lt;id&gt;.json</c>, written atomically.
/// <code>
/// UserRecord.RecordValue("results", "MyRatio", ratio, format: "F2", unit: "x", inputs: ["results/data/kernel-fit-1ee0a25b463b.json"]);
/// UserRecord.RecordFigure("results", "my-curve", "curve.png", inputs: ["my-data.csv"]);
/// </code>
/// </summary>
/// <param name="Name">The macro name (ASCII letters) or the figure id.</param>
/// <param name="Kind">value or figure.</param>
/// <param name="Value">The number (values only).</param>
/// <param name="Text">What the paper prints: the number formatted (and its unit), LaTeX-escaped; for a figure, its file under the results folder.</param>
/// <param name="Inputs">The files it was computed from, with their SHA-256 when recorded.</param>
/// <param name="Recorded">When.</param>
/// <param name="Version">The Rethink version of the library that recorded it.</param>
/// <param name="Commit">Its commit.</param>
public sealed record UserRecord(string Name, string Kind, double? Value, string Text, IReadOnlyList<RecordedInput> Inputs, DateTimeOffset Recorded, string Version, string Commit)
{
    /// <summary>The folder, under a results folder, that holds the records.</summary>
    public const string Directory = "user";

    /// <summary>
    /// Records <paramref name="value"/> as the macro <c>\<paramref name="name"/></c> in the results folder <paramref name="results"/>.
    /// </summary>
    /// <param name="results">The results folder a paper reads (created when missing).</param>
    /// <param name="name">The macro name: ASCII letters only (LaTeX's rule), e.g. "MyNormRatio".</param>
    /// <param name="value">The number; finite.</param>
    /// <param name="format">A .NET numeric format, e.g. "F2", "N0", "P1" (invariant culture).</param>
    /// <param name="unit">Printed after the number (e.g. "\%", "s"), or null.</param>
    /// <param name="inputs">Files the number was computed from (a Rethink result file, the user's data, …): their content is hashed now and checked by paper check.</param>
    /// <returns>The record's file.</returns>
    public static string RecordValue(string results, string name, double value, string format = "G4", string? unit = null, IEnumerable<string>? inputs = null)
    {
        ArgumentNullException.ThrowIfNull(results);
        if (string.IsNullOrEmpty(name) || !name.All(char.IsAsciiLetter))
            throw new UserInputException("name", name, "a macro name is ASCII letters only (LaTeX's rule), e.g. MyNormRatio.");
        if (!double.IsFinite(value)) throw new UserInputException("value", value, "give a finite number.");
        // A standard numeric format (a custom one would print its letters literally).
        if (format is null || !System.Text.RegularExpressions.Regex.IsMatch(format, "^[FfNnPpGgEe][0-9]{0,2}$"))
            throw new UserInputException("format", format, "give a standard numeric format: F2, N0, P1, E3 or G4.");
        var text = value.ToString(format, CultureInfo.InvariantCulture);
        text = text.Replace(",", "{,}").Replace("%", "\\%") + (unit is null ? "" : unit.StartsWith('\\') || unit.Length == 0 ? unit : "\\," + unit);
        return Save(results, new UserRecord(name, "value", value, text, Hash(results, inputs), DateTimeOffset.UtcNow, RethinkVersion.Version, RethinkVersion.Commit));
    }

    /// <summary>
    /// Records the PNG <paramref name="png"/> as the figure <paramref name="id"/>: copied to <c>figures/&lt;id&gt;.png</c>
    /// in <paramref name="results"/> (atomically), for <c>\rethinkfigure{id}</c>.
    /// </summary>
    /// <param name="results">The results folder a paper reads.</param>
    /// <param name="id">The figure id: letters, digits and '-' (a file name and a LaTeX argument).</param>
    /// <param name="png">The PNG file the program drew.</param>
    /// <param name="inputs">Files the figure was drawn from.</param>
    /// <returns>The record's file.</returns>
    public static string RecordFigure(string results, string id, string png, IEnumerable<string>? inputs = null)
    {
        ArgumentNullException.ThrowIfNull(results);
        if (string.IsNullOrEmpty(id) || !id.All(c => char.IsAsciiLetterOrDigit(c) || c == '-'))
            throw new UserInputException("id", id, "a figure id is letters, digits and '-' only, e.g. my-curve.");
        if (!File.Exists(png)) throw new UserInputException("png", png, "no such file; give the PNG the program drew.");
        var bytes = File.ReadAllBytes(png);
        if (bytes.Length < 8 || bytes[0] != 0x89 || bytes[1] != (byte)'P' || bytes[2] != (byte)'N' || bytes[3] != (byte)'G')
            throw new UserInputException("png", png, "not a PNG file (pdflatex's \\includegraphics takes the PNG that \\rethinkfigure names).");
        var target = Path.Combine(results, "figures", id + ".png");
        System.IO.Directory.CreateDirectory(Path.GetDirectoryName(target)!);
        AtomicFile.WriteAllBytes(target, bytes);
        return Save(results, new UserRecord(id, "figure", null, $"figures/{id}.png", Hash(results, inputs), DateTimeOffset.UtcNow, RethinkVersion.Version, RethinkVersion.Commit));
    }

    /// <summary>The record file of a value or figure.</summary>
    public static string PathFor(string results, string kind, string name) => Path.Combine(results, Directory, kind == "figure" ? "figures" : "values", name + ".json");

    /// <summary>The source name of a record in macros.json (user/values/Name, user/figures/id).</summary>
    public string Source => $"{Directory}/{(Kind == "figure" ? "figures" : "values")}/{Name}";

    /// <summary>Every record under <c>results/user</c> (values, then figures), by name.</summary>
    public static IReadOnlyList<UserRecord> LoadAll(string results)
    {
        var all = new List<UserRecord>();
        foreach (var kind in new[] { "values", "figures" })
        {
            var directory = Path.Combine(results, Directory, kind);
            if (!System.IO.Directory.Exists(directory)) continue;
            all.AddRange(System.IO.Directory.GetFiles(directory, "*.json").Order(StringComparer.Ordinal).Select(f => Json.Deserialize<UserRecord>(File.ReadAllText(f), f)));
        }
        return all;
    }

    /// <summary>Why the record no longer stands for its inputs (one changed or is gone since it was recorded), or null.</summary>
    public string? ChangedInput(string results)
    {
        foreach (var input in Inputs)
        {
            var path = Path.IsPathRooted(input.Path) ? input.Path : Path.Combine(results, input.Path);
            if (!File.Exists(path)) return $"its input {input.Path} is gone; rerun the program that records {Name}";
            if (FileHash.Sha256(path) != input.Sha256) return $"its input {input.Path} changed after {Name} was recorded ({Recorded:yyyy-MM-dd HH:mm}); rerun the program that records it, then rethink render";
        }
        return null;
    }

    private static string Save(string results, UserRecord record)
    {
        var path = PathFor(results, record.Kind, record.Name);
        System.IO.Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        AtomicFile.WriteAllText(path, Json.Serialize(record));
        return path;
    }

    private static IReadOnlyList<RecordedInput> Hash(string results, IEnumerable<string>? inputs)
    {
        var list = new List<RecordedInput>();
        var root = Path.GetFullPath(results);
        foreach (var input in inputs ?? [])
        {
            if (!File.Exists(input)) throw new UserInputException("inputs", input, "no such file; name the files the value was computed from.");
            var full = Path.GetFullPath(input);
            // Inside the results folder: kept relative, so the folder can move with the paper.
            var stored = full.StartsWith(root + Path.DirectorySeparatorChar, StringComparison.Ordinal) ? Path.GetRelativePath(root, full).Replace('\\', '/') : full;
            list.Add(new RecordedInput(stored, FileHash.Sha256(full)));
        }
        return list;
    }
}

/// <summary>A file a recorded value or figure was computed from: its path (relative to the results folder when inside it) and SHA-256 when recorded.</summary>
public sealed record RecordedInput(string Path, string Sha256);
