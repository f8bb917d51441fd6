using Rethink.Data;
using Rethink.Kernels;
using Rethink.Experiments;

namespace Rethink.Plots.Figures;

/// <summary>
/// The kernel figure: RKHS norm and test error of the minimum-norm interpolant against n on MNIST, with
/// true and with random labels (two files: kernel-norm and kernel-error).
/// </summary>
public sealed class KernelNormFigure(KernelRunGroup runs) : IFigure
{
    public string Id => "kernel-norm";
    public string Title => "Minimum-norm kernel interpolation of MNIST: norm and test error vs n";
    public IReadOnlyList<IExperiment> Needs => [runs];

    public string Caption(ReproduceContext context)
    {
        var c = runs.Configure(context);
        return $"Gaussian kernel (gamma 0.02, pixels / 255) exact interpolation of the first n MNIST training images, n = {string.Join(", ", c.Select(x => x.Train).Distinct())}, " +
               $"with true labels and with uniformly random labels; left: RKHS norm of the solution, right: test error on {c[0].Test:N0} test images. " +
               "Both labelings are interpolated exactly, but the norm needed grows much faster with random labels.";
    }

    public IReadOnlyList<string> Render(ResultStore store, ReproduceContext context)
    {
        var results = runs.Load(store, context);
        var groups = results.GroupBy(r => r.Config.Labels.Name).ToList();
        var norm = FigureStyle.NewPlot("RKHS norm of the interpolant", "training points n (log scale)", "norm (log scale)");
        var error = FigureStyle.NewPlot("Test error of the interpolant", "training points n (log scale)", "test error (%)");
        for (var i = 0; i < groups.Count; i++)
        {
            var g = groups[i].OrderBy(r => r.TrainPoints).ToList();
            var n = g.Select(r => Math.Log10(r.TrainPoints)).ToArray();
            var label = groups[i].Key.Replace('-', ' ');
            var a = norm.Add.Scatter(n, g.Select(r => Math.Log10(r.Solve.RkhsNorm)).ToArray());
            FigureStyle.Apply(a, i);
            a.LegendText = label;
            var b = error.Add.Scatter(n, g.Select(r => 100 * r.TestError).ToArray());
            FigureStyle.Apply(b, i);
            b.LegendText = label;
        }
        var logN = results.Select(r => Math.Log10(r.TrainPoints)).ToList();
        FigureStyle.LogX(norm, logN);
        FigureStyle.LogY(norm, results.Select(r => Math.Log10(r.Solve.RkhsNorm)));
        FigureStyle.LogX(error, logN);
        error.Axes.SetLimitsY(0, 100);
        FigureStyle.PlaceLegend(norm, ScottPlot.Alignment.UpperLeft);
        FigureStyle.PlaceLegend(error, ScottPlot.Alignment.UpperRight);
        return [.. FigureFile.Save(norm, context.FiguresDirectory, "kernel-norm"), .. FigureFile.Save(error, context.FiguresDirectory, "kernel-error")];
    }

    public IReadOnlyList<(string Name, string Value)> Macros(ResultStore store, ReproduceContext context) =>
        SourcedMacros(store, context).Select(m => (m.Name, m.Value)).ToList();

    /// <summary>Each norm comes from its own fit (the largest n, true or random labels).</summary>
    public IReadOnlyList<FigureMacro> SourcedMacros(ResultStore store, ReproduceContext context)
    {
        var all = runs.Load(store, context);
        var largest = all.Max(x => x.TrainPoints);
        return all.Where(r => r.TrainPoints == largest).Select(r =>
            new FigureMacro(Tables.Macros.Name($"MnistNorm{(r.Config.Labels.Kind == RandomizationKind.TrueLabels ? "True" : "Random")}Labels"), $"{r.Solve.RkhsNorm:F0}",
                [Tables.MacroSources.Of(KernelRunGroup.RunId, r.Config)])).ToList();
    }
}
