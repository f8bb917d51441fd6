using Rethink.Kernels.Devices;
using Rethink.Kernels.Native;

namespace Rethink.Kernels.Scalapack;

/// <summary>
/// This process's place among the MPI processes it was launched with (<c>mpirun -np P</c>, <c>srun</c>),
/// and the BLACS process grid over them. BLACS initializes MPI on first use (<c>Cblacs_pinfo</c>); a
/// program that opened a grid calls <see cref="Shutdown"/> before it exits (MPI_Finalize), or
/// <see cref="Abort"/> when one process cannot go on, so that <c>mpirun</c> ends every process and
/// exits non-zero instead of waiting forever in a collective.
/// </summary>
public static unsafe class BlacsGrid
{
    private static readonly object Gate = new();
    private static bool _initialized;
    private static int _rank, _processes;
    private static int _context = -1;
    private static (int Rows, int Columns) _shape;

    /// <summary>True once MPI has been initialized in this process.</summary>
    public static bool Active { get { lock (Gate) return _initialized; } }

    /// <summary>This process's rank (0 before initialization).</summary>
    public static int Rank { get { lock (Gate) return _rank; } }

    /// <summary>The number of processes (1 before initialization).</summary>
    public static int Processes { get { lock (Gate) return _initialized ? _processes : 1; } }

    /// <summary>The launcher's rank for this process before MPI starts (Open MPI, MPICH/PMI, Slurm), or null when not launched by one.</summary>
    public static int? LauncherRank()
    {
        foreach (var name in new[] { "OMPI_COMM_WORLD_RANK", "PMI_RANK", "PMIX_RANK", "SLURM_PROCID" })
            if (int.TryParse(Environment.GetEnvironmentVariable(name), out var r)) return r;
        return null;
    }

    /// <summary>Processes of this job on this machine (they share its memory).</summary>
    public static int LocalProcesses()
    {
        foreach (var name in new[] { "OMPI_COMM_WORLD_LOCAL_SIZE", "MPI_LOCALNRANKS", "SLURM_NTASKS_PER_NODE" })
            if (int.TryParse(Environment.GetEnvironmentVariable(name), out var n) && n > 0) return n;
        return 1;
    }

    internal static void EnsureLibrary()
    {
        NativeLibraries.AddCandidates(ScalapackNative.Library, "libscalapack-openmpi.so.2.2", "libscalapack-openmpi.so", "libscalapack.so.2.2", "libscalapack.so");
        NativeLibraries.Register(typeof(BlacsGrid).Assembly);
        try
        {
            int rank, processes;
            lock (Gate)
            {
                if (_initialized) return;
                ScalapackNative.Cblacs_pinfo(&rank, &processes);
                (_rank, _processes, _initialized) = (rank, processes, true);
            }
        }
        catch (DllNotFoundException e)
        {
            throw new DeviceUnavailableException("scalapack",
                $"ScaLAPACK with BLACS is not installed ({NativeLibraries.Failure(ScalapackNative.Library) ?? e.Message}); install it with: sudo apt-get install openmpi-bin libscalapack-openmpi2.2",
                e, DeviceProblem.NoLibraries);
        }
    }

    /// <summary>Opens (once per process) the grid for <paramref name="layout"/>; every process must ask for the same one.</summary>
    internal static (int Context, int GridRows, int GridColumns, int MyRow, int MyColumn) Open(DistributedLayout layout)
    {
        EnsureLibrary();
        lock (Gate)
        {
            var shape = layout.GridRows is { } r && layout.GridColumns is { } c ? (r, c) : Square(_processes);
            if (shape.Item1 * shape.Item2 != _processes)
                throw Collective(new Core.UserInputException("Layout", $"{shape.Item1}x{shape.Item2}", $"the grid needs {shape.Item1 * shape.Item2} processes; this job has {_processes} (launch {shape.Item1 * shape.Item2} processes, or choose a grid whose sides multiply to {_processes})."));
            if (_context < 0)
            {
                int context;
                ScalapackNative.Cblacs_get(-1, 0, &context);
                var order = (byte)'R';
                ScalapackNative.Cblacs_gridinit(&context, &order, shape.Item1, shape.Item2);
                (_context, _shape) = (context, shape);
                // Processes sharing a machine share its cores: unless the user set the BLAS threads
                // (OPENBLAS_NUM_THREADS, as a Slurm script does with --cpus-per-task), split them.
                var local = LocalProcesses();
                var userThreads = Environment.GetEnvironmentVariable("OPENBLAS_NUM_THREADS") ?? Environment.GetEnvironmentVariable("OMP_NUM_THREADS");
                if (local > 1 && string.IsNullOrEmpty(userThreads))
                    try { ScalapackNative.openblas_set_num_threads(Math.Max(1, Environment.ProcessorCount / local)); }
                    catch (EntryPointNotFoundException) { /* not OpenBLAS: its threads are the BLAS's business */ }
            }
            else if (_shape != shape)
            {
                throw new Core.UserInputException("Layout", $"{shape.Item1}x{shape.Item2}", $"this process already uses a {_shape.Rows}x{_shape.Columns} grid.");
            }
            int rows, columns, myRow, myColumn;
            ScalapackNative.Cblacs_gridinfo(_context, &rows, &columns, &myRow, &myColumn);
            return (_context, rows, columns, myRow, myColumn);
        }
    }

    /// <summary>Marks an error every process meets alike (so the job can end cleanly, with one message from rank 0).</summary>
    public static T Collective<T>(T exception) where T : Exception
    {
        exception.Data["collective"] = true;
        return exception;
    }

    /// <summary>The most square grid R × C = P with R ≤ C.</summary>
    public static (int Rows, int Columns) Square(int processes)
    {
        var r = (int)Math.Sqrt(processes);
        while (r > 1 && processes % r != 0) r--;
        return (Math.Max(1, r), processes / Math.Max(1, r));
    }

    /// <summary>Leaves the grid and finalizes MPI (MPI_Finalize); call once, at the end, from the thread that started it.</summary>
    public static void Shutdown()
    {
        lock (Gate)
        {
            if (!_initialized) return;
            if (_context >= 0) ScalapackNative.Cblacs_gridexit(_context);
            ScalapackNative.Cblacs_exit(0);
            _initialized = false;
            _context = -1;
        }
    }

    /// <summary>Ends every process of the job with <paramref name="code"/> (MPI_Abort): for failures other processes cannot know about.</summary>
    public static void Abort(int code)
    {
        int context;
        lock (Gate) context = _context;
        if (context < 0) ScalapackNative.Cblacs_get(-1, 0, &context);
        ScalapackNative.Cblacs_abort(context, code);
    }
}
