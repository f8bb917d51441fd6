using Rethink.Core;

namespace Rethink.Data;

/// <summary>How to choose a subset of a split.</summary>
public enum SubsetKind
{
    /// <summary>The first N examples, in file order.</summary>
    First,
    /// <summary>N examples with class proportions kept (largest-remainder rounding), drawn at random within each class.</summary>
    Stratified,
}

/// <summary>A subset of <see cref="Count"/> examples chosen by <see cref="Kind"/> under <see cref="Seed"/>.</summary>
public sealed record Subset(int Count, SubsetKind Kind = SubsetKind.Stratified, int Seed = 0)
{
    /// <summary>
    /// The subset a config asks for of a split of <paramref name="available"/> examples: null when it asks for
    /// none (the whole split) or for exactly all of them; a <see cref="UserInputException"/> naming
    /// <paramref name="parameter"/> when it asks for more than there are (never silently the whole split).
    /// </summary>
    /// <param name="size">Examples asked for (null: all).</param>
    /// <param name="available">Examples in the split.</param>
    /// <param name="split">"training" or "test", for the message.</param>
    /// <param name="dataset">The dataset's name, for the message.</param>
    /// <param name="parameter">The config parameter that asked (Train, Test, …).</param>
    /// <param name="kind">How the subset is chosen.</param>
    /// <param name="seed">Its seed.</param>
    public static Subset? Of(int? size, int available, string split, string dataset, string parameter, SubsetKind kind, int seed)
    {
        if (size is not { } n) return null;
        if (n < 1) throw new UserInputException(parameter, n, $"a run needs at least one {split} example; give 1..{available:N0} ({dataset} has {available:N0}), or leave it out for all.");
        if (n > available) throw new UserInputException(parameter, n, $"{dataset} has {available:N0} {split} examples; give at most that, or leave it out for all.");
        return n == available ? null : new Subset(n, kind, seed);
    }

    /// <summary>The chosen indices, in increasing order.</summary>
    public int[] Indices(IReadOnlyList<byte> labels, int classes) => Indices(labels.Count, i => labels[i], classes);

    /// <summary>The chosen indices, in increasing order (labels beyond 255: ImageNet's 1,000 classes).</summary>
    public int[] Indices(IReadOnlyList<int> labels, int classes) => Indices(labels.Count, i => labels[i], classes);

    private int[] Indices(int count, Func<int, int> label, int classes)
    {
        if (Count < 0 || Count > count)
            throw new ArgumentOutOfRangeException(nameof(Count), Count, $"A subset must have 0..{count} examples.");
        if (Kind == SubsetKind.First) return Enumerable.Range(0, Count).ToArray();

        var byClass = new List<int>[classes];
        for (var c = 0; c < classes; c++) byClass[c] = [];
        for (var i = 0; i < count; i++) byClass[label(i)].Add(i);
        // Largest-remainder allocation of Count over classes in proportion to their sizes.
        var exact = byClass.Select(l => (double)Count * l.Count / count).ToArray();
        var take = exact.Select(e => (int)Math.Floor(e)).ToArray();
        var rest = Count - take.Sum();
        foreach (var c in Enumerable.Range(0, classes).OrderByDescending(c => exact[c] - take[c]).ThenBy(c => c).Take(rest)) take[c]++;
        var random = SeedMixer.Random(Seed, 0x5EB5E7);
        var chosen = new List<int>(Count);
        for (var c = 0; c < classes; c++)
        {
            var members = byClass[c].ToArray();
            random.Shuffle(members);
            chosen.AddRange(members.Take(take[c]));
        }
        chosen.Sort();
        return [.. chosen];
    }
}
