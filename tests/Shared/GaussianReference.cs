using MathNet.Numerics.LinearAlgebra;
using Rethink.Core;

namespace Rethink.Testing;

/// <summary>
/// The reference Gaussian system of a fit whose bandwidth came from the median rule, built here in double
/// from the features: K (train × train), C (test × train), and entry by entry how far a solver's own K
/// and C can be from them — the solver's inner products (γ_d, Higham (3.5)), the reference's, and its
/// γ within <see cref="GammaShift"/> of the reference γ.
/// </summary>
public sealed class GaussianReference
{
    private GaussianReference(Matrix<double> k, double gramDifference, Matrix<double> cross, double[] crossRowBounds)
    {
        (K, GramDifference, Cross, _crossRowBounds) = (k, gramDifference, cross, crossRowBounds);
    }

    private readonly double[] _crossRowBounds;

    /// <summary>K, n×n.</summary>
    public Matrix<double> K { get; }

    /// <summary>A bound on ‖K_solver − K‖_F.</summary>
    public double GramDifference { get; }

    /// <summary>C = K(test, train), m×n.</summary>
    public Matrix<double> Cross { get; }

    /// <summary>A bound on ‖C_solver,i − C_i‖₂ for test point i.</summary>
    public double CrossRowBound(int i) => _crossRowBounds[i];

    /// <summary>
    /// How far the median-rule γ of a fit that read squared distances from inner products can be from one that
    /// summed them directly (the same seeded sample of pairs): a median moves by at most the largest change of
    /// its elements, here the two computations' bounds (<see cref="ErrorBound.SquaredDistanceDirect"/>,
    /// <see cref="ErrorBound.SquaredDistanceFromProducts"/>) over every pair; Δγ = γ·ΔS/(S − ΔS).
    /// </summary>
    public static double GammaShift(FeatureMatrix train, double gamma, double scale)
    {
        var norms = train.SquaredNorms();
        var d = train.Columns;
        var shift = 0.0;
        for (var i = 0; i < train.Rows; i++)
            for (var j = 0; j < i; j++)
            {
                var (ni, nj) = (Math.Sqrt(norms[i]), Math.Sqrt(norms[j]));
                var upper = (ni + nj) * (ni + nj);
                shift = Math.Max(shift, ErrorBound.SquaredDistanceDirect(d, upper, ErrorBound.U64) + 2 * ErrorBound.SquaredDistanceFromProducts(d, ni, nj, ErrorBound.U64));
            }
        return shift < scale ? gamma * shift / (scale - shift) : double.PositiveInfinity;
    }

    /// <param name="train">Training features (double).</param>
    /// <param name="test">Test features.</param>
    /// <param name="gamma">The reference γ.</param>
    /// <param name="gammaShift">How far the solver's γ may be from it.</param>
    /// <param name="u">Unit roundoff of the solver's inner products.</param>
    public static GaussianReference Build(FeatureMatrix train, FeatureMatrix test, double gamma, double gammaShift, double u)
    {
        var d = train.Columns;
        var f = Matrix<double>.Build.Dense(d, train.Rows, train.Values); // columns are the points
        var g = Matrix<double>.Build.Dense(d, test.Rows, test.Values);
        var gram = f.TransposeThisAndMultiply(f);
        var products = g.TransposeThisAndMultiply(f); // m × n
        var trainNorms = Enumerable.Range(0, train.Rows).Select(i => gram[i, i]).ToArray();
        var testNorms = Enumerable.Range(0, test.Rows).Select(i => g.Column(i).DotProduct(g.Column(i))).ToArray();

        Matrix<double> Gaussian(int rows, Func<int, int, double> dot, Func<int, double> rowNorm, out double[] rowBounds)
        {
            var kernel = Matrix<double>.Build.Dense(rows, train.Rows);
            var squares = new double[rows];
            for (var i = 0; i < rows; i++)
                for (var j = 0; j < train.Rows; j++)
                {
                    var distance = Math.Max(rowNorm(i) + trainNorms[j] - 2 * dot(i, j), 0);
                    kernel[i, j] = Math.Exp(-gamma * distance);
                    var delta = ErrorBound.SquaredDistanceFromProducts(d, Math.Sqrt(rowNorm(i)), Math.Sqrt(trainNorms[j]), u)
                                + ErrorBound.SquaredDistanceFromProducts(d, Math.Sqrt(rowNorm(i)), Math.Sqrt(trainNorms[j]), ErrorBound.U64);
                    // The solver's entry within (its δ + the reference's δ, its γ shift) of the exact, the reference's within its own δ.
                    var e = ErrorBound.Gaussian(gamma, distance, 2 * delta, gammaShift, u) + ErrorBound.Gaussian(gamma, distance, delta, 0, ErrorBound.U64);
                    squares[i] += e * e;
                }
            rowBounds = squares.Select(Math.Sqrt).ToArray();
            return kernel;
        }
        var k = Gaussian(train.Rows, (i, j) => gram[i, j], i => trainNorms[i], out var kRows);
        var c = Gaussian(test.Rows, (i, j) => products[i, j], i => testNorms[i], out var cRows);
        return new GaussianReference(k, Math.Sqrt(kRows.Sum(r => r * r)), c, cRows);
    }
}
