using MlNetDkn.Modeling.Checkpoints;
using MlNetDkn.Modeling.Families.Gpt2;
using MlNetDkn.Modeling.Families.GptNeoX;
using MlNetDkn.Modeling.Families.Llama;
using TorchSharp;
using static TorchSharp.torch;

namespace MlNetDkn.Modeling;

/// <summary>Loads a Hugging Face folder (config.json + safetensors, sharded or not) or a llama2.c checkpoint file.</summary>
public static class ModelLoader
{
    public static LoadedModel Load(string path, ModelLoadOptions? options = null)
    {
        options ??= new ModelLoadOptions();
        options.Validate();
        if (options.Threads > 0) set_num_threads(options.Threads);
        var dtype = options.ScalarType;
        var device = options.TorchDevice;
        ModelConfig config;
        CheckpointTensors tensors;
        IReadOnlyList<string> files;
        if (File.Exists(path))
        {
            (config, tensors) = Llama2cCheckpoint.Read(path);
            files = [path];
        }
        else if (Directory.Exists(path))
        {
            var configPath = Path.Combine(path, "config.json");
            if (!File.Exists(configPath))
            {
                var bin = Directory.EnumerateFiles(path, "*.bin").FirstOrDefault(f => !Path.GetFileName(f).StartsWith("tok"));
                if (bin is null) throw new DknInputException($"{path}: no config.json (a Hugging Face model folder) and no llama2.c .bin checkpoint");
                return Load(bin, options);
            }
            config = ModelConfig.FromJsonFile(configPath);
            files = HuggingFaceFolder.WeightFiles(path);
            tensors = CheckpointTensors.FromSafetensors(files.Select(SafetensorsFile.Open));
            files = [configPath, .. files];
        }
        else throw new DknInputException($"{path}: no such file or folder");

        ModelConfig.Checked(config, path);
        CheckMemory(config, path);
        var model = Create(config);
        WeightAssigner.Assign(model, tensors, path);
        model.to(dtype).to(device);
        model.eval();
        foreach (var p in model.parameters()) p.requires_grad = false;
        return new LoadedModel(model, config, Path.GetFullPath(path), files);
    }

    /// <summary>
    /// Refuses a model whose float32 weights (built in float32, then converted) would not fit in the memory this
    /// process may use, before allocating: a config with absurd sizes otherwise ends in bad_alloc or a kill.
    /// </summary>
    public static void CheckMemory(ModelConfig config, string source)
    {
        double needed = config.ParameterCount() * 4.0;
        double available = GC.GetGCMemoryInfo().TotalAvailableMemoryBytes;
        if (needed > available)
            throw new DknInputException($"{source}: the model needs about {needed / (1 << 30):0.#} GiB for its {config.ParameterCount():N0} parameters " +
                                        $"in float32, more than the {available / (1 << 30):0.#} GiB this machine has");
    }

    /// <summary>A model with freshly initialised weights (for training or synthetic benchmarks).</summary>
    public static CausalLm Create(ModelConfig config) => config.Family switch
    {
        ModelFamily.Gpt2 => new Gpt2Model(config),
        ModelFamily.Llama or ModelFamily.Qwen2 => new LlamaModel(config),
        ModelFamily.GptNeoX => new GptNeoXModel(config),
        _ => throw new DknInputException($"unsupported family {config.Family}"),
    };
}

/// <summary>A loaded model with where it came from; the content hash identifies its weights for result caching.</summary>
public sealed class LoadedModel(CausalLm model, ModelConfig config, string source, IReadOnlyList<string> files) : IDisposable
{
    public CausalLm Model { get; } = model;
    public ModelConfig Config { get; } = config;
    public string Source { get; } = source;
    public IReadOnlyList<string> Files { get; } = files;

    string? _hash;
    /// <summary>SHA-256 over config and weight files, computed once on first use.</summary>
    public string ContentHash => _hash ??= ContentHashing.Sha256OfFiles(Files);

    public void Dispose() => Model.Dispose();
}
