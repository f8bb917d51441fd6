namespace Rethink.Kernels;

/// <summary>Argument checks shared by the backends: shapes and finiteness, named.</summary>
internal static class KernelInputs
{
    public static void Validate(FeatureMatrix x, double[] targets, int columns, SolveOptions options)
    {
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(targets);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        if (x.Rows < 1) throw new ArgumentException("No training points.", nameof(x));
        if (columns < 1) throw new ArgumentOutOfRangeException(nameof(columns), columns, "At least one target column is needed.");
        if (targets.LongLength != (long)x.Rows * columns)
            throw new ArgumentException($"Targets hold {targets.LongLength} values; {x.Rows} points x {columns} columns need {(long)x.Rows * columns}.", nameof(targets));
        x.EnsureFinite("training features");
        for (long i = 0; i < targets.LongLength; i++)
            if (!double.IsFinite(targets[i]))
                throw new ArgumentException($"Target ({i % x.Rows}, {i / x.Rows}) is {targets[i]}; targets must be finite.", nameof(targets));
    }
}
