namespace Rethink.Kernels.InnerProducts;

/// <summary>
/// The inner products ⟨xᵢ, yⱼ⟩ of two point sets whose coordinates are never held at once (features
/// computed and accumulated block by block): a Rows×Columns matrix, column-major, with the squared
/// norms of both sets. A kernel of ⟨x, y⟩, ‖x‖² and ‖y‖² needs nothing else, so the solver builds K
/// from it as it would from points. <see cref="Symmetric"/>: the Gram of one set with itself, whose
/// diagonal is the squared norms (and the kernel's diagonal is taken at distance 0).
/// </summary>
public interface IInnerProducts
{
    /// <summary>Rows: one per training point.</summary>
    int Rows { get; }
    /// <summary>Columns: one per training point of a Gram, one per test point of cross products.</summary>
    int Columns { get; }

    /// <summary>The dimension of the (never stored) points.</summary>
    int Dimension { get; }

    /// <summary>Whether this is the symmetric Gram of the training points (else cross products).</summary>
    bool Symmetric { get; }

    /// <summary>‖xᵢ‖², one per row.</summary>
    IReadOnlyList<double> RowNorms { get; }

    /// <summary>‖yⱼ‖², one per column.</summary>
    IReadOnlyList<double> ColumnNorms { get; }

    /// <summary>Columns [first, first + count) into <paramref name="destination"/>: count·Rows values, column-major.</summary>
    void CopyColumns(int first, int count, Span<float> destination);

    /// <summary>The same, converted to double.</summary>
    void CopyColumns(int first, int count, Span<double> destination);

    /// <summary>A view of columns [first, first + count) (a prediction tile of test points).</summary>
    IInnerProducts SliceColumns(int first, int count);
}
