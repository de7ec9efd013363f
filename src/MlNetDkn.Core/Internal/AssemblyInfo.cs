using System.Runtime.CompilerServices;

// Tests reach internal helpers (clustering internals, fact column access); the ML.NET face shares the fact-row access.
[assembly: InternalsVisibleTo("MlNetDkn.Tests")]
[assembly: InternalsVisibleTo("MlNetDkn.ML")]
