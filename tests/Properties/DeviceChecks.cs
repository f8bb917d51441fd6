using MathNet.Numerics.LinearAlgebra;
using Rethink.Kernels;
using Rethink.Kernels.Devices;
using Rethink.Testing;
using Xunit;

namespace Rethink.Properties;

/// <summary>
/// The checks every device must pass through the one <see cref="MinimumNormSolver"/>, each against an
/// independent reference: the kernel's direct definition (<see cref="Kernel.Gram"/>) for K, MathNet's
/// dense factorizations and SVD pseudo-inverse for α, and residuals, norms and predictions recomputed
/// from α with that K. Every tolerance is a rounding-error bound of what is compared (tests/Shared),
/// so the checks hold on every BLAS kernel and thread count: the device's K differs from the reference
/// by the bound of <see cref="ErrorBound.KernelEntry"/>, its solve is backward stable (Higham's Cholesky
/// bound), and two solves can differ by no more than their residuals allow through λ_min(K).
/// </summary>
public static class DeviceChecks
{
    internal static Matrix<double> Dense(double[] columnMajor, int rows, int columns) => Matrix<double>.Build.Dense(rows, columns, columnMajor);

    /// <summary>K from the pure definition (symmetric, so row-major equals column-major) plus λI.</summary>
    internal static Matrix<double> ReferenceGram(Kernel kernel, FeatureMatrix x, double ridge = 0) =>
        Dense(kernel.Gram(x), x.Rows, x.Rows) + ridge * Matrix<double>.Build.DenseIdentity(x.Rows);

    private static double Epsilon(Precision p) => p == Precision.Fp64 ? Math.Pow(2, -52) : Math.Pow(2, -23);

    private static double UnitRoundoff(Precision p) => ErrorBound.UnitRoundoff(p == Precision.Fp32);

    /// <inheritdoc cref="KernelReference.EntryBounds"/>
    internal static Matrix<double> EntryBounds(Kernel kernel, FeatureMatrix x1, FeatureMatrix x2, Precision precision) =>
        KernelReference.EntryBounds(kernel, x1, x2, precision == Precision.Fp32);

    private static double RowNorm(Matrix<double> m, int row) => m.Row(row).L2Norm();

