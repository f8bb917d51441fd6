using Rethink.Data;
using Rethink.Features;
using System.Globalization;
using Rethink.Kernels;
using Rethink.Experiments;
using Rethink.Plots.Figures;

namespace Rethink.Plots.Tables;

/// <summary>
/// The kernel table of Section 5: minimum-norm interpolation on MNIST and CIFAR-10, with and without ℓ2
/// regularization, test error and RKHS norm beside the paper's.
/// </summary>
public sealed class KernelTable(KernelRunGroup runs) : IFigure
{
    public string Id => "kernel-table";
    public string Title => "Section 5: minimum-norm kernel interpolation";
    public bool IsTable => true;
    public IReadOnlyList<IExperiment> Needs => [runs];

    public string Caption(ReproduceContext context) =>
        "Gaussian-kernel interpolation, pixels / 255 (MNIST: gamma 0.02; CIFAR-10: gamma = m / median squared distance with m = 4; Gabor features: m = 2; random conv features: m = 1; " +
        "every m chosen on held-out training data, never the test set): " +
        "test error (%) and RKHS norm of the solution, exact (lambda = 0) and with a ridge (lambda = 0.001 on pixels, 0.1 on random features, chosen on held-out data); paper, reproduced, difference. " +
        $"Training points and precision per row; {context.Profile.ToString().ToLowerInvariant()} profile (the paper uses all 60,000 / 50,000).";

    private static (double? Error, double? Norm) Paper(KernelFitResult r)
    {
        var (features, ridge) = (r.Config.Features, r.Config.Ridge > 0);
        if (r.Config.Dataset == DatasetId.Mnist)
            return features switch
            {
                null when !ridge => (PaperNumbers.MnistRawTestError, PaperNumbers.MnistRawNorm),
                // The paper's Gabor run is exact; the FP32 run at 60,000 needs a tiny ridge (see the catalog) and is compared with it.
                GaborConfig => (PaperNumbers.MnistGaborTestError, PaperNumbers.MnistGaborNorm),
                _ => (null, null),
            };
        if (r.Config.Dataset == DatasetId.Cifar10)
            return features switch
            {
                null when !ridge => (PaperNumbers.Cifar10RawTestError, null),
                RandomConvConfig => (ridge ? PaperNumbers.Cifar10RandomFeaturesL2TestError : PaperNumbers.Cifar10RandomFeaturesTestError, null),
                _ => (null, null),
            };
        return (null, null);
    }

    private static string F(double? v, string format = "F2") => v is { } x ? x.ToString(format, CultureInfo.InvariantCulture) : "—";

    public IReadOnlyList<string> Render(ResultStore store, ReproduceContext context)
    {
        var rows = runs.Load(store, context).Select(r =>
        {
            var (paperError, paperNorm) = Paper(r);
            var error = 100 * r.TestError;
            return (IReadOnlyList<string>)
            [
                r.Config.Dataset.Name, r.Config.Features?.Name ?? "raw pixels", r.TrainPoints.ToString("N0", CultureInfo.InvariantCulture), r.Solve.Precision.ToString().ToLowerInvariant(),
                r.Config.Ridge > 0 ? $"λ = {r.Config.Ridge:G3}" : "none",
                F(paperError), F(error), paperError is { } p ? (error - p >= 0 ? "+" : "") + F(error - p) : "",
                F(paperNorm, "F0"), F(r.Solve.RkhsNorm, "F1"),
            ];
        }).ToList();
        return TableFile.Save(context.TablesDirectory, Id, Caption(context),
            ["dataset", "features", "n", "precision", "ℓ2", "test error (paper)", "test error (ours)", "Δ", "norm (paper)", "norm (ours)"], rows, "lllll" + new string('r', 5),
            Provenance.Sources(Needs, store, context));
    }

    public IReadOnlyList<(string Name, string Value)> Macros(ResultStore store, ReproduceContext context) =>
        SourcedMacros(store, context).Select(m => (m.Name, m.Value)).ToList();

    /// <summary>Each row's numbers come from that row's fit alone.</summary>
    public IReadOnlyList<FigureMacro> SourcedMacros(ResultStore store, ReproduceContext context) =>
        runs.Load(store, context).SelectMany(r =>
        {
            var key = $"{r.Config.Dataset}-{r.Config.Features?.Name ?? "raw"}{(r.Config.Ridge > 0 ? "-ridge" : "")}";
            IReadOnlyList<string> source = [MacroSources.Of(KernelRunGroup.RunId, r.Config)];
            return new[]
            {
                new FigureMacro(Tables.Macros.Name(key, "TestError"), F(100 * r.TestError) + "\\%", source),
                new FigureMacro(Tables.Macros.Name(key, "Norm"), F(r.Solve.RkhsNorm, "F0"), source),
                new FigureMacro(Tables.Macros.Name(key, "TrainPoints"), r.TrainPoints.ToString("N0", CultureInfo.InvariantCulture).Replace(",", "{,}"), source),
            };
        }).ToList();
}
