using System.ComponentModel;
using MlNetDkn.Pipelines;
using Spectre.Console.Cli;

namespace MlNetDkn.Cli.Commands.Pipelines;

/// <summary>Device, dtype and threads for verbs that run pipelines; unset flags keep the pipeline's values.</summary>
public class RunSettings : CommandSettings
{
    [CommandOption("--device <DEVICE>")]
    [Description("cpu, cuda or cuda:N (default: the pipeline's, else cpu)")]
    public string? Device { get; init; }

    [CommandOption("--dtype <DTYPE>")]
    [Description("float32, float64, bfloat16 or float16 (default: the pipeline's, else float32)")]
    public string? DType { get; init; }

    [CommandOption("--shard <I/N>")]
    [Description(
        "Run only shard I of N (facts split by id), into <out>/shard-I-of-N/; default from "
            + "SLURM_ARRAY_TASK_ID/COUNT or JOB_COMPLETION_INDEX with DKN_SHARDS"
    )]
    public string? Shard { get; init; }

    [CommandOption("--merge")]
    [Description("Join the shards under the output folder (shard-*-of-N) and write the tables of the whole run")]
    public bool MergeShards { get; init; }

    /// <summary>--shard, else the scheduler's environment (not when merging), else null.</summary>
    public MlNetDkn.Pipelines.Shard? ResolveShard() =>
        Shard is not null ? MlNetDkn.Pipelines.Shard.Parse(Shard)
        : MergeShards ? null
        : MlNetDkn.Pipelines.Shard.FromEnvironment();

    [CommandOption("--threads <N>")]
    [Description("libtorch CPU threads (default: the pipeline's, else libtorch's)")]
    public int? Threads { get; init; }

    /// <summary>The flags as --set overrides (applied before validation, so bad values are named there).</summary>
    public IEnumerable<string> AsOverrides()
    {
        if (Device is not null)
            yield return $"device={Device}";
        if (DType is not null)
            yield return $"dtype={DType}";
        if (Threads is int t)
            yield return $"threads={t}";
    }

    public PipelineDefinition Apply(PipelineDefinition definition) =>
        definition with
        {
            Device = Device ?? definition.Device,
            DType = DType ?? definition.DType,
            Threads = Threads ?? definition.Threads,
        };
}
