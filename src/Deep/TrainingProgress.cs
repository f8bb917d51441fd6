namespace Rethink.Deep;

/// <summary>Where a run is: steps done of the budget, the epoch, and the latest metrics.</summary>
public readonly record struct TrainingProgress(long Step, long MaxSteps, int Epoch, double Loss, double TrainAccuracy, double TestAccuracy);
