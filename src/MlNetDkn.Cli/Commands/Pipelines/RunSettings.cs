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

    [CommandOption("--threads <N>")]
    [Description("libtorch CPU threads (default: the pipeline's, else libtorch's)")]
    public int? Threads { get; init; }

    /// <summary>The flags as --set overrides (applied before validation, so bad values are named there).</summary>
    public IEnumerable<string> AsOverrides()
    {
        if (Device is not null) yield return $"device={Device}";
        if (DType is not null) yield return $"dtype={DType}";
        if (Threads is int t) yield return $"threads={t}";
    }

    public PipelineDefinition Apply(PipelineDefinition definition) => definition with
    {
        Device = Device ?? definition.Device, DType = DType ?? definition.DType, Threads = Threads ?? definition.Threads,
    };
}
