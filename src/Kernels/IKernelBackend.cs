namespace Rethink.Kernels;

/// <summary>
/// Builds kernel matrices and solves K α = Y on one kind of hardware. Implementations: native
/// LAPACK (<see cref="LapackKernelBackend"/>), managed MathNet (<see cref="ManagedKernelBackend"/>,
/// the fallback), and CUDA.
/// </summary>
public interface IKernelBackend
{
    /// <summary>"lapack", "managed", "cuda".</summary>
    string Name { get; }

    /// <summary>The native files in use (or "MathNet.Numerics (managed)").</summary>
    string Library { get; }

    /// <summary>
    /// Fits the minimum-norm interpolant: α with (K + λI) α = Y, Y given as n×c column-major targets.
    /// </summary>
    IKernelModel Fit(FeatureMatrix x, double[] targets, int columns, Kernel kernel, SolveOptions options,
        IProgress<KernelProgress>? progress = null, CancellationToken cancel = default);
}

/// <summary>A fitted kernel interpolant: α and the report of the solve.</summary>
public interface IKernelModel : IDisposable
{
    SolveReport Report { get; }

    /// <summary>α, n×c column-major, in double.</summary>
    double[] Alpha { get; }

    /// <summary>Scores K(test, train)·α, m×c column-major, computed in tiles.</summary>
    double[] Predict(FeatureMatrix test, IProgress<KernelProgress>? progress = null, CancellationToken cancel = default);
}
