namespace Rethink.Deep;

/// <summary>One evaluation point of a run (one line of metrics.jsonl).</summary>
/// <param name="Step">Optimization steps done.</param>
/// <param name="Epoch">Passes over the training (sub)set done.</param>
/// <param name="LearningRate">Learning rate of the last step.</param>
/// <param name="TrainLoss">Mean minibatch cross-entropy since the previous evaluation.</param>
/// <param name="TrainAccuracy">Accuracy on the whole training (sub)set, in evaluation mode, with the labels trained on.</param>
/// <param name="TestAccuracy">Accuracy on the test (sub)set.</param>
/// <param name="BestTestAccuracy">Best test accuracy so far (the early-stopping view).</param>
/// <param name="Seconds">Wall time of training so far (evaluations excluded).</param>
/// <param name="TrainTop5">Top-5 accuracy on the training (sub)set: the label among the five largest logits (null in results written before top-5 was recorded).</param>
/// <param name="TestTop5">Top-5 accuracy on the test (sub)set.</param>
public sealed record TrainingRecord(
    long Step,
    int Epoch,
    double LearningRate,
    double TrainLoss,
    double TrainAccuracy,
    double TestAccuracy,
    double BestTestAccuracy,
    double Seconds,
    double? TrainTop5 = null,
    double? TestTop5 = null);

/// <summary>Per-step training loss (the curve of Figure 1a).</summary>
public sealed record StepLoss(long Step, double Loss, double BatchAccuracy);

/// <summary>The outcome of a run.</summary>
/// <param name="Config">The config, verbatim.</param>
/// <param name="Parameters">Trainable parameter count.</param>
/// <param name="TrainPoints">Training examples.</param>
/// <param name="TestPoints">Test examples.</param>
/// <param name="Preprocessing">Data steps applied.</param>
/// <param name="RealizedLabelCorruption">Fraction of training labels changed by the randomization.</param>
/// <param name="Records">Evaluations, in order.</param>
/// <param name="Losses">Per-step minibatch loss, thinned to at most about 2,000 points.</param>
/// <param name="StepsToFit">First evaluated step at which training accuracy reached the threshold, or null.</param>
/// <param name="SecondsToFit">Training wall time at that step, or null.</param>
/// <param name="Device">Where it ran.</param>
/// <param name="Resumed">How many times the run was resumed from a checkpoint.</param>
/// <param name="LibTorch">The libtorch build TorchSharp ran on (the bundled CPU build, or which CUDA build from where).</param>
/// <param name="DivergedAtStep">The step whose loss was not finite (NaN or infinite), where training stopped; null when it never diverged.</param>
public sealed record TrainingResult(
    TrainingConfig Config,
    long Parameters,
    int TrainPoints,
    int TestPoints,
    IReadOnlyList<string> Preprocessing,
    double RealizedLabelCorruption,
    IReadOnlyList<TrainingRecord> Records,
    IReadOnlyList<StepLoss> Losses,
    long? StepsToFit,
    double? SecondsToFit,
    TrainingDevice Device,
    int Resumed,
    string? LibTorch = null,
    long? DivergedAtStep = null)
{
    /// <summary>The last evaluation, or null before the first.</summary>
    public TrainingRecord? Final => Records.Count > 0 ? Records[^1] : null;
}
