namespace Rethink.Deep;

/// <summary>
/// One training run, immutable and validated; saved verbatim with its metrics and checkpoints.
/// </summary>
/// <param name="Model">inception, inception-no-bn, alexnet, mlp1x512, mlp3x512.</param>
/// <param name="Dataset">cifar10 (28×28×3 after the paper's centre crop) or mnist / fashion-mnist (28×28×1).</param>
/// <param name="Randomization">true-labels, corrupted-P, random-labels, shuffled-pixels, random-pixels, gaussian.</param>
/// <param name="Train">Training subset size (null: the whole training set).</param>
/// <param name="Test">Test subset size (null: the whole test set).</param>
/// <param name="Seed">Master seed: initialization, data order, subsets, randomization, dropout.</param>
/// <param name="MaxSteps">Step budget.</param>
/// <param name="LearningRate">Initial learning rate (null: the paper's 0.1 for Inception, 0.01 otherwise).</param>
/// <param name="Momentum">SGD momentum (paper: 0.9).</param>
/// <param name="Decay">Learning-rate factor per decay period (paper: 0.95).</param>
/// <param name="DecayEvery">
/// Steps per decay period. The paper decays once per epoch of the full 50,000 images at batch 128,
/// i.e. every ⌈50,000/128⌉ = 391 steps; on a subset the schedule is kept per step (decaying per
/// subset epoch instead stalls AlexNet on 1,000 random labels near 43% training accuracy).
/// </param>
/// <param name="BatchSize">Minibatch size (paper: 128).</param>
/// <param name="WeightDecay">L2 weight decay added to the gradient.</param>
/// <param name="Dropout">Dropout rate before the fully connected layers (0: none).</param>
/// <param name="Augment">Random 28×28 crops of the 32×32 CIFAR-10 images (test: centre crop).</param>
/// <param name="StopWhenFitted">Stop once training accuracy reaches <paramref name="OverfitThreshold"/>.</param>
/// <param name="OverfitThreshold">Training accuracy that counts as "fitted" (time to overfit).</param>
/// <param name="EvaluateEvery">Steps between evaluations (null: whole epochs, at least 20 steps).</param>
/// <param name="Device">cpu or cuda.</param>
public sealed record TrainingConfig(
    string Model,
    string Dataset,
    string Randomization = "true-labels",
    int? Train = null,
    int? Test = null,
    int Seed = 0,
    int MaxSteps = 10_000,
    double? LearningRate = null,
    double Momentum = 0.9,
    double Decay = 0.95,
    int DecayEvery = 391,
    int BatchSize = 128,
    double WeightDecay = 0,
    double Dropout = 0,
    bool Augment = false,
    bool StopWhenFitted = true,
    double OverfitThreshold = 1.0,
    int? EvaluateEvery = null,
    string Device = "cpu")
{
    public double InitialLearningRate => LearningRate ?? ModelKind.DefaultLearningRate(Model);

    /// <summary>The learning rate in force at <paramref name="step"/> (0-based): lr₀ · decay^⌊step / DecayEvery⌋.</summary>
    public double LearningRateAt(long step) => InitialLearningRate * Math.Pow(Decay, step / DecayEvery);

    public void Validate()
    {
        if (!ModelKind.All.Contains(Model)) throw new ArgumentException($"--model {Model}: choose {string.Join(", ", ModelKind.All)}.", nameof(Model));
        if (string.IsNullOrWhiteSpace(Dataset)) throw new ArgumentException("--dataset is required.", nameof(Dataset));
        if (Train is < 1) throw new ArgumentOutOfRangeException(nameof(Train), Train, "--train must be at least 1.");
        if (Test is < 0) throw new ArgumentOutOfRangeException(nameof(Test), Test, "--test must be at least 0.");
        if (MaxSteps < 1) throw new ArgumentOutOfRangeException(nameof(MaxSteps), MaxSteps, "--steps must be at least 1.");
        if (BatchSize < 1) throw new ArgumentOutOfRangeException(nameof(BatchSize), BatchSize, "--batch must be at least 1.");
        if (DecayEvery < 1) throw new ArgumentOutOfRangeException(nameof(DecayEvery), DecayEvery, "--decay-every must be at least 1.");
        if (!(InitialLearningRate > 0)) throw new ArgumentOutOfRangeException(nameof(LearningRate), LearningRate, "--lr must be positive.");
        if (!(Momentum >= 0 && Momentum < 1)) throw new ArgumentOutOfRangeException(nameof(Momentum), Momentum, "--momentum must lie in [0, 1).");
        if (!(Decay > 0 && Decay <= 1)) throw new ArgumentOutOfRangeException(nameof(Decay), Decay, "--decay must lie in (0, 1].");
        if (!(WeightDecay >= 0)) throw new ArgumentOutOfRangeException(nameof(WeightDecay), WeightDecay, "--weight-decay must be >= 0.");
        if (!(Dropout >= 0 && Dropout < 1)) throw new ArgumentOutOfRangeException(nameof(Dropout), Dropout, "--dropout must lie in [0, 1).");
        if (!(OverfitThreshold > 0 && OverfitThreshold <= 1)) throw new ArgumentOutOfRangeException(nameof(OverfitThreshold), OverfitThreshold, "--overfit-threshold must lie in (0, 1].");
        if (EvaluateEvery is < 1) throw new ArgumentOutOfRangeException(nameof(EvaluateEvery), EvaluateEvery, "--eval-every must be at least 1.");
        if (Device is not ("cpu" or "cuda")) throw new ArgumentException($"--device {Device}: choose cpu or cuda.", nameof(Device));
        _ = Data.Randomization.Parse(Randomization, seed: Seed);
    }
}
