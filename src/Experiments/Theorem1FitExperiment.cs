using Rethink.Core;
using Rethink.Theory;

namespace Rethink.Experiments;

/// <summary>A one-dimensional Theorem 1 fit to random labels.</summary>
/// <param name="N">n, the number of points.</param>
/// <param name="Seed">The seed of the points, labels and direction.</param>
/// <param name="GridPoints">Points of the grid the interpolant is drawn on.</param>
public sealed record Theorem1FitConfig(int N, int Seed, int GridPoints);

/// <summary>A one-dimensional Theorem 1 fit: the data, the thresholds and the interpolant on a grid.</summary>
public sealed record Theorem1FitResult(
    double[] X, double[] Y, double[] Thresholds, double[] GridX, double[] GridY, double[] GridLiteralY,
    long ParameterCount, double SmallestEigenvalue, double MaxError, double LiteralMaxError, double WeightNorm);

/// <summary>Theorem 1 in one dimension: n uniform points in [0, 1] with labels uniform in [−1, 1].</summary>
public sealed class Theorem1FitExperiment : Experiment<Theorem1FitConfig, Theorem1FitResult>
{
    /// <inheritdoc/>
    public override string Id => "theorem1-fit-1d";
    /// <inheritdoc/>
    public override string Title => "Theorem 1: a 2n+d-parameter ReLU network fits random labels (d = 1)";
    /// <inheritdoc/>
    public override Theorem1FitConfig Configure(ReproduceContext context) => new(N: 20, Seed: 3, GridPoints: 2001);
    /// <inheritdoc/>
    public override TimeSpan Estimate(ReproduceContext context) => TimeSpan.FromSeconds(1);
    /// <inheritdoc/>
    protected override (string Description, int? Seed) Describe(Theorem1FitConfig config) => ($"n={config.N}", config.Seed);

    /// <inheritdoc/>
    public override Theorem1FitResult Compute(Theorem1FitConfig config, ReproduceContext context, IProgress<double> progress, CancellationToken cancel)
    {
        var random = new Random(config.Seed);
        var x = new double[config.N];
        var y = new double[config.N];
        for (var i = 0; i < config.N; i++)
        {
            x[i] = random.NextDouble();
            y[i] = 2 * random.NextDouble() - 1;
        }
        var points = new FeatureMatrix(x, config.N, 1);
        var fit = ReluInterpolation.Fit(points, y, new ReluFitOptions(Seed: config.Seed));
        var net = fit.Network;
        var check = InterpolationCheck.Run(net, points, y);
        var a = net.Direction[0];
        var thresholds = net.Thresholds.ToArray().Select(b => b / a).ToArray();
        var lo = Math.Min(x.Min(), thresholds.Min()) - 0.05;
        var hi = x.Max() + 0.05;
        var gridX = new double[config.GridPoints];
        var gridY = new double[config.GridPoints];
        var gridLiteral = new double[config.GridPoints];
        for (var k = 0; k < gridX.Length; k++)
        {
            gridX[k] = lo + (hi - lo) * k / (gridX.Length - 1);
            gridY[k] = net.Evaluate([gridX[k]]);
            gridLiteral[k] = net.EvaluateLiteral([gridX[k]]);
        }
        return new Theorem1FitResult(x, y, thresholds, gridX, gridY, gridLiteral, net.ParameterCount, fit.SmallestEigenvalue,
            check.MaxError, check.LiteralMaxError, net.WeightNorm);
    }
}
