using Rethink.Kernels;
using Rethink.Kernels.Devices;
using Rethink.Kernels.InnerProducts;
using Rethink.Testing;
using Xunit;

namespace Rethink.Properties;

/// <summary>
/// A solve from stored inner products asks the device for memory for K and the squared norms, not for
/// the coordinates that were never stored: products of a huge feature dimension (a streamed random
/// feature map's, 73,728 features for 4,096 filters) solve like the points they came from.
/// </summary>
public sealed class StoredProductsMemoryTests
{
    /// <summary>The same products claiming a dimension whose coordinates (n·d doubles) could not be held anywhere.</summary>
    private sealed class Claimed(IInnerProducts inner) : IInnerProducts
    {
        public int Rows => inner.Rows;
        public int Columns => inner.Columns;
        public int Dimension => int.MaxValue;
        public bool Symmetric => inner.Symmetric;
        public IReadOnlyList<double> RowNorms => inner.RowNorms;
        public IReadOnlyList<double> ColumnNorms => inner.ColumnNorms;
        public void CopyColumns(int first, int count, Span<float> destination) => inner.CopyColumns(first, count, destination);
        public void CopyColumns(int first, int count, Span<double> destination) => inner.CopyColumns(first, count, destination);
        public IInnerProducts SliceColumns(int first, int count) => new Claimed(inner.SliceColumns(first, count));
    }

    [Theory]
    [InlineData(Backend.Lapack)]
    [InlineData(Backend.Managed)]
    public void Products_of_a_huge_dimension_solve_like_their_points(Backend backend)
    {
        var random = new Random(11);
        var (n, d) = (240, 12);
        var x = new FeatureMatrix(Enumerable.Range(0, n * d).Select(_ => random.NextDouble()).ToArray(), n, d);
        var y = Enumerable.Range(0, n * 2).Select(_ => random.NextDouble() - 0.5).ToArray();
        var kernel = new GaussianKernel(1.0 / d);
        using var device = backend == Backend.Lapack ? LapackDevice.Open(Precision.Fp64) : new ManagedDevice();
        using var points = new MinimumNormSolver(device).Fit(x, new Targets(y, 2), kernel, new SolveOptions(Precision.Fp64));
        using var products = new MinimumNormSolver(device).Fit(KernelOperand.Of(new Claimed(InnerProductMatrix.From(x))), new Targets(y, 2), kernel, new SolveOptions(Precision.Fp64));
        // Both backward stable for the reference K (the products are the points' inner products in double, as the
        // device's own), so they differ by at most |r_points − r_products| / λ_min(K).
        var system = new ReferenceSystem(DeviceChecks.ReferenceGram(kernel, x), DeviceChecks.Dense(y, n, 2));
        var gramDifference = DeviceChecks.EntryBounds(kernel, x, x, Precision.Fp64).FrobeniusNorm();
        var (a, b) = (DeviceChecks.Dense(points.Alpha, n, 2), DeviceChecks.Dense(products.Alpha, n, 2));
        system.AssertBackwardStable(a, gramDifference, ErrorBound.U64, "from points");
        system.AssertBackwardStable(b, gramDifference, ErrorBound.U64, "from products");
        Within.Bound((a - b).FrobeniusNorm(), system.SolutionDifferenceBound(a, b), "|alpha(points) - alpha(products)|", "|r_a - r_b| / lambda_min(K)");
    }
}
