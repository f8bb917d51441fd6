using Rethink.Data;
using Rethink.Kernels.Devices;
using Rethink.Kernels.FeatureMaps;

namespace Rethink.Kernels;

/// <summary>One candidate multiplier and its held-out error.</summary>
public sealed record BandwidthCandidate(double Multiplier, double Gamma, double HeldOutError, double RkhsNorm, double Seconds);

/// <summary>
/// Chooses the multiplier m of a data-driven Gaussian bandwidth (γ = m / scale) on held-out
/// <em>training</em> data: a stratified sample of the training split is divided into a fitting part
/// and a held-out part; each candidate interpolates the fitting part and is scored on the held-out
/// part. The test split is never touched.
/// </summary>
public static class BandwidthSelection
{
    public static (BandwidthCandidate Best, IReadOnlyList<BandwidthCandidate> All) Select(
        string dataset, DataOptions data, BandwidthRule rule, IReadOnlyList<double> multipliers, int fit, int heldOut,
        Precision precision, ComputeDevice device = ComputeDevice.Cpu, int seed = 0, IProgress<KernelProgress>? progress = null,
        IFeatureMap? features = null, double ridge = 0)
    {
        if (rule == BandwidthRule.Given) throw new ArgumentException("Selection needs a data rule (median or variance).", nameof(rule));
        if (multipliers.Count == 0) throw new ArgumentException("Give at least one multiplier.", nameof(multipliers));
        if (fit < 1 || heldOut < 1) throw new ArgumentOutOfRangeException(nameof(fit), "--fit and --held-out must both be at least 1.");
        var loaded = DatasetLoader.Load(dataset, data);
        var prepared = DataPipeline.Prepare(loaded, new PipelineConfig(PipelineConfig.Scaled, Randomization.None,
            new Subset(fit + heldOut, SubsetKind.Stratified, seed), new Subset(0, SubsetKind.First)));
        var all = features is null ? prepared.Train.ToFeatureMatrix() : features.Transform(prepared, progress).Train;
        var order = Enumerable.Range(0, all.Rows).ToArray();
        SeedMixer.Random(seed, 0x4E1D).Shuffle(order);
        var fitRows = order[..fit];
        var heldRows = order[fit..];
        var x = all.SelectRows(fitRows);
        var xh = all.SelectRows(heldRows);
        var y = KernelFitRunner.OneHot(fitRows.Select(i => prepared.TrainLabels[i]).ToArray(), prepared.Classes);
        var yh = heldRows.Select(i => prepared.TrainLabels[i]).ToArray();
        var scale = Bandwidth.Resolve(rule, 1.0, x, seed);
        var (computer, _) = ComputeDevices.Open(device, precision);
        using (computer)
        {
            var solver = new MinimumNormSolver(computer);
            var results = new List<BandwidthCandidate>();
            foreach (var m in multipliers)
            {
                var watch = System.Diagnostics.Stopwatch.StartNew();
                var gamma = m / scale.Scale;
                using var model = solver.Fit(x, y, prepared.Classes, new GaussianKernel(gamma), new SolveOptions(precision, ridge), progress);
                var (error, _) = KernelFitRunner.Evaluate(model.Predict(xh, progress), yh, prepared.Classes);
                results.Add(new BandwidthCandidate(m, gamma, error, model.Report.RkhsNorm, watch.Elapsed.TotalSeconds));
            }
            return (results.MinBy(r => r.HeldOutError)!, results);
        }
    }
}
