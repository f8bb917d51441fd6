using Xunit;

namespace Rethink.Console.Tests;

/// <summary>
/// Skips when Open MPI's mpirun or Debian's ScaLAPACK is not installed (`sudo bash .ci/deps.sh`
/// installs both; CI fails when these tests skip).
/// </summary>
public sealed class MpiFactAttribute : FactAttribute
{
    public MpiFactAttribute()
    {
        if (!RethinkProcess.OnPath("mpirun")) Skip = "mpirun not found: sudo apt-get install openmpi-bin libscalapack-openmpi2.2 (or sudo bash .ci/deps.sh)";
        else if (!File.Exists("/usr/lib/x86_64-linux-gnu/libscalapack-openmpi.so.2.2")) Skip = "ScaLAPACK not found: sudo apt-get install libscalapack-openmpi2.2";
    }
}
