using Rethink.Kernels;
using Rethink.Core;
using Rethink.Data;
using Rethink.Kernels.Devices;
using Rethink.Features;

namespace Rethink.Experiments;

/// <summary>One candidate (multiplier, ridge) and its held-out error.</summary>
/// <param name="Multiplier">m.</param>
/// <param name="Gamma">γ = m / scale.</param>
/// <param name="HeldOutError">Error on the held-out training examples.</param>
/// <param name="RkhsNorm">The interpolant's RKHS norm.</param>
/// <param name="Seconds">Wall time of the candidate's solve and scoring.</param>
/// <param name="Ridge">λ.</param>
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
    /// <param name="dataset">The dataset (only its training split is read).</param>
    /// <param name="data">Where datasets are found.</param>
    /// <param name="rule">The data rule (median or variance).</param>
    /// <param name="multipliers">Candidate multipliers m.</param>
    /// <param name="fit">Training examples each candidate interpolates.</param>
    /// <param name="heldOut">Training examples that score the candidates.</param>
    /// <param name="precision">The solves' precision.</param>
    /// <param name="device">Where to compute (default: the CPU).</param>
    /// <param name="seed">Seed of the split and the bandwidth sample.</param>
    /// <param name="progress">Phase progress.</param>
    /// <param name="features">A feature map applied first (null: pixels).</param>
    /// <param name="ridges">Candidate ridges λ (default: exact interpolation only).</param>
    /// <param name="cancel">Cancellation.</param>
    /// <param name="checkpoints">When a streamed Gram is checkpointed (default every 10 minutes).</param>
    public static (BandwidthCandidate Best, IReadOnlyList<BandwidthCandidate> All) Select(
        DatasetId dataset, DataOptions data, BandwidthRule rule, IReadOnlyList<double> multipliers, int fit, int heldOut,
        Precision precision, DeviceRequest? device = null, int seed = 0, IProgress<KernelProgress>? progress = null,
        IFeatureMap? features = null, IReadOnlyList<double>? ridges = null, CancellationToken cancel = default, CheckpointSchedule? checkpoints = null)
    {
        if (rule == BandwidthRule.Given) throw new UserInputException("BandwidthRule", "given", "selection needs a data rule: median or variance.");
        if (multipliers.Count == 0) throw new UserInputException("Multipliers", "", "give at least one multiplier.");
        if (fit < 1) throw new UserInputException("Fit", fit, "at least one fitting example.");
        if (heldOut < 1) throw new UserInputException("HeldOut", heldOut, "at least one held-out example.");
        ridges ??= [0.0];
        if (ridges.Count == 0 || ridges.Any(r => !(r >= 0) || double.IsInfinity(r))) throw new UserInputException("Ridges", string.Join(',', ridges), "finite numbers >= 0.");
        var loaded = DatasetLoader.Load(dataset, data);
        if ((long)fit + heldOut > loaded.Train.Count)
            throw new UserInputException("Fit", fit, $"the fitting ({fit:N0}) and held-out ({heldOut:N0}) examples both come from {loaded.Name}'s {loaded.Train.Count:N0} training examples; together at most that many.");
        var prepared = DataPipeline.Prepare(loaded, new PipelineConfig(PipelineConfig.Scaled, Randomization.None,
            new Subset(fit + heldOut, SubsetKind.Stratified, seed), new Subset(0, SubsetKind.First)));
        var order = Enumerable.Range(0, prepared.Train.Count).ToArray();
        SeedMixer.Random(seed, 0x4E1D).Shuffle(order);
        var fitRows = order[..fit];
        var heldRows = order[fit..];
        // The fitting part plays the training split, the held-out part the test split.
        var split = prepared with
        {
            Train = prepared.Train.Select(fitRows), TrainLabels = fitRows.Select(i => prepared.TrainLabels[i]).ToArray(),
            Test = prepared.Train.Select(heldRows), TestLabels = heldRows.Select(i => prepared.TrainLabels[i]).ToArray(),
            TrainIndices = fitRows.Select(i => prepared.TrainIndices[i]).ToArray(), TestIndices = heldRows.Select(i => prepared.TrainIndices[i]).ToArray(),
        };
        var y = Targets.OneHot(split.TrainLabels, prepared.Classes);

        using var opened = ComputeDevices.Open(device ?? DeviceRequest.Cpu, precision);
        var cache = Path.Combine(KernelFitRunner.GramCache, Json.Hash(new { Selection = true, dataset, features?.Config, fit, heldOut, seed, precision }));
        // Computed once for every candidate (streamed at 32,000 filters: no feature is ever stored).
        using var operands = KernelOperands.Build(split, features, precision, opened.Device, cache, progress, cancel, checkpoints);
        var scale = Bandwidth.Resolve(rule, 1.0, operands.Train, seed);
        var solver = new MinimumNormSolver(opened.Device);
        var results = new List<BandwidthCandidate>();
        foreach (var (m, lambda) in Candidates(multipliers, ridges))
        {
            var watch = System.Diagnostics.Stopwatch.StartNew();
            using var model = solver.Fit(operands.Train, y, new GaussianKernel(m / scale.Scale), new SolveOptions(precision, lambda), progress, cancel);
            var (error, _) = KernelFitRunner.Evaluate(model.Predict(operands.Test, progress, cancel), split.TestLabels, prepared.Classes);
            results.Add(new BandwidthCandidate(m, m / scale.Scale, error, model.Report.RkhsNorm, watch.Elapsed.TotalSeconds, lambda));
        }
        return (results.MinBy(r => r.HeldOutError)!, results);
    }

    private static IEnumerable<(double Multiplier, double Ridge)> Candidates(IReadOnlyList<double> multipliers, IReadOnlyList<double> ridges) =>
        from m in multipliers from r in ridges select (m, r);
}
