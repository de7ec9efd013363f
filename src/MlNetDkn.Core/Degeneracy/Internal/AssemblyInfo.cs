using System.Runtime.CompilerServices;

// Tests pin numpy-compatible helpers (quantile, combinations, PCA) directly.
[assembly: InternalsVisibleTo("MlNetDkn.Tests")]
