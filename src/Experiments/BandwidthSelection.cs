using Rethink.Kernels;
using Rethink.Core;
using Rethink.Data;
using Rethink.Kernels.Devices;
using Rethink.Features;

namespace Rethink.Experiments;

/// <summary>One candidate (multiplier, ridge) and its held-out error.</summary>
public sealed record BandwidthCandidate(double Multiplier, double Gamma, double HeldOutError, double RkhsNorm, double Seconds, double Ridge = 0);

/// <summary>
/// Chooses the multiplier m of a data-driven Gaussian bandwidth (γ = m / scale) on held-out
/// <em>training</em> data: a stratified sample of the training split is divided into a fitting part
/// and a held-out part; each candidate interpolates the fitting part and is scored on the held-out
/// part. The test split is never touched. Several ridges λ may be given: every (m, λ) pair is scored,
/// so the ℓ2 runs choose λ the same way. A streamed feature map (<see cref="IStreamedFeatureMap"/>)
/// delivers the fitting Gram and the fitting × held-out products once, block by block, and every
/// candidate reuses them: selection at 32,000 filters never stores a feature.
/// </summary>
public static class BandwidthSelection
{
    public static (BandwidthCandidate Best, IReadOnlyList<BandwidthCandidate> All) Select(
        string dataset, DataOptions data, BandwidthRule rule, IReadOnlyList<double> multipliers, int fit, int heldOut,
        Precision precision, ComputeDevice device = ComputeDevice.Cpu, int seed = 0, IProgress<KernelProgress>? progress = null,
        IFeatureMap? features = null, double ridge = 0, IReadOnlyList<double>? ridges = null, CancellationToken cancel = default)
    {
        if (rule == BandwidthRule.Given) throw new ArgumentException("Selection needs a data rule (median or variance).", nameof(rule));
        if (multipliers.Count == 0) throw new ArgumentException("Give at least one multiplier.", nameof(multipliers));
        if (fit < 1 || heldOut < 1) throw new ArgumentOutOfRangeException(nameof(fit), "--fit and --held-out must both be at least 1.");
        ridges ??= [ridge];
        if (ridges.Count == 0 || ridges.Any(r => !(r >= 0) || double.IsInfinity(r))) throw new ArgumentException("Ridges must be finite and at least 0.", nameof(ridges));
        var loaded = DatasetLoader.Load(dataset, data);
        if ((long)fit + heldOut > loaded.Train.Count)
            throw new UserInputException("Fit", fit, $"the fitting ({fit:N0}) and held-out ({heldOut:N0}) examples both come from {loaded.Name}'s {loaded.Train.Count:N0} training examples; together at most that many.");
        var prepared = DataPipeline.Prepare(loaded, new PipelineConfig(PipelineConfig.Scaled, Randomization.None,
            new Subset(fit + heldOut, SubsetKind.Stratified, seed), new Subset(0, SubsetKind.First)));
        var order = Enumerable.Range(0, prepared.Train.Count).ToArray();
        SeedMixer.Random(seed, 0x4E1D).Shuffle(order);
        var fitRows = order[..fit];
        var heldRows = order[fit..];
        var y = KernelFitRunner.OneHot(fitRows.Select(i => prepared.TrainLabels[i]).ToArray(), prepared.Classes);
        var yh = heldRows.Select(i => prepared.TrainLabels[i]).ToArray();

        var (computer, _) = ComputeDevices.Open(device, precision);
        using (computer)
        {
            var solver = new MinimumNormSolver(computer);
            var results = new List<BandwidthCandidate>();
            if (features is IStreamedFeatureMap streamed && KernelFitRunner.ChooseStreaming(streamed, fit, heldOut, precision))
            {
                // The fitting part plays the training split, the held-out part the test split.
                var split = prepared with
                {
                    Train = prepared.Train.Select(fitRows), TrainLabels = fitRows.Select(i => prepared.TrainLabels[i]).ToArray(),
                    Test = prepared.Train.Select(heldRows), TestLabels = yh,
                    TrainIndices = fitRows.Select(i => prepared.TrainIndices[i]).ToArray(), TestIndices = heldRows.Select(i => prepared.TrainIndices[i]).ToArray(),
                };
                var directory = Path.Combine(KernelFitRunner.GramCache, Json.Hash(new { Selection = true, dataset, features.Config, fit, heldOut, seed, precision }));
                using var products = streamed.Products(split, precision, computer, directory, progress, cancel);
                var scale = Bandwidth.Resolve(rule, 1.0, products.Train, seed);
                foreach (var (m, lambda) in Candidates(multipliers, ridges))
                {
                    var watch = System.Diagnostics.Stopwatch.StartNew();
                    using var model = solver.Fit(products.Train, y, prepared.Classes, new GaussianKernel(m / scale.Scale), new SolveOptions(precision, lambda), progress, cancel);
                    var (error, _) = KernelFitRunner.Evaluate(model.Predict(products.Cross, progress, cancel), yh, prepared.Classes);
                    results.Add(new BandwidthCandidate(m, m / scale.Scale, error, model.Report.RkhsNorm, watch.Elapsed.TotalSeconds, lambda));
                }
            }
            else
            {
                var all = features is null ? prepared.Train.ToFeatureMatrix() : features.Transform(prepared, progress).Train;
                var x = all.SelectRows(fitRows);
                var xh = all.SelectRows(heldRows);
                var scale = Bandwidth.Resolve(rule, 1.0, x, seed);
                foreach (var (m, lambda) in Candidates(multipliers, ridges))
                {
                    var watch = System.Diagnostics.Stopwatch.StartNew();
                    using var model = solver.Fit(x, y, prepared.Classes, new GaussianKernel(m / scale.Scale), new SolveOptions(precision, lambda), progress, cancel);
                    var (error, _) = KernelFitRunner.Evaluate(model.Predict(xh, progress, cancel), yh, prepared.Classes);
                    results.Add(new BandwidthCandidate(m, m / scale.Scale, error, model.Report.RkhsNorm, watch.Elapsed.TotalSeconds, lambda));
                }
            }
            return (results.MinBy(r => r.HeldOutError)!, results);
        }
    }

    private static IEnumerable<(double Multiplier, double Ridge)> Candidates(IReadOnlyList<double> multipliers, IReadOnlyList<double> ridges) =>
        from m in multipliers from r in ridges select (m, r);
}
