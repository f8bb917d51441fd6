using Rethink.Data;
using Xunit;

namespace Rethink.Integration;

/// <summary>
/// A fact about a real dataset. It never skips: the dataset is found as the console finds it ($RETHINK_DATA,
/// the user cache, Debian's Fashion-MNIST package) and downloaded into the user cache where the network
/// allows; otherwise the test fails with the one line that lists the files and where to put them.
/// </summary>
public sealed class DatasetFactAttribute(string dataset) : FactAttribute
{
    /// <summary>The dataset this fact needs.</summary>
    public string Dataset { get; } = dataset;

    /// <summary>How the tests load datasets: as the console does, downloading when the network allows.</summary>
    public static DataOptions Options { get; } = new(AllowDownload: true);
}
