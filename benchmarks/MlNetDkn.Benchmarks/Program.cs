using MlNetDkn.Benchmarks;

// dkn-bench [attribution] | acquisition | dataset | memory | gemm | head | load | packed-gemm | quadrature — each
// prints its figures with the command that reproduces them.
return args.FirstOrDefault() switch
{
    "acquisition" => AcquisitionBenchmark.Run(args[1..]),
    "dataset" => DatasetBenchmark.Run(args[1..]),
    "memory" => MemoryBenchmark.Run(args[1..]),
    "gemm" => GemmBenchmark.Run(args[1..]),
    "head" => HeadBenchmark.Run(args[1..]),
    "load" => LoadBenchmark.Run(args[1..]),
    "packed-gemm" => PackedGemmBenchmark.Run(args[1..]),
    "quadrature" => QuadratureBenchmark.Run(args[1..]),
    "attribution" => AttributionBenchmark.Run(args[1..]),
    _ => AttributionBenchmark.Run(args),
};
