namespace Rethink.Data;

/// <summary>The six randomization tests of the paper (§2.1).</summary>
public enum RandomizationKind
{
    /// <summary>The original dataset.</summary>
    TrueLabels,
    /// <summary>Each training label is, with probability p, replaced (see <see cref="CorruptionRule"/>).</summary>
    PartiallyCorrupted,
    /// <summary>Every training label replaced by a uniform random class (partially corrupted with p = 1).</summary>
    RandomLabels,
    /// <summary>One random permutation of pixel positions applied to every image, train and test; the colour channels of a pixel move together.</summary>
    ShuffledPixels,
    /// <summary>A fresh random permutation of pixel positions per image.</summary>
    RandomPixels,
    /// <summary>Every image replaced by Gaussian noise with the dataset's per-channel mean and variance.</summary>
    Gaussian,
}

/// <summary>What "corrupt a label" means.</summary>
public enum CorruptionRule
{
    /// <summary>The paper's: a uniform class among all k, which may equal the true one (so about (k−1)/k·p labels change).</summary>
    Uniform,
    /// <summary>Later work's: a uniform class among the k − 1 wrong ones (exactly p of the labels change in expectation).</summary>
    AlwaysWrong,
}

/// <summary>
/// One randomization test, deterministic under <see cref="Seed"/>.
/// </summary>
/// <param name="Kind">Which test.</param>
/// <param name="P">Corruption probability for <see cref="RandomizationKind.PartiallyCorrupted"/> (1 for random labels).</param>
/// <param name="Rule">The corruption rule for label randomizations.</param>
/// <param name="Seed">Seed of every random draw of this randomization.</param>
/// <param name="ApplyToTest">
/// Also randomize the test set (labels, random pixels, Gaussian). Off by default, as in the paper, where
/// the test set measures generalization from the corrupted training set. The authors' demo code
/// corrupts the test set too; turn this on to match it. Shuffled pixels always apply to both: it is a
/// fixed change of input coordinates.
/// </param>
public sealed record Randomization(
    RandomizationKind Kind,
    double P = 0,
    CorruptionRule Rule = CorruptionRule.Uniform,
    int Seed = 0,
    bool ApplyToTest = false)
{
    /// <summary>True labels: no randomization.</summary>
    public static Randomization None { get; } = new(RandomizationKind.TrueLabels);

    /// <summary>The effective corruption probability of a label randomization.</summary>
    public double LabelProbability => Kind switch
    {
        RandomizationKind.RandomLabels => 1.0,
        RandomizationKind.PartiallyCorrupted => P,
        _ => 0.0,
    };

    /// <summary>Throws <see cref="Core.UserInputException"/> (parameter "Randomization") for a corruption probability outside [0, 1].</summary>
    public void Validate()
    {
        if (Kind == RandomizationKind.PartiallyCorrupted && !(P >= 0 && P <= 1))
            throw new Core.UserInputException("Randomization", Name, "the corruption probability must lie in [0, 1], e.g. corrupted-0.4.");
    }

    /// <summary>Kebab-case name as used on the console and in result files.</summary>
    public string Name => Kind switch
    {
        RandomizationKind.TrueLabels => "true-labels",
        RandomizationKind.PartiallyCorrupted => $"corrupted-{P:0.##}",
        RandomizationKind.RandomLabels => "random-labels",
        RandomizationKind.ShuffledPixels => "shuffled-pixels",
        RandomizationKind.RandomPixels => "random-pixels",
        RandomizationKind.Gaussian => "gaussian",
        _ => Kind.ToString(),
    };

    /// <summary>Parses true-labels, corrupted-0.4 (or partially-corrupted with p), random-labels, shuffled-pixels, random-pixels, gaussian.</summary>
    public static Randomization Parse(string name, double p = 0, int seed = 0, CorruptionRule rule = CorruptionRule.Uniform, bool applyToTest = false)
    {
        RandomizationKind kind;
        switch (name)
        {
            case "true-labels" or "true": kind = RandomizationKind.TrueLabels; break;
            case "random-labels": kind = RandomizationKind.RandomLabels; break;
            case "shuffled-pixels": kind = RandomizationKind.ShuffledPixels; break;
            case "random-pixels": kind = RandomizationKind.RandomPixels; break;
            case "gaussian": kind = RandomizationKind.Gaussian; break;
            case "partially-corrupted": kind = RandomizationKind.PartiallyCorrupted; break;
            default:
                if (name.StartsWith("corrupted-", StringComparison.Ordinal)
                    && double.TryParse(name["corrupted-".Length..], System.Globalization.CultureInfo.InvariantCulture, out var parsed))
                {
                    kind = RandomizationKind.PartiallyCorrupted;
                    p = parsed;
                    break;
                }
                throw new Core.UserInputException("Randomization", name, "choose true-labels, corrupted-P (e.g. corrupted-0.4), random-labels, shuffled-pixels, random-pixels or gaussian.");
        }
        var r = new Randomization(kind, p, rule, seed, applyToTest);
        r.Validate();
        return r;
    }
}