    public static void Solves_positive_definite_systems_backward_stably(Func<Precision, IDenseDevice> open, KernelCase c, Precision[] precisions)
    {
        c = c with { D = Math.Max(c.D, 4) };
        var x = c.Points();
        var y = c.Y();
        var kernel = new GaussianKernel(1.0 / c.D);
        var k = ReferenceGram(kernel, x);
        var ym = Dense(y, c.N, c.Targets);
        var system = new ReferenceSystem(k, ym);
        // Independent reference solution: MathNet's Cholesky, itself backward stable for K.
        var exact = k.Cholesky().Solve(ym);
        var exactResidual = ErrorBound.CholeskyResidual(c.N, system.Trace, exact.FrobeniusNorm(), ErrorBound.U64)
                            + ErrorBound.ResidualEvaluation(c.N, system.KernelNorm, exact.FrobeniusNorm(), ym.FrobeniusNorm());
        foreach (var precision in precisions)
        {
            using var device = open(precision);
            using var model = new MinimumNormSolver(device).Fit(x, new Targets(y, c.Targets), kernel, new SolveOptions(precision));
            var r = model.Report;
            var (eps, u) = (Epsilon(r.Precision), UnitRoundoff(r.Precision));
            Assert.Equal(device.Precision, r.Precision);
            Assert.Equal(device.Backend, r.Backend);
            Assert.Equal(SolveMethod.Cholesky, r.Method);
            var alpha = Dense(model.Alpha, c.N, c.Targets);
            var alphaNorm = alpha.FrobeniusNorm();
            var gramDifference = EntryBounds(kernel, x, x, precision).FrobeniusNorm();

            // The reported backward-error ratio |Kα − Y|/(n·ε·|K|·|α|) of the device's own K: Higham's bound
            // γ_{3n+1}·tr K·|α| plus the residual's evaluation in the solve's precision, over n·ε·|K|·|α|.
            var ratioBound = (ErrorBound.CholeskyResidual(c.N, system.Trace + gramDifference * Math.Sqrt(c.N), alphaNorm, u)
                              + ErrorBound.Gamma(c.N + 1, u) * ((r.KernelNorm + gramDifference) * alphaNorm + ym.FrobeniusNorm())) / (c.N * eps * r.KernelNorm * alphaNorm);
            Within.Bound(r.BackwardErrorRatio, ratioBound, $"{precision}: backward-error ratio",
                "(gamma_{3n+1}(u) tr K |alpha| + gamma_{n+1}(u)(|K||alpha| + |Y|)) / (n eps |K| |alpha|), Higham Thm 10.4; " +
                ErrorBound.Inputs(("n", c.N), ("tr K", system.Trace), ("|K|_F", r.KernelNorm)));

            // Against the reference K: backward stable up to the Gram's rounding, and the reported numbers are the true ones.
            var residualBound = system.AssertBackwardStable(alpha, gramDifference, u, $"{precision}");
            var residual = system.Residual(alpha).FrobeniusNorm();
            var reportDifference = 2 * gramDifference * alphaNorm + ErrorBound.ResidualEvaluation(c.N, system.KernelNorm, alphaNorm, ym.FrobeniusNorm())
                                   + ErrorBound.Gamma(c.N + 1, u) * ((system.KernelNorm + gramDifference) * alphaNorm + ym.FrobeniusNorm());
            Within.Bound(r.RelativeResidual * ym.FrobeniusNorm() - residual, reportDifference, $"{precision}: reported |K alpha - Y| vs recomputed",
                "|dK|_F |alpha| (the device's K) + both residuals' evaluation errors, gamma_{n+1}(|K||alpha| + |Y|)");
            var normComputation = ErrorBound.Gamma(c.N * c.N, u) * (system.KernelNorm + gramDifference);
            Within.Bound(r.KernelNorm - system.KernelNorm, gramDifference + normComputation + ErrorBound.Gamma(c.N * c.N, ErrorBound.U64) * system.KernelNorm,
                $"{precision}: |K|_F", "|dK|_F + gamma_{n^2} |K|_F in both precisions (a sum of n^2 squares)");
            var quadratic = (alpha.Transpose() * k * alpha).Trace();
            var rkhs = Math.Sqrt(quadratic);
            // αᵀKα moves by at most |ΔK|₂|α|² ≤ |dK|_F|α|², its evaluation by γ_{n+2}·|α|ᵀ|K||α| ≤ γ_{n+2}·tr K·|α|² (|K_ij| ≤ 1 on a Gaussian's diagonal scale)
            // in each precision; |√a − √b| ≤ |a − b| / √b.
            var quadraticError = (gramDifference + (ErrorBound.Gamma(c.N + 2, u) + ErrorBound.Gamma(c.N + 2, ErrorBound.U64)) * c.N) * alphaNorm * alphaNorm;
            Within.Bound(r.RkhsNorm - rkhs, quadraticError / Math.Max(rkhs, 1e-300), $"{precision}: RKHS norm {r.RkhsNorm} vs {rkhs}",
                "(|dK|_F + (gamma_{n+2}(u) + gamma_{n+2}(u64)) n)|alpha|^2 / sqrt(alpha'K alpha)");

            // Forward error against MathNet's solve: α − α* = K⁻¹(r − r*), so |α − α*| ≤ (|r| + |r*|)/λ_min(K).
            Within.Bound((alpha - exact).FrobeniusNorm(), (residualBound + exactResidual) / system.SmallestEigenvalueLowerBound,
                $"{precision}: |alpha - K\\Y|", "(residual bound + the reference's) / lambda_min(K); " +
                ErrorBound.Inputs(("lambda_min", system.SmallestEigenvalueLowerBound), ("residual bound", residualBound), ("|K\\Y|", exact.FrobeniusNorm())));
        }
    }

