using Xunit;

// libtorch's default CPU generator is process-wide: the trainer reseeds it every step, and model
// construction or feature extraction in a parallel test class would draw from it in between, so
// the bit-for-bit resume test could not hold. The tests in this assembly run one at a time.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
