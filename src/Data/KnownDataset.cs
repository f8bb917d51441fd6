namespace Rethink.Data;

/// <summary>
/// The datasets of the paper with their official files. Checksums and sizes are those of the original
/// distributions (MNIST's from its authors' page, CIFAR-10's from the Toronto page, Fashion-MNIST's from
/// its publisher, Zalando Research).
/// </summary>
public sealed record KnownDataset(
    string Name,
    string DisplayName,
    string DirectoryName,
    IReadOnlyList<KnownFile> Files,
    IReadOnlyList<string> ClassNames,
    IReadOnlyList<int> TrainLabelCounts,
    int Channels = 1,
    int Side = 28)
{
    // Declared first: static fields initialize in textual order.
    // The original host (yann.lecun.com) no longer serves the files to scripts; TensorFlow's and
    // PyTorch's mirrors serve byte-identical copies, verified by the checksums above.
    private static readonly string[] MnistBases =
    [
        "https://storage.googleapis.com/cvdf-datasets/mnist/",
        "https://ossci-datasets.s3.amazonaws.com/mnist/",
        "http://yann.lecun.com/exdb/mnist/",
    ];

    private static readonly string[] FashionBases = ["http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/"];

    private static Uri[] Mirrors(string file, params string[] bases) => bases.Select(b => new Uri(new Uri(b), file)).ToArray();

    /// <summary>MNIST: 60,000 + 10,000 handwritten digits, 28×28×1.</summary>
    public static KnownDataset Mnist { get; } = new(
        "mnist", "MNIST", "mnist",
        [
            new("train-images-idx3-ubyte.gz", 9912422, "f68b3c2dcbeaaa9fbdd348bbdeb94873", Mirrors("train-images-idx3-ubyte.gz", MnistBases)),
            new("train-labels-idx1-ubyte.gz", 28881, "d53e105ee54ea40749a09fcbcd1e9432", Mirrors("train-labels-idx1-ubyte.gz", MnistBases)),
            new("t10k-images-idx3-ubyte.gz", 1648877, "9fb629c4189551a2d022fa330f9573f3", Mirrors("t10k-images-idx3-ubyte.gz", MnistBases)),
            new("t10k-labels-idx1-ubyte.gz", 4542, "ec29112dd5afa0611ce80d1b7f02629c", Mirrors("t10k-labels-idx1-ubyte.gz", MnistBases)),
        ],
        ["0", "1", "2", "3", "4", "5", "6", "7", "8", "9"],
        [5923, 6742, 5958, 6131, 5842, 5421, 5918, 6265, 5851, 5949]);

    /// <summary>Fashion-MNIST: 60,000 + 10,000 clothing images, 28×28×1.</summary>
    public static KnownDataset FashionMnist { get; } = new(
        "fashion-mnist", "Fashion-MNIST", "fashion-mnist",
        [
            new("train-images-idx3-ubyte.gz", 26421880, "8d4fb7e6c68d591d4c3dfef9ec88bf0d", Mirrors("train-images-idx3-ubyte.gz", FashionBases)),
            new("train-labels-idx1-ubyte.gz", 29515, "25c81989df183df01b3e8a0aad5dffbe", Mirrors("train-labels-idx1-ubyte.gz", FashionBases)),
            new("t10k-images-idx3-ubyte.gz", 4422102, "bef4ecab320f06d8554ea6380940ec79", Mirrors("t10k-images-idx3-ubyte.gz", FashionBases)),
            new("t10k-labels-idx1-ubyte.gz", 5148, "bb300cfdad3c16e7a12a480ee83cd310", Mirrors("t10k-labels-idx1-ubyte.gz", FashionBases)),
        ],
        ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"],
        [6000, 6000, 6000, 6000, 6000, 6000, 6000, 6000, 6000, 6000]);

    /// <summary>CIFAR-10 (binary version). Downloads fetch the archive; a folder of batches is read as well.</summary>
    public static KnownDataset Cifar10 { get; } = new(
        "cifar10", "CIFAR-10", "cifar-10-batches-bin",
        [
            new("data_batch_1.bin", 30730000, "5dd7e06a14cb22eb9f671a540d1b7c25", []),
            new("data_batch_2.bin", 30730000, "5ea93a67294ea407fff1d09f752e9692", []),
            new("data_batch_3.bin", 30730000, "942cd6a4bcdd0dd3c604fbe906cb4421", []),
            new("data_batch_4.bin", 30730000, "ae636b3ba5c66a11e91e8cb52e771fcb", []),
            new("data_batch_5.bin", 30730000, "53f37980c15c3d472c316c40844f3f0d", []),
            new("test_batch.bin", 30730000, "803d5f7f4d78ea53de84dbe85f74fb6d", []),
        ],
        Cifar10File.DefaultClassNames,
        [5000, 5000, 5000, 5000, 5000, 5000, 5000, 5000, 5000, 5000],
        Channels: 3, Side: 32);

    /// <summary>The official CIFAR-10 binary archive, read directly without unpacking.</summary>
    public static KnownFile Cifar10Archive { get; } = new(
        "cifar-10-binary.tar.gz", 170052171, "c32a1d4ab5d03f1284b67883e8d87530",
        [new Uri("https://www.cs.toronto.edu/~kriz/cifar-10-binary.tar.gz")]);

    /// <summary>The paper's datasets.</summary>
    public static IReadOnlyList<KnownDataset> All { get; } = [Mnist, FashionMnist, Cifar10];

    /// <summary>The dataset called <paramref name="name"/> (case-insensitive; "cifar-10" accepted), or null.</summary>
    public static KnownDataset? Find(string name) =>
        All.FirstOrDefault(d => string.Equals(d.Name, name, StringComparison.OrdinalIgnoreCase)
            || string.Equals(d.Name.Replace("10", "-10"), name, StringComparison.OrdinalIgnoreCase));
}
