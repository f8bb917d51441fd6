using Rethink.Bench;

// Benchmarks print ratios measured side by side in one run; they assert nothing.
var suites = new Dictionary<string, Func<string[], int>>
{
    ["theory"] = TheoryBenchmark.Run,
    ["data"] = DataBenchmark.Run,
    ["kernels"] = KernelBenchmark.Run,
    ["deep"] = DeepBenchmark.Run,
    ["features"] = FeatureBenchmark.Run,
    ["imagenet"] = ImageNetBenchmark.Run,
};
if (args.Length == 0 || !suites.TryGetValue(args[0], out var suite))
{
    Console.Error.WriteLine($"usage: rethink-bench <{string.Join('|', suites.Keys)}> [options]");
    return 2;
}
return suite(args[1..]);
