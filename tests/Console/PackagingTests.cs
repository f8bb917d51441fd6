using System.IO.Compression;
using System.Xml.Linq;
using Xunit;
using Xunit.Abstractions;

namespace Rethink.Console.Tests;

/// <summary>
/// The libraries as NuGet packages and the console as a .NET tool, used the way a paper's code uses
/// them: `dotnet pack` (a version suffix unique to this run, so no cached package can stand in),
/// `dotnet tool install` from the local folder into a temporary tool path, and a test project outside
/// the solution that references the packages — never the projects.
/// </summary>
public sealed class PackagingTests(ITestOutputHelper output) : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    private static string Root()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Rethink.sln"))) return dir.FullName;
        throw new InvalidOperationException("the repository root (Rethink.sln) is not above the test assembly");
    }

    private static readonly string[] Libraries = ["Rethink.Core", "Rethink.Theory", "Rethink.Data", "Rethink.Kernels", "Rethink.Features", "Rethink.Torch", "Rethink.Deep", "Rethink.Experiments"];

    [Fact]
    public void Packages_pack_install_and_serve_an_outside_project()
    {
        var root = Root();
        var suffix = $"test.{DateTime.UtcNow:yyyyMMddHHmmss}{Environment.ProcessId % 1000:D3}";
        var version = $"0.5.0-{suffix}";
        var feed = _dir.File("feed");
        // A package cache of this test's own: nothing installed here lingers in the user's cache, and the
        // user's cache serves the third-party packages without a download.
        var userPackages = Environment.GetEnvironmentVariable("NUGET_PACKAGES") is { Length: > 0 } p ? p : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
        var environment = new Dictionary<string, string?> { ["NUGET_PACKAGES"] = _dir.File("nuget"), ["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1", ["DOTNET_NOLOGO"] = "1" };

        // Packing restores the repository's own projects as usual (the user's cache); only what installs packages gets the temporary cache.
        var pack = RethinkProcess.Start("dotnet", ["pack", Path.Combine(root, "Rethink.Packages.slnf"), "-c", "Release", "-o", feed, $"-p:VersionSuffix={suffix}"],
            TimeSpan.FromMinutes(8), null, root);
        output.WriteLine($"dotnet pack: {pack.Elapsed.TotalSeconds:F0} s");
        Assert.True(pack.ExitCode == 0, pack.ToString());
        foreach (var id in Libraries.Append("rethink"))
            Assert.True(File.Exists(Path.Combine(feed, $"{id}.{version}.nupkg")), $"{id} was not packed: {string.Join(", ", Directory.GetFiles(feed).Select(Path.GetFileName))}");

        // Every library package: XML docs, README, licence, repository metadata, description.
        foreach (var id in Libraries)
        {
            using var zip = ZipFile.OpenRead(Path.Combine(feed, $"{id}.{version}.nupkg"));
            Assert.Contains(zip.Entries, e => e.FullName == $"lib/net10.0/{id}.dll");
            Assert.Contains(zip.Entries, e => e.FullName == $"lib/net10.0/{id}.xml");
            Assert.Contains(zip.Entries, e => e.FullName == "README.md");
            Assert.Contains(zip.Entries, e => e.FullName == "LICENSE");
            using var nuspec = zip.Entries.Single(e => e.FullName.EndsWith(".nuspec", StringComparison.Ordinal)).Open();
            var metadata = XDocument.Load(nuspec).Root!.Elements().Single(e => e.Name.LocalName == "metadata");
            string? Get(string name) => metadata.Elements().SingleOrDefault(e => e.Name.LocalName == name)?.Value;
            Assert.Equal(version, Get("version"));
            Assert.Equal("MIT", Get("license"));
            Assert.Equal("README.md", Get("readme"));
            Assert.False(string.IsNullOrWhiteSpace(Get("description")), $"{id} has no description");
            var repository = metadata.Elements().Single(e => e.Name.LocalName == "repository");
            Assert.Equal("git", repository.Attribute("type")?.Value);
            Assert.Matches("^[0-9a-f]{40}$", repository.Attribute("commit")?.Value ?? "");
        }

        // The console as a .NET tool, installed from the folder and run.
        var tools = _dir.File("tools");
        var install = RethinkProcess.Start("dotnet", ["tool", "install", "rethink", "--tool-path", tools, "--add-source", feed, "--version", version], TimeSpan.FromMinutes(5), environment, _dir.Path);
        Assert.True(install.ExitCode == 0, install.ToString());
        var lemma = RethinkProcess.Start(Path.Combine(tools, "rethink"), ["theory", "lemma1", "--n", "6"], TimeSpan.FromMinutes(2), null, _dir.Path);
        Assert.True(lemma.ExitCode == 0, lemma.ToString());
        Assert.Contains("rank", lemma.Stdout);
        var deep = RethinkProcess.Start(Path.Combine(tools, "rethink"), ["deep", "run", "--model", "mlp1x512", "--dataset", "mnist", "--train", "64", "--test", "16", "--steps", "1", "--out", _dir.File("deep")],
            TimeSpan.FromMinutes(2), null, _dir.Path);
        Assert.True(deep.ExitCode == 0, deep.ToString()); // TorchSharp and the CPU libtorch came with the tool

        // A project outside the solution, referencing the packages.
        var consumer = _dir.File("consumer");
        Directory.CreateDirectory(consumer);
        foreach (var file in Directory.GetFiles(Path.Combine(root, "tests", "PackageConsumer")).Where(f => f.EndsWith(".cs", StringComparison.Ordinal) || f.EndsWith("proj", StringComparison.Ordinal) || f.EndsWith(".props", StringComparison.Ordinal)))
            File.Copy(file, Path.Combine(consumer, Path.GetFileName(file)));
        var test = RethinkProcess.Start("dotnet", ["test", consumer, $"-p:RethinkPackageVersion={version}", $"-p:RestoreAdditionalProjectSources={feed}", $"-p:RestoreAdditionalProjectFallbackFolders={userPackages}"],
            TimeSpan.FromMinutes(5), new Dictionary<string, string?>(environment) { ["RETHINK_EXPECTED_VERSION"] = version }, consumer);
        output.WriteLine(test.Stdout);
        Assert.True(test.ExitCode == 0, test.ToString());
        Assert.Contains("Passed!  - Failed:     0, Passed:     3", test.Stdout);
        Assert.True(Directory.Exists(Path.Combine(_dir.File("nuget"), $"rethink.theory", version)), "the outside project did not restore the packed Rethink.Theory");
    }
}
