using static TorchSharp.torch;

namespace MlNetDkn.Modeling;

/// <summary>How to load a model: computation dtype (float32 by default, whatever the stored dtype) and
/// device.</summary>
public sealed record ModelLoadOptions
{
    /// <summary>float32, float64, bfloat16 or float16.</summary>
    public string DType { get; init; } = "float32";

    /// <summary>"cpu", "cuda", "cuda:1": a CUDA device needs the TorchSharp-cuda-linux build
    /// (TorchBackend=cuda).</summary>
    public string Device { get; init; } = "cpu";

    /// <summary>libtorch CPU threads, set process-wide when the model is loaded; 0 leaves libtorch's setting.</summary>
    public int Threads { get; init; }

    /// <summary>Throws a DknInputException naming the first setting out of range (before anything is loaded).</summary>
    public void Validate()
    {
        _ = ScalarType;
        if (!System.Text.RegularExpressions.Regex.IsMatch(Device, "^(cpu|cuda(:[0-9]+)?)$"))
            throw new DknInputException($"unknown device '{Device}' (expected cpu, cuda or cuda:N)");
        if (Threads < 0)
            throw new DknInputException($"threads must be 0 (libtorch's default) or more (got {Threads})");
    }

    /// <summary>
    /// The TorchSharp element type of <see cref="DType"/> (also accepts "fp32", "fp64", "bf16", "fp16").
    /// </summary>
    /// <exception cref="DknInputException">The dtype is not supported.</exception>
    public ScalarType ScalarType =>
        DType switch
        {
            "float32" or "fp32" => ScalarType.Float32,
            "float64" or "fp64" => ScalarType.Float64,
            "bfloat16" or "bf16" => ScalarType.BFloat16,
            "float16" or "fp16" => ScalarType.Float16,
            _ => throw new DknInputException(
                $"unsupported dtype '{DType}' (supported: float32, float64, bfloat16, float16)"
            ),
        };

    /// <summary>The TorchSharp device of <see cref="Device"/>.</summary>
    /// <exception cref="DknInputException">
    /// The device is malformed, or CUDA was requested but is not available.
    /// </exception>
    public Device TorchDevice
    {
        get
        {
            if (Device.StartsWith("cuda", StringComparison.Ordinal) && !cuda.is_available())
                throw new DknInputException(
                    $"device '{Device}' requested but CUDA is not available (build with -p:TorchBackend=cuda on a "
                        + $"machine with an NVIDIA GPU)"
                );
            try
            {
                return new Device(Device);
            }
            catch (Exception)
            {
                throw new DknInputException($"unknown device '{Device}' (expected cpu, cuda or cuda:N)");
            }
        }
    }
}
