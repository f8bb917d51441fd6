using Rethink.Theory;

namespace Rethink.Experiments;

/// <summary>One random interleaving of Lemma 1.</summary>
/// <param name="N">n, its size.</param>
/// <param name="Seed">The seed of its gaps.</param>
public sealed record Lemma1SpectrumConfig(int N, int Seed);

/// <summary>Eigenvalues (sorted) and singular values (sorted) of one random interleaving matrix.</summary>
public sealed record Lemma1SpectrumResult(
    double[] Eigenvalues, double[] SingularValues, double SmallestEigenvalue, double SmallestSingularValue, double ConditionNumber, int NumericalRank);

/// <summary>Lemma 1's spectrum: the eigenvalues of A are its diagonal, its singular values are another story.</summary>
public sealed class Lemma1SpectrumExperiment : Experiment<Lemma1SpectrumConfig, Lemma1SpectrumResult>
{
    /// <inheritdoc/>
    public override string Id => "lemma1-spectrum";
    /// <inheritdoc/>
    public override string Title => "Lemma 1: eigenvalues vs singular values of a random interleaving";
    /// <inheritdoc/>
    public override Lemma1SpectrumConfig Configure(ReproduceContext context) => new(N: 30, Seed: 1);
    /// <inheritdoc/>
    public override TimeSpan Estimate(ReproduceContext context) => TimeSpan.FromSeconds(1);
    /// <inheritdoc/>
    protected override (string Description, int? Seed) Describe(Lemma1SpectrumConfig config) => ($"n={config.N}", config.Seed);

    /// <inheritdoc/>
    public override Lemma1SpectrumResult Compute(Lemma1SpectrumConfig config, ReproduceContext context, IProgress<double> progress, CancellationToken cancel)
    {
        var report = InterleavingMatrix.Random(config.N, config.Seed).Analyze();
        var eigen = report.Eigenvalues.OrderByDescending(v => v).ToArray();
        return new Lemma1SpectrumResult(eigen, report.SingularValues, report.SmallestEigenvalue, report.SmallestSingularValue,
            report.ConditionNumber, report.NumericalRank);
    }
}