    public static void Rank_deficient_systems_get_the_pseudo_inverse_solution(Func<Precision, IDenseDevice> open, KernelCase c)
    {
        // Linear kernel with d < n: K = X Xᵀ has rank d.
        c = c with { N = Math.Max(c.N, 8), D = Math.Min(c.D, Math.Max(1, c.N / 2)) };
        var x = c.Points();
        var y = c.Y();
        using var device = open(Precision.Fp64);
        using var model = new MinimumNormSolver(device).Fit(x, new Targets(y, c.Targets), new LinearKernel(), new SolveOptions(Precision.Fp64));
        Assert.Equal(SolveMethod.Eigen, model.Report.Method);
        Assert.Equal(c.D, model.Report.Rank);

        var k = ReferenceGram(new LinearKernel(), x);
        var ym = Dense(y, c.N, c.Targets);
        var svd = k.Svd();
        var cutoff = c.N * 2.2e-16 * svd.S[0];
        var pinv = svd.VT.Transpose() * Matrix<double>.Build.DiagonalOfDiagonalVector(svd.S.Map(s => s > cutoff ? 1 / s : 0)) * svd.U.Transpose();
        var expected = pinv * ym;
        var alpha = Dense(model.Alpha, c.N, c.Targets);

        // Both pseudo-inverses are of K + E (E the Gram's rounding and the factorization's backward error, truncated
        // to rank d, which at most doubles it). Wedin: |B⁺ − A⁺|₂ ≤ μ|A⁺|₂|B⁺|₂|B − A|₂ with μ = (1 + √5)/2 for equal
        // ranks, |A⁺| = 1/λ_d, |B⁺| ≤ 1/(λ_d − |B − A|). Applying V Λ⁻¹ Vᵀ to Y adds γ_{3n}·√n·|Y|/λ_d.
        var lambdaD = svd.S[c.D - 1];
        var e = EntryBounds(new LinearKernel(), x, x, Precision.Fp64).FrobeniusNorm() + ErrorBound.SymmetricEigenvalue(c.N, k.FrobeniusNorm(), ErrorBound.U64);
        var perturbation = 2 * (2 * e); // each solution's K + E, truncated
        var mu = (1 + Math.Sqrt(5)) / 2;
        var pinvBound = perturbation < lambdaD / 2 ? mu * perturbation / (lambdaD * (lambdaD - perturbation)) : double.PositiveInfinity;
        var apply = 2 * ErrorBound.Gamma(3 * c.N, ErrorBound.U64) * Math.Sqrt(c.N) / lambdaD;
        var bound = (pinvBound + apply) * ym.FrobeniusNorm();
        Within.Bound((alpha - expected).FrobeniusNorm(), bound, "|alpha - K+ Y|",
            "Wedin: (mu 2|E|/(lambda_d(lambda_d - 2|E|)) + 2 gamma_{3n} sqrt(n)/lambda_d)|Y|, E = Gram rounding + eigensolver backward error; " +
            ErrorBound.Inputs(("lambda_d", lambdaD), ("|E|", e), ("|Y|", ym.FrobeniusNorm())));
        // α has no component in K's null space: its range is the computed eigenvectors', whose angle with the true
        // range is at most 2|E|/λ_d (Davis–Kahan sin θ), plus the application's rounding.
        var nullSpace = svd.U.SubMatrix(0, c.N, c.D, c.N - c.D);
        var angle = 2 * perturbation / lambdaD + ErrorBound.Gamma(3 * c.N, ErrorBound.U64) * Math.Sqrt(c.N);
        Within.Bound((nullSpace.Transpose() * alpha).FrobeniusNorm(), angle * alpha.FrobeniusNorm() + bound * 1, "|null space part of alpha|",
            "Davis-Kahan: (2|E|/lambda_d + gamma_{3n} sqrt n)|alpha| + the reference's own error");
        // The reported residual is the residual of the projected (least-squares) system, recomputed.
        var residual = (k * alpha - ym).FrobeniusNorm() / ym.FrobeniusNorm();
        var residualDifference = (2 * EntryBounds(new LinearKernel(), x, x, Precision.Fp64).FrobeniusNorm() * alpha.FrobeniusNorm()
                                  + 2 * ErrorBound.ResidualEvaluation(c.N, k.FrobeniusNorm(), alpha.FrobeniusNorm(), ym.FrobeniusNorm())) / ym.FrobeniusNorm();
        Within.Bound(residual - model.Report.RelativeResidual, residualDifference, "reported relative residual vs recomputed",
            "(|dK|_F|alpha| + both evaluations' gamma_{n+1}(|K||alpha| + |Y|)) / |Y|");
    }

