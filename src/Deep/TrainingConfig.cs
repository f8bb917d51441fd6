using Rethink.Core;
using Rethink.Data;

namespace Rethink.Deep;

/// <summary>
/// One training run, immutable and validated: what it computes, saved verbatim with its metrics and
/// checkpoints and hashed into its cache key. Where it runs (<see cref="TrainingSession"/>) is not part of it.
/// </summary>
/// <param name="Model">The architecture.</param>
/// <param name="Dataset">CIFAR-10 (28×28×3 after the paper's centre crop), MNIST or Fashion-MNIST (28×28×1), or a folder.</param>
/// <param name="Randomization">The randomization test applied to the training set (null: true labels), with its own seed.</param>
/// <param name="Train">Training subset size (null: the whole training set).</param>
/// <param name="Test">Test subset size (null: the whole test set).</param>
/// <param name="Seed">Master seed: initialization, data order, subsets, dropout.</param>
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
/// <param name="ImageSize">
/// ImageNet only: the side of the square crops the network sees (null: 299, Inception V3's). Left out of the
/// config's JSON when null, so the CIFAR-10 and MNIST configs (and their hashes) are as before it existed.
/// </param>
public sealed record TrainingConfig(
    ModelKind Model,
    DatasetId Dataset,
    Randomization? Randomization = null,
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
    [property: System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)] int? ImageSize = null)
{
    // Not in the JSON (nor the hash): derived, and the configs from before ImageNet keep their hashes.
    /// <summary>Whether this trains on ImageNet (an ILSVRC2012 folder; <see cref="ImageNetTrainingData"/>).</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public bool IsImageNet => Dataset.Name.Equals(ImageNetTrainingData.DatasetName, StringComparison.OrdinalIgnoreCase);

    /// <summary>The crops' side on ImageNet: <see cref="ImageSize"/> or 299.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public int ImageNetSide => ImageSize ?? 299;

    /// <summary>The randomization in effect (true labels when none is given).</summary>
    public Randomization Labels => Randomization ?? Data.Randomization.None;

    /// <summary>The learning rate of the first step.</summary>
    public double InitialLearningRate => LearningRate ?? Model.DefaultLearningRate();

    /// <summary>The learning rate in force at <paramref name="step"/> (0-based): lr₀ · decay^⌊step / DecayEvery⌋.</summary>
    public double LearningRateAt(long step) => InitialLearningRate * Math.Pow(Decay, step / DecayEvery);

    /// <summary>A name for folders and progress lines: model and randomization, e.g. "mlp1x512-random-labels".</summary>
    public string ShortName => $"{Model.Name()}-{Labels.Name}";

    /// <summary>Throws <see cref="UserInputException"/> naming the first parameter out of range.</summary>
    public void Validate()
    {
        if (!Enum.IsDefined(Model)) throw new UserInputException(nameof(Model), Model, $"choose {string.Join(", ", Models.All.Select(m => m.Name()))}.");
        if (Train is < 1) throw new UserInputException(nameof(Train), Train, "a run needs at least one training example; give 1 or more, or leave it out for all.");
        if (Test is < 1) throw new UserInputException(nameof(Test), Test, "a run needs at least one test example; give 1 or more, or leave it out for all.");
        if (MaxSteps < 1) throw new UserInputException(nameof(MaxSteps), MaxSteps, "at least one step.");
        if (BatchSize < 1) throw new UserInputException(nameof(BatchSize), BatchSize, "at least one example per batch.");
        if (DecayEvery < 1) throw new UserInputException(nameof(DecayEvery), DecayEvery, "at least one step per decay period.");
        if (!(InitialLearningRate > 0) || double.IsInfinity(InitialLearningRate)) throw new UserInputException(nameof(LearningRate), LearningRate, "a positive finite number.");
        if (!(Momentum >= 0 && Momentum < 1)) throw new UserInputException(nameof(Momentum), Momentum, "must lie in [0, 1).");
        if (!(Decay > 0 && Decay <= 1)) throw new UserInputException(nameof(Decay), Decay, "must lie in (0, 1].");
        if (!(WeightDecay >= 0) || double.IsInfinity(WeightDecay)) throw new UserInputException(nameof(WeightDecay), WeightDecay, "a finite number >= 0.");
        if (!(Dropout >= 0 && Dropout < 1)) throw new UserInputException(nameof(Dropout), Dropout, "must lie in [0, 1).");
        if (!(OverfitThreshold > 0 && OverfitThreshold <= 1)) throw new UserInputException(nameof(OverfitThreshold), OverfitThreshold, "must lie in (0, 1].");
        if (EvaluateEvery is < 1) throw new UserInputException(nameof(EvaluateEvery), EvaluateEvery, "at least one step between evaluations.");
        if (ImageSize is not null && !IsImageNet) throw new UserInputException(nameof(ImageSize), ImageSize, "sets the crop size of ImageNet images; CIFAR-10 and MNIST are 28x28 (leave it out).");
        if (ImageSize is < 16 or > 1024) throw new UserInputException(nameof(ImageSize), ImageSize, "a side from 16 to 1024 pixels (Inception V3: 299, at least 75).");
        if (Model == ModelKind.InceptionV3 && !IsImageNet) throw new UserInputException(nameof(Model), Model.Name(), "Inception V3 takes ImageNet-sized images (75x75 or more): use it with the imagenet dataset; CIFAR-10's Inception is 'inception'.");
        if (Model == ModelKind.InceptionV3 && ImageNetSide < 75) throw new UserInputException(nameof(ImageSize), ImageSize, "Inception V3 needs crops of 75x75 pixels or more.");
        Randomization?.Validate();
    }
}

/// <summary>
/// Where and how a training run executes — none of it changes what the run computes, so none of it is
/// hashed: the device, the run folder (config, metrics, checkpoints, result) and whether to continue from
/// its checkpoint.
/// </summary>
/// <param name="Device">Where it trains.</param>
/// <param name="Directory">The run folder (null: nothing written).</param>
/// <param name="Resume">Continue from the folder's checkpoint when there is one.</param>
/// <param name="Parallel">
/// One run across processes (<see cref="DataParallel"/>): each trains on its share of every global batch; rank 0
/// alone writes the folder, every rank resumes from its checkpoint (null: this process alone).
/// </param>
public sealed record TrainingSession(TrainingDevice Device = TrainingDevice.Cpu, string? Directory = null, bool Resume = false, DataParallel? Parallel = null);
