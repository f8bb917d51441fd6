namespace Rethink.Kernels.Native;

/// <summary>
/// A BLAS/LAPACK call rejected its arguments (info &lt; 0) or the library could not be loaded. A
/// matrix that is not positive definite is not an exception: it is reported through info and handled
/// by the eigendecomposition fallback.
/// </summary>
public sealed class LapackException(string routine, int info, string message) : Exception(message)
{
    /// <summary>The routine.</summary>
    public string Routine { get; } = routine;
    /// <summary>Its info: minus the position of the argument it rejected.</summary>
    public int Info { get; } = info;

    /// <summary>Throws when <paramref name="info"/> is negative (an argument rejected: a bug in the caller).</summary>
    public static void ThrowIfIllegal(string routine, int info)
    {
        if (info < 0)
            throw new LapackException(routine, info,
                $"{routine}: argument {-info} had an illegal value (info = {info}); this is a bug in the caller — please report it with the command line.");
    }
}

/// <summary>No native BLAS/LAPACK library could be loaded.</summary>
public sealed class NativeLibraryMissingException(string message, Exception? inner = null) : DllNotFoundException(message, inner);
