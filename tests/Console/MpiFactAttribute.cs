using Xunit;

namespace Rethink.Console.Tests;

/// <summary>
/// A fact that needs Open MPI's mpirun and Debian's ScaLAPACK. The README's set-up command installs both, so
/// it never skips: where either is missing the test fails with the fix (<see cref="Require"/>).
/// </summary>
public sealed class MpiFactAttribute : FactAttribute
{
    /// <summary>Throws, naming the fix, when mpirun or ScaLAPACK is missing.</summary>
    public static void Require()
    {
        if (!RethinkProcess.OnPath("mpirun"))
            throw new InvalidOperationException("mpirun not found: run the README's set-up command (`bash .ci/deps.sh` as root), which installs openmpi-bin and libscalapack-openmpi2.2.");
        if (!File.Exists("/usr/lib/x86_64-linux-gnu/libscalapack-openmpi.so.2.2"))
            throw new InvalidOperationException("ScaLAPACK not found: run the README's set-up command (`bash .ci/deps.sh` as root), which installs libscalapack-openmpi2.2.");
    }
}