    public static void Duplicate_points_fall_back_to_the_eigendecomposition(Func<Precision, IDenseDevice> open)
    {
        var c = new KernelCase(30, 5, 2, 11);
        var x = c.Points();
        x.Row(0).CopyTo(x.Values.AsSpan(5 * 5, 5)); // point 5 := point 0
        var y = c.Y();
        for (var t = 0; t < 2; t++) y[t * 30 + 5] = y[t * 30 + 0];
        var kernel = new GaussianKernel(0.2);
        using var device = open(Precision.Fp64);
        using var model = new MinimumNormSolver(device).Fit(x, new Targets(y, 2), kernel, new SolveOptions(Precision.Fp64));
        Assert.Equal(SolveMethod.Eigen, model.Report.Method);
        Assert.Equal(29, model.Report.Rank);
        Assert.NotNull(model.Report.Note);

        // The system is consistent (equal labels on the copies), of rank 29: its minimum-norm solution K⁺Y gives the
        // two copies equal weights. The computed α is within the pseudo-inverse's perturbation bound of it (Wedin,
        // as above), so its residual and the difference of the copies' weights are bounded by the same.
        var k = ReferenceGram(kernel, x);
        var ym = Dense(y, 30, 2);
        var eigenvalues = k.Evd(Symmetricity.Symmetric).EigenValues.Select(v => v.Real).OrderByDescending(v => v).ToArray();
        var lambdaR = eigenvalues[28];
        var e = EntryBounds(kernel, x, x, Precision.Fp64).FrobeniusNorm() + ErrorBound.SymmetricEigenvalue(30, k.FrobeniusNorm(), ErrorBound.U64);
        var perturbation = 2 * e;
        var mu = (1 + Math.Sqrt(5)) / 2;
        var deviation = (mu * perturbation / (lambdaR * (lambdaR - perturbation)) + ErrorBound.Gamma(90, ErrorBound.U64) * Math.Sqrt(30) / lambdaR) * ym.FrobeniusNorm();
        var residualBound = (k.L2Norm() * deviation + perturbation * (ym.FrobeniusNorm() / lambdaR + deviation)) / ym.FrobeniusNorm();
        Within.Bound(model.Report.RelativeResidual, residualBound, "relative residual of the consistent rank-29 system",
            "(|K| |alpha - K+Y| + |E|(|K+Y| + |alpha - K+Y|)) / |Y| with Wedin's bound; " + ErrorBound.Inputs(("lambda_29", lambdaR), ("|E|", e)));
        // Minimum norm: the two copies share their weight equally.
        for (var t = 0; t < 2; t++)
            Within.Bound(model.Alpha[t * 30 + 0] - model.Alpha[t * 30 + 5], 2 * deviation, $"target {t}: weights of the two copies",
                "2 |alpha - K+Y| (K+Y weighs them equally), Wedin's bound");
    }

    public static void Predictions_equal_the_direct_kernel_expansion(Func<Precision, IDenseDevice> open, KernelCase c)
    {
        c = c with { D = Math.Max(c.D, 4) };
        var x = c.Points();
        var test = c.Points(rows: 7, salt: 5);
        var kernel = new GaussianKernel(1.0 / c.D);
        using var device = open(Precision.Fp64);
        // Three test points per tile: the tiled loop, not one block.
        using var model = new MinimumNormSolver(device).Fit(x, new Targets(c.Y(), c.Targets), kernel, new SolveOptions(Precision.Fp64, PredictionRows: 3));
        var scores = Dense(model.Predict(test), 7, c.Targets);
        var cross = Matrix<double>.Build.Dense(c.N, 7, kernel.Gram(test, x)).Transpose(); // 7 × n
        var alpha = Dense(model.Alpha, c.N, c.Targets);
        var expected = cross * alpha;
        // Each score: the device's cross kernel within its entry bounds, the product in double within γ_n|C||α| on both sides.
        var bounds = EntryBounds(kernel, test, x, Precision.Fp64);
        var absolute = cross.PointwiseAbs() * alpha.PointwiseAbs();
        for (var i = 0; i < 7; i++)
            for (var t = 0; t < c.Targets; t++)
                Within.Bound(scores[i, t] - expected[i, t], RowNorm(bounds, i) * alpha.Column(t).L2Norm() + 2 * ErrorBound.Gamma(c.N, ErrorBound.U64) * absolute[i, t] * (1 + 1e-15),
                    $"score ({i}, {t})", "|dC_i| |alpha_t| + 2 gamma_n |C_i||alpha_t|");
    }

