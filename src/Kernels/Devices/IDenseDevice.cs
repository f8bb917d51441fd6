namespace Rethink.Kernels.Devices;

/// <summary>
/// The dense operations one device performs in one precision: the BLAS/LAPACK-shaped primitives the
/// <see cref="MinimumNormSolver"/> is written against (MathNet's provider split: operations below, the
/// algorithm above). Implementations are thin: <c>lapack</c> (native BLAS/LAPACK), <c>managed</c>
/// (pure .NET), <c>cuda</c> (cuBLAS/cuSOLVER + ILGPU) and <c>scalapack</c> (block-cyclic matrices over
/// MPI processes, where every call is collective: all processes make the same calls in the same order).
/// </summary>
/// <remarks>
/// Matrices are column-major. Host data crosses as double arrays (column-major, the whole matrix, on
/// every process). Symmetric matrices are stored whole; factorizations use the lower triangle and leave
/// the strict upper triangle untouched. Operations may run asynchronously; <see cref="Synchronize"/>
/// waits for them (timings call it at the end of each phase).
/// </remarks>
public interface IDenseDevice : IDisposable
{
    /// <summary>Which implementation this is (written into every result).</summary>
    Backend Backend { get; }

    /// <summary>The native files in use, with versions where known.</summary>
    string Library { get; }

    /// <summary>Where it computes: the GPU with its memory, the process grid, or the CPU.</summary>
    string Hardware { get; }

    /// <summary>Precision of storage and arithmetic (the managed device computes in FP64 whatever was asked).</summary>
    Precision Precision { get; }

    /// <summary>Number of cooperating processes (1 except for ScaLAPACK).</summary>
    int ProcessCount { get; }

    /// <summary>This process's rank among them (0 on single-process devices).</summary>
    int ProcessRank { get; }

    /// <summary>Bytes of device memory a prediction tile may use (per process).</summary>
    long TileBytes { get; }

    /// <summary>Throws <see cref="InsufficientMemoryException"/> (one line naming the need and the remedies) when <paramref name="request"/> does not fit.</summary>
    void EnsureCapacity(MemoryRequest request);

    /// <summary>
    /// An operand in device memory in this precision: points and their squared norms, or points known only
    /// through their inner products (a streamed feature map's Gram or cross products), from which
    /// <see cref="Gram"/> and <see cref="CrossGram"/> then build K instead of from coordinates.
    /// </summary>
    IDevicePoints Upload(KernelOperand operand);

    /// <summary>A rows×columns matrix from its column-major values.</summary>
    IDeviceMatrix Upload(double[] columnMajor, int rows, int columns);

    /// <summary>An uninitialized rows×columns matrix.</summary>
    IDeviceMatrix Allocate(int rows, int columns);

    /// <summary>The whole matrix, column-major, in double (on every process).</summary>
    double[] Download(IDeviceMatrix matrix);

    /// <summary>target ← source (same shape).</summary>
    void Copy(IDeviceMatrix source, IDeviceMatrix target);

    /// <summary>
    /// K ← k(xᵢ, xⱼ) + λδᵢⱼ for all i, j (both triangles), the diagonal evaluated at distance exactly 0
    /// (<see cref="Kernel.Diagonal(double)"/>), built in blocks of about <paramref name="tileColumns"/>
    /// columns where the device tiles. Returns ‖K‖_F (including λ), taken from K as built, and the seconds
    /// spent in the inner products and in the transform.
    /// </summary>
    GramBuild Gram(IDevicePoints points, Kernel kernel, double ridge, IDeviceMatrix k, int tileColumns, IProgress<KernelProgress>? progress, CancellationToken cancel);

    /// <summary>C ← k(rowᵢ, columnⱼ): the rows.Count × columns.Count cross-kernel matrix.</summary>
    void CrossGram(IDevicePoints rows, IDevicePoints columns, Kernel kernel, IDeviceMatrix c);

    /// <summary>‖A‖_F, reduced on the device.</summary>
    double FrobeniusNorm(IDeviceMatrix a);

    /// <summary>The diagonal of a square matrix, in double.</summary>
    double[] Diagonal(IDeviceMatrix a);

    /// <summary>Writes the diagonal of a square matrix.</summary>
    void SetDiagonal(IDeviceMatrix a, double[] values);

