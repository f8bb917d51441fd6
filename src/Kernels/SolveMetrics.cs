namespace Rethink.Kernels;

/// <summary>Residual, backward error and RKHS norm of a solve, shared by every backend.</summary>
internal readonly record struct SolveMetrics(double RelativeResidual, double BackwardErrorRatio, double RkhsNorm, double AlphaNorm)
{
    /// <param name="alpha">α, n×c column-major.</param>
    /// <param name="kAlpha">(K + λI)α entry by entry.</param>
    /// <param name="y">Y, n×c column-major.</param>
    /// <param name="n">Training points.</param>
    /// <param name="ridge">λ.</param>
    /// <param name="kernelNorm">‖K + λI‖_F.</param>
    /// <param name="epsilon">Machine epsilon of the solve's precision.</param>
    public static SolveMetrics Compute(double[] alpha, Func<long, double> kAlpha, double[] y, int n, double ridge, double kernelNorm, double epsilon)
    {
        double residual = 0, ySq = 0, alphaSq = 0, quadratic = 0;
        for (long i = 0; i < alpha.LongLength; i++)
        {
            var ka = kAlpha(i);
            var r = ka - y[i];
            residual += r * r;
            ySq += y[i] * y[i];
            alphaSq += alpha[i] * alpha[i];
            quadratic += alpha[i] * (ka - ridge * alpha[i]);
        }
        var residualNorm = Math.Sqrt(residual);
        var alphaNorm = Math.Sqrt(alphaSq);
        return new SolveMetrics(
            residualNorm / Math.Sqrt(ySq),
            residualNorm / (n * epsilon * kernelNorm * alphaNorm),
            Math.Sqrt(Math.Max(quadratic, 0)),
            alphaNorm);
    }
}
