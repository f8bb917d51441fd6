namespace Rethink.Kernels;

/// <summary>Argument checks shared by the backends: shapes and finiteness, named.</summary>
internal static class KernelInputs
{
    public static void Validate(FeatureMatrix x, double[] targets, int columns, SolveOptions options)
    {
        ArgumentNullException.ThrowIfNull(x);
        ValidateTargets(x.Rows, targets, columns, options);
        x.EnsureFinite("training features");
    }

    public static void ValidateTargets(int n, double[] targets, int columns, SolveOptions options)
    {
        ArgumentNullException.ThrowIfNull(targets);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        if (n < 1) throw new ArgumentException("No training points.", nameof(n));
        if (columns < 1) throw new ArgumentOutOfRangeException(nameof(columns), columns, "At least one target column is needed.");
        if (targets.LongLength != (long)n * columns)
            throw new ArgumentException($"Targets hold {targets.LongLength} values; {n} points x {columns} columns need {(long)n * columns}.", nameof(targets));
        for (long i = 0; i < targets.LongLength; i++)
            if (!double.IsFinite(targets[i]))
                throw new ArgumentException($"Target ({i % n}, {i / n}) is {targets[i]}; targets must be finite.", nameof(targets));
    }
}
