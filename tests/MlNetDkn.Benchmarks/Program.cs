using MlNetDkn.Benchmarks;

return AttributionBenchmark.Run(args);