    /// <summary>Cholesky A = L·Lᵀ of the lower triangle in place; info: 0 on success, k &gt; 0 when the leading minor of order k is not positive definite.</summary>
    int Potrf(IDeviceMatrix a);

    /// <summary>B ← A⁻¹B given the Cholesky factor from <see cref="Potrf"/>.</summary>
    void Potrs(IDeviceMatrix factor, IDeviceMatrix b);

    /// <summary>
    /// Eigendecomposition of the symmetric matrix in A's lower triangle: eigenvalues ascending into
    /// <paramref name="eigenvalues"/>, eigenvectors (columns) replace A. Returns info (&gt; 0: no convergence).
    /// </summary>
    int Syevd(IDeviceMatrix a, double[] eigenvalues);

    /// <summary>C ← op(A)·op(B).</summary>
    void Gemm(bool transposeA, bool transposeB, IDeviceMatrix a, IDeviceMatrix b, IDeviceMatrix c);

    /// <summary>C ← A·B with A symmetric, referenced through <paramref name="triangle"/>.</summary>
    void Symm(Triangle triangle, IDeviceMatrix a, IDeviceMatrix b, IDeviceMatrix c);

    /// <summary>Row i of A ← factors[i]·(row i of A).</summary>
    void ScaleRows(IDeviceMatrix a, double[] factors);

    /// <summary>Waits until every operation issued so far has finished.</summary>
    void Synchronize();

    /// <summary>Every process's copy of <paramref name="local"/> (index = rank); collective.</summary>
    IReadOnlyList<double[]> AllProcesses(double[] local);
}

/// <summary>A matrix in a device's memory (distributed over processes on ScaLAPACK).</summary>
public interface IDeviceMatrix : IDisposable
{
    /// <summary>Rows (over all processes).</summary>
    int Rows { get; }
    /// <summary>Columns (over all processes).</summary>
    int Columns { get; }
}

/// <summary>Points and their squared norms in a device's memory (replicated on every ScaLAPACK process).</summary>
public interface IDevicePoints : IDisposable
{
    /// <summary>n, the number of points (columns of a products operand).</summary>
    int Count { get; }
    /// <summary>d, their dimension (the feature dimension behind products).</summary>
    int Dimension { get; }
}

/// <summary>A Gram matrix as built: ‖K‖_F (including λ) and the seconds of its phases.</summary>
/// <param name="Norm">‖K + λI‖_F.</param>
/// <param name="ProductsSeconds">Inner products (or copying stored products).</param>
/// <param name="TransformSeconds">The kernel's element-wise transform (with the mirror where it is not timed apart).</param>
/// <param name="MirrorSeconds">Copying the lower triangle into the upper, where a device times it apart (0 otherwise).</param>
public readonly record struct GramBuild(double Norm, double ProductsSeconds, double TransformSeconds, double MirrorSeconds = 0);

/// <summary>Which implementation computed a solve.</summary>
public enum Backend
{
    /// <summary>The system's BLAS/LAPACK through P/Invoke.</summary>
    Lapack,
    /// <summary>Pure .NET (fallback when no native library loads).</summary>
    Managed,
    /// <summary>cuBLAS/cuSOLVER and ILGPU on an NVIDIA GPU.</summary>
    Cuda,
    /// <summary>ScaLAPACK over MPI processes.</summary>
    Scalapack,
}

/// <summary>Which triangle of a symmetric matrix an operation reads.</summary>
public enum Triangle
{
    /// <summary>The lower triangle.</summary>
    Lower,
    /// <summary>The upper triangle.</summary>
    Upper,
}

/// <summary>
/// Memory a step needs: the matrices it allocates (shapes, so that distributed devices can count their
/// local share), and whether the eigendecomposition's workspace comes on top.
/// </summary>
/// <param name="What">What needs it, as the message's subject ("The kernel matrix").</param>
/// <param name="N">Training points (for the remedies: the largest n that would fit).</param>
/// <param name="Matrices">Shapes allocated at the same time.</param>
/// <param name="EigenWorkspace">Add the symmetric eigensolver's eigenvectors and workspace for an N×N matrix.</param>
/// <param name="Remedies">Solve-specific options to suggest first (e.g. a ridge), ending with ", " when not empty.</param>
public sealed record MemoryRequest(string What, int N, IReadOnlyList<(long Rows, long Columns)> Matrices, bool EigenWorkspace = false, string Remedies = "");
