namespace Rethink.Experiments;

/// <summary>How much of the paper's protocol to run.</summary>
public enum RunProfile
{
    /// <summary>Subsets and short schedules that finish on a 2-core machine in about half an hour; stated in every caption.</summary>
    Quick,
    /// <summary>The paper's full protocol (GPU recommended).</summary>
    Paper,
}