    public static void Small_tiles_give_the_same_solve(Func<Precision, IDenseDevice> open, KernelCase c)
    {
        c = c with { D = Math.Max(c.D, 4), N = Math.Max(c.N, 20) };
        var x = c.Points();
        var y = c.Y();
        var test = c.Points(rows: 11, salt: 2);
        var kernel = new LaplacianKernel(Math.Sqrt(c.D));
        using var device = open(Precision.Fp64);
        var solver = new MinimumNormSolver(device);
        using var whole = solver.Fit(x, new Targets(y, c.Targets), kernel, new SolveOptions(Precision.Fp64));
        using var tiled = solver.Fit(x, new Targets(y, c.Targets), kernel, new SolveOptions(Precision.Fp64, TileColumns: 7, PredictionRows: 4));
        // Tiles change the products' shapes, so their rounding: both are solves of the reference K within its bounds.
        var system = new ReferenceSystem(ReferenceGram(kernel, x), Dense(y, c.N, c.Targets));
        var gramDifference = EntryBounds(kernel, x, x, Precision.Fp64).FrobeniusNorm();
        var (a, b) = (Dense(whole.Alpha, c.N, c.Targets), Dense(tiled.Alpha, c.N, c.Targets));
        system.AssertBackwardStable(a, gramDifference, ErrorBound.U64, "whole");
        system.AssertBackwardStable(b, gramDifference, ErrorBound.U64, "tiles");
        Within.Bound(whole.Report.KernelNorm - tiled.Report.KernelNorm, 2 * (gramDifference + ErrorBound.Gamma(c.N * c.N, ErrorBound.U64) * system.KernelNorm),
            "|K|_F whole vs tiles", "2(|dK|_F + gamma_{n^2}|K|_F)");
        var cross = Matrix<double>.Build.Dense(c.N, 11, kernel.Gram(test, x)).Transpose();
        var crossBounds = EntryBounds(kernel, test, x, Precision.Fp64);
        system.AssertPredictionsAgree(cross, a, Dense(whole.Predict(test), 11, c.Targets), b, Dense(tiled.Predict(test), 11, c.Targets),
            i => RowNorm(crossBounds, i), ErrorBound.U64, "whole vs tiles");
    }

    /// <summary>
    /// Points known only by their inner products (a streamed feature map) give the solve their
    /// coordinates give: both backward stable for the reference K, predictions within the bound of their
    /// difference, through training and prediction.
    /// </summary>
    public static void Inner_products_solve_like_the_points(Func<Precision, IDenseDevice> open, KernelCase c)
    {
        c = c with { D = Math.Max(c.D, 4), N = Math.Max(c.N, 10) };
        var x = c.Points();
        var y = c.Y();
        var test = c.Points(rows: 9, salt: 4);
        var kernel = new GaussianKernel(1.0 / c.D);
        using var device = open(Precision.Fp64);
        var solver = new MinimumNormSolver(device);
        using var fromPoints = solver.Fit(x, new Targets(y, c.Targets), kernel, new SolveOptions(Precision.Fp64));
        using var fromProducts = solver.Fit(KernelOperand.Of(Rethink.Kernels.InnerProducts.InnerProductMatrix.From(x)), new Targets(y, c.Targets), kernel, new SolveOptions(Precision.Fp64, TileColumns: 3, PredictionRows: 4));
        var system = new ReferenceSystem(ReferenceGram(kernel, x), Dense(y, c.N, c.Targets));
        // The products are inner products computed in double (γ_d), as the points' own K: the same entry bound.
        var gramDifference = EntryBounds(kernel, x, x, Precision.Fp64).FrobeniusNorm();
        var (a, b) = (Dense(fromPoints.Alpha, c.N, c.Targets), Dense(fromProducts.Alpha, c.N, c.Targets));
        system.AssertBackwardStable(a, gramDifference, ErrorBound.U64, "from points");
        system.AssertBackwardStable(b, gramDifference, ErrorBound.U64, "from products");
        var cross = Matrix<double>.Build.Dense(c.N, 9, kernel.Gram(test, x)).Transpose();
        var crossBounds = EntryBounds(kernel, test, x, Precision.Fp64);
        system.AssertPredictionsAgree(cross, a, Dense(fromPoints.Predict(test), 9, c.Targets),
            b, Dense(fromProducts.Predict(KernelOperand.Of(Rethink.Kernels.InnerProducts.InnerProductMatrix.From(x, test))), 9, c.Targets),
            i => RowNorm(crossBounds, i), ErrorBound.U64, "points vs products");
        Within.Bound(fromPoints.Report.KernelNorm - fromProducts.Report.KernelNorm, 2 * (gramDifference + ErrorBound.Gamma(c.N * c.N, ErrorBound.U64) * system.KernelNorm),
            "|K|_F points vs products", "2(|dK|_F + gamma_{n^2}|K|_F)");
    }

