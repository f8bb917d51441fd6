namespace Rethink.Features;

/// <summary>Per-feature standardization with training statistics: a block of features at a time (it is per feature, so it streams).</summary>
public static class FeatureStatistics
{
    /// <summary>
    /// Standardizes row-major blocks in place: every feature (column) of both gets the training
    /// block's mean subtracted and is divided by its standard deviation (constant features: by 1).
    /// Statistics accumulate in double.
    /// </summary>
    public static void Standardize(float[] train, float[] test, int trainRows, int testRows, int width) =>
        Standardize<float>(train, test, trainRows, testRows, width);

    /// <inheritdoc cref="Standardize(float[], float[], int, int, int)"/>
    public static void Standardize(double[] train, double[] test, int trainRows, int testRows, int width) =>
        Standardize<double>(train, test, trainRows, testRows, width);

    /// <inheritdoc cref="Standardize(float[], float[], int, int, int)"/>
    public static void Standardize<T>(T[] train, T[] test, int trainRows, int testRows, int width) where T : unmanaged, System.Numerics.IFloatingPoint<T>
    {
        var mean = new double[width];
        var sq = new double[width];
        var chunks = Math.Max(1, Math.Min(Environment.ProcessorCount * 4, trainRows));
        var partial = new (double[] Sum, double[] Sq)[chunks];
        Parallel.For(0, chunks, chunk =>
        {
            var (sum, squares) = (new double[width], new double[width]);
            for (var i = chunk; i < trainRows; i += chunks)
                for (var k = 0; k < width; k++)
                {
                    var v = double.CreateTruncating(train[(long)i * width + k]);
                    sum[k] += v;
                    squares[k] += v * v;
                }
            partial[chunk] = (sum, squares);
        });
        foreach (var (sum, squares) in partial)
            for (var k = 0; k < width; k++) { mean[k] += sum[k]; sq[k] += squares[k]; }
        var scale = new T[width];
        var center = new T[width];
        for (var k = 0; k < width; k++)
        {
            var m = mean[k] / trainRows;
            var std = Math.Sqrt(Math.Max(sq[k] / trainRows - m * m, 0));
            center[k] = T.CreateTruncating(m);
            scale[k] = std > 1e-12 ? T.CreateTruncating(1 / std) : T.One;
        }
        void Apply(T[] values, int rows) => Parallel.For(0, rows, i =>
        {
            var row = values.AsSpan((int)((long)i * width), width);
            for (var k = 0; k < width; k++) row[k] = (row[k] - center[k]) * scale[k];
        });
        Apply(train, trainRows);
        Apply(test, testRows);
    }
}
