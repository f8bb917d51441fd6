using Rethink.ImageNet;
using Xunit;
using Xunit.Abstractions;

namespace Rethink.Console.Tests;

/// <summary>
/// `rethink data info --dataset imagenet --data DIR` on ILSVRC-layout folders the test writes (10 classes
/// × 30 JPEGs of mixed sizes): it reads them in either val layout, counts what was written, says it is not
/// the full ILSVRC2012, and a folder with no labels for val/ is one line naming --data, exit code 2.
/// </summary>
public sealed class ImageNetInfoTests(ITestOutputHelper output) : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Theory]
    [InlineData(ValidationLayout.Sorted, "their class folders")]
    [InlineData(ValidationLayout.SolutionCsv, "LOC_val_solution.csv (Kaggle)")]
    public void Data_info_reads_a_generated_folder_in_each_layout(ValidationLayout layout, string labelledBy)
    {
        var root = _dir.File("ILSVRC2012");
        SyntheticImageNet.Write(root, 10, 30, 3, layout);
        // The folder's parent as --data: imagenet/ or ILSVRC2012/ under it is found.
        var run = RethinkProcess.Run(["data", "info", "--dataset", "imagenet", "--data", _dir.Path]);
        output.WriteLine(run.ToString());
        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains($"train 300 images in {Path.Combine(root, "train")}; val 30 images in {Path.Combine(root, "val")}, labelled by", run.Stdout);
        Assert.Contains(labelledBy, run.Stdout);
        Assert.Contains("10 classes; words from", run.Stdout);
        Assert.Contains("not the full ILSVRC2012", run.Stdout);
        Assert.Contains("training images per class: min 30, median 30, max 30; validation per class: min 3, max 3", run.Stdout);
        Assert.Contains("tench, Tinca tinca", run.Stdout);
    }

    /// <summary>
    /// The paper's claim at the generated folder's size: a small network fits random labels over ImageNet's
    /// classes. MLP 1x512 on 32×32 centre crops of 300 training JPEGs, labels drawn uniformly over the 10
    /// classes (stored with the run): 100% training accuracy, test accuracy near chance.
    /// </summary>
    [Fact]
    public void A_small_model_memorizes_random_labels_on_a_generated_imagenet_folder()
    {
        var root = _dir.File("imagenet");
        SyntheticImageNet.Write(root, 10, 30, 3, ValidationLayout.Sorted);
        var run = RethinkProcess.Run(["deep", "run", "--model", "mlp1x512", "--dataset", "imagenet", "--data", root, "--image-size", "32",
            "--randomization", "random-labels", "--steps", "1500", "--seed", "3", "--out", _dir.File("run")], TimeSpan.FromMinutes(10));
        output.WriteLine(run.ToString());
        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains("train accuracy        100.00%", run.Stdout);
        Assert.Contains("time to overfit", run.Stdout);
        var stored = System.Text.Json.JsonDocument.Parse(File.ReadAllText(_dir.File(Path.Combine("run", "randomization.json")))).RootElement;
        Assert.Equal(300, stored.GetProperty("trainLabels").GetArrayLength());
        Assert.InRange(stored.GetProperty("realizedCorruption").GetDouble(), 0.8, 0.98); // uniform over 10 classes: 90% change on average
    }

    /// <summary>
    /// Table 2 as a recipe: without ImageNet, one line says where to put it and Table 2 renders the paper's column;
    /// with an ILSVRC folder, the seven Inception V3 rows' cost is printed before anything trains, on this device
    /// and on 2, 8 and 32 processes (the run is stopped where it reports the cost line).
    /// </summary>
    [Fact]
    public void The_table2_recipe_says_where_imagenet_goes_or_prints_the_cost_of_its_seven_rows()
    {
        var empty = _dir.File("no-imagenet");
        Directory.CreateDirectory(empty);
        var without = RethinkProcess.Run(["reproduce", "--profile", "paper", "--only", "table2", "--device", "cpu", "--data", empty, "--out", _dir.File("out1")],
            environment: new Dictionary<string, string?> { ["RETHINK_DATA"] = empty });
        output.WriteLine(without.ToString());
        Assert.True(without.ExitCode == 0, without.ToString());
        // The status table wraps the reason: read it with the table's borders and line breaks as single spaces.
        Assert.Matches(@"table2-runs skipped: .* no train/ folder", System.Text.RegularExpressions.Regex.Replace(without.Stdout, @"[\s│]+", " "));
        var table = File.ReadAllText(_dir.File(Path.Combine("out1", "tables", "table2.md")));
        Assert.Contains("| random | no | no | no | 95.20 | — | 99.14 | — | 0.11 | — | 0.56 | — |", table);

        var root = _dir.File("imagenet");
        SyntheticImageNet.Write(root, 10, 30, 3, ValidationLayout.Sorted);
        using var run = RethinkProcess.Launch(["reproduce", "--profile", "paper", "--only", "table2", "--device", "cpu", "--data", _dir.Path, "--out", _dir.File("out2")],
            RunningProcess.PauseAt("cost"));
        run.WaitForPause("cost", TimeSpan.FromMinutes(10));
        output.WriteLine(run.Stdout);
        Assert.Contains("rethink reproduce --profile paper: 7 run(s) to compute", run.Stdout);
        Assert.Contains("inception-v3: 7 run(s)", run.Stdout);
        Assert.Matches(@"ImageNet: 7 run\(s\) of Inception V3, .* on one cpu; .* on 2 processes, .* on 8 processes, .* on 32 processes", run.Stdout);
        run.Kill();
    }

    [Fact]
    public void A_flat_val_without_labels_is_one_line_naming_data_and_exit_code_2()
    {
        SyntheticImageNet.Write(_dir.Path, 3, 2, 2, ValidationLayout.SolutionCsv, minSide: 16, maxSide: 24);
        File.Delete(_dir.File("LOC_val_solution.csv"));
        var run = RethinkProcess.Run(["data", "info", "--dataset", "imagenet", "--data", _dir.Path]);
        Assert.Equal(2, run.ExitCode);
        var lines = run.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Single(lines);
        Assert.StartsWith("rethink: --data: ", lines[0]);
        Assert.Contains("lie flat in val/ with no labels", lines[0]);
    }
}