    public static void Ridge_solves_the_regularized_system(Func<Precision, IDenseDevice> open)
    {
        var c = new KernelCase(40, 6, 3, 4);
        var x = c.Points();
        var y = c.Y();
        var kernel = new GaussianKernel(0.1);
        using var device = open(Precision.Fp64);
        using var model = new MinimumNormSolver(device).Fit(x, new Targets(y, 3), kernel, new SolveOptions(Precision.Fp64, Ridge: 0.5));
        var k = ReferenceGram(kernel, x);
        var regularized = ReferenceGram(kernel, x, 0.5);
        var ym = Dense(y, 40, 3);
        var system = new ReferenceSystem(regularized, ym);
        var alpha = Dense(model.Alpha, 40, 3);
        var gramDifference = EntryBounds(kernel, x, x, Precision.Fp64).FrobeniusNorm() + 2 * ErrorBound.U64 * 0.5 * Math.Sqrt(40); // + λ added to the diagonal
        var residualBound = system.AssertBackwardStable(alpha, gramDifference, ErrorBound.U64, "ridge 0.5");
        var expected = regularized.Cholesky().Solve(ym);
        var expectedResidual = ErrorBound.CholeskyResidual(40, system.Trace, expected.FrobeniusNorm(), ErrorBound.U64)
                               + ErrorBound.ResidualEvaluation(40, system.KernelNorm, expected.FrobeniusNorm(), ym.FrobeniusNorm());
        Within.Bound((alpha - expected).FrobeniusNorm(), (residualBound + expectedResidual) / system.SmallestEigenvalueLowerBound, "|alpha - (K + 0.5 I)\\Y|",
            "(both residual bounds) / lambda_min(K + 0.5 I)");
        // The RKHS norm uses K without the ridge; the K norm includes it.
        var alphaNorm = alpha.FrobeniusNorm();
        var rkhs = Math.Sqrt((alpha.Transpose() * k * alpha).Trace());
        Within.Bound(model.Report.RkhsNorm - rkhs, (gramDifference + 2 * ErrorBound.Gamma(42, ErrorBound.U64) * 40) * alphaNorm * alphaNorm / rkhs,
            "RKHS norm without the ridge", "(|dK|_F + 2 gamma_{n+2} n)|alpha|^2 / sqrt(alpha'K alpha)");
        Within.Bound(model.Report.KernelNorm - regularized.FrobeniusNorm(), gramDifference + 2 * ErrorBound.Gamma(1600, ErrorBound.U64) * regularized.FrobeniusNorm(),
            "|K + 0.5 I|_F", "|dK|_F + 2 gamma_{n^2}|K|_F");
    }

    public static void Bad_inputs_are_typed_errors(Func<Precision, IDenseDevice> open)
    {
        var c = new KernelCase(10, 3, 2, 1);
        var x = c.Points();
        var y = c.Y();
        using var device = open(Precision.Fp64);
        var solver = new MinimumNormSolver(device);
        Assert.Throws<ArgumentException>(() => solver.Fit(x, new Targets(y[..6], 2), new LinearKernel(), new SolveOptions()));
        var bad = c.Points();
        bad.Values[4] = double.NaN;
        Assert.Contains("(1, 1)", Assert.Throws<ArgumentException>(() => solver.Fit(bad, new Targets(y, 2), new LinearKernel(), new SolveOptions())).Message);
        var infY = (double[])y.Clone();
        infY[3] = double.PositiveInfinity;
        Assert.Throws<ArgumentException>(() => solver.Fit(x, new Targets(infY, 2), new LinearKernel(), new SolveOptions()));
        Assert.Throws<ArgumentOutOfRangeException>(() => solver.Fit(x, new Targets(y, 2), new LinearKernel(), new SolveOptions(Ridge: -1)));
        using var model = solver.Fit(x, new Targets(y, 2), new GaussianKernel(0.1), new SolveOptions());
        Assert.Throws<ArgumentException>(() => model.Predict(new FeatureMatrix(new double[8], 2, 4)));
        Assert.Throws<SolveFailedException>(() =>
        {
            var dup = c.Points();
            dup.Row(0).CopyTo(dup.Values.AsSpan(3, 3));
            solver.Fit(dup, new Targets(y, 2), new GaussianKernel(0.1), new SolveOptions(Method: SolveMethod.Cholesky)).Dispose();
        });
    }
}
