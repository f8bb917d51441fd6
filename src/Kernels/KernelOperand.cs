using Rethink.Kernels.InnerProducts;

namespace Rethink.Kernels;

/// <summary>
/// The points a kernel solve or prediction takes, in one of the two forms the library accepts: their
/// coordinates (<see cref="Points"/>), or only their inner products with the training points and their
/// squared norms (<see cref="Products"/>, what a streamed feature map delivers). The form is chosen once,
/// where the operand is built; the solver, the model and the devices take the operand and never test it.
/// </summary>
public abstract record KernelOperand
{
    private KernelOperand() { }

    /// <summary>How many points.</summary>
    public abstract int Count { get; }

    /// <summary>The points' dimension (the feature dimension of stored products).</summary>
    public abstract int Dimension { get; }

    /// <summary>Values the points occupy on a device: coordinates (n·d), or for stored products only their norms (n).</summary>
    public abstract long DeviceValues { get; }

    /// <summary>Throws <see cref="ArgumentException"/> naming the first non-finite value.</summary>
    public abstract void EnsureFinite(string name);

    /// <summary>Points [first, first + count) of this operand, in its form.</summary>
    public abstract KernelOperand Slice(int first, int count);

    /// <summary>Throws <see cref="ArgumentException"/> unless these can be test points of a model fitted on <paramref name="trainingPoints"/> points.</summary>
    public abstract void EnsureTestOf(int trainingPoints, string name);

    /// <summary>Points given by their coordinates.</summary>
    /// <param name="Values">n points of dimension d, one per row.</param>
    public sealed record Points(FeatureMatrix Values) : KernelOperand
    {
        /// <inheritdoc/>
        public override int Count => Values.Rows;

        /// <inheritdoc/>
        public override int Dimension => Values.Columns;

        /// <inheritdoc/>
        public override long DeviceValues => (long)Values.Rows * Values.Columns;

        /// <inheritdoc/>
        public override void EnsureFinite(string name) => Values.EnsureFinite(name);

        /// <inheritdoc/>
        public override KernelOperand Slice(int first, int count) => new Points(Values.Slice(first, count));

        /// <inheritdoc/>
        public override void EnsureTestOf(int trainingPoints, string name) { }
    }

    /// <summary>Points known by their inner products: the symmetric Gram of the training points, or the training × test cross products.</summary>
    /// <param name="Values">The products and both sides' squared norms.</param>
    public sealed record Products(IInnerProducts Values) : KernelOperand
    {
        /// <summary>The points these products describe: the columns (the training points themselves for a symmetric Gram).</summary>
        public override int Count => Values.Columns;

        /// <inheritdoc/>
        public override int Dimension => Values.Dimension;

        /// <inheritdoc/>
        public override long DeviceValues => Values.Rows;

        /// <inheritdoc/>
        public override void EnsureFinite(string name)
        {
            for (var i = 0; i < Values.RowNorms.Count; i++)
                if (!double.IsFinite(Values.RowNorms[i])) throw new ArgumentException($"The squared norm of {name} point {i} is {Values.RowNorms[i]}; products must be finite.", name);
        }

        /// <inheritdoc/>
        public override KernelOperand Slice(int first, int count) => new Products(Values.SliceColumns(first, count));

        /// <inheritdoc/>
        public override void EnsureTestOf(int trainingPoints, string name)
        {
            if (Values.Rows != trainingPoints || Values.Symmetric)
                throw new ArgumentException($"Cross products need one row per training point ({trainingPoints}); got {Values.Rows} rows{(Values.Symmetric ? " of a symmetric Gram" : "")}.", name);
        }
    }

    /// <summary>Points by their coordinates.</summary>
    public static implicit operator KernelOperand(FeatureMatrix points) => new Points(points);

    /// <summary>Points by their stored inner products.</summary>
    public static KernelOperand Of(IInnerProducts products) => new Products(products);
}
