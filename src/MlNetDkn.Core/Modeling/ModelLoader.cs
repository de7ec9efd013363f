using MlNetDkn.Modeling.Checkpoints;
using MlNetDkn.Modeling.Families.Gpt2;
using MlNetDkn.Modeling.Families.GptNeoX;
using MlNetDkn.Modeling.Families.Llama;
using TorchSharp;
using static TorchSharp.torch;

namespace MlNetDkn.Modeling;

/// <summary>Loads a Hugging Face folder (config.json + safetensors, sharded or not) or a llama2.c checkpoint
/// file.</summary>
public static class ModelLoader
{
    /// <summary>
    /// Loads the model at <paramref name="path"/> (a Hugging Face folder, a llama2.c .bin file, or a folder holding
    /// one) in eval mode with gradients off, on the options' device and dtype.
    /// </summary>
    /// <exception cref="DknInputException">
    /// The path, config or weights are missing or invalid, or the weights would not fit in memory.
    /// </exception>
    public static LoadedModel Load(string path, ModelLoadOptions? options = null)
    {
        options ??= new ModelLoadOptions();
        options.Validate();
        if (options.Threads > 0)
            set_num_threads(options.Threads);
        var (config, tensors, files) = Open(path, options);
        var model = Create(config, options.ScalarType, initialise: false);
        WeightAssigner.Assign(model, tensors, path);
        model.to(options.TorchDevice);
        model.eval();
        foreach (var p in model.parameters())
            p.requires_grad = false;
        return new LoadedModel(model, config, Path.GetFullPath(path), files);
    }

    /// <summary>
    /// Everything <see cref="Load"/> checks before it allocates weights (config fields, weight-file headers, memory),
    /// without building the model: what a step that only names the run's model needs.
    /// </summary>
    public static (ModelConfig Config, IReadOnlyList<string> Files) Describe(
        string path,
        ModelLoadOptions? options = null
    )
    {
        options ??= new ModelLoadOptions();
        options.Validate();
        var (config, _, files) = Open(path, options);
        return (config, files);
    }

    /// <summary>
    /// The files a model's content hash covers (config.json and the weight files, or the llama2.c checkpoint), found
    /// the way <see cref="Load"/> finds them but without reading any weights.
    /// </summary>
    public static IReadOnlyList<string> ContentFiles(string path)
    {
        if (File.Exists(path))
            return [path];
        if (!Directory.Exists(path))
            throw new DknInputException($"{path}: no such file or folder");
        var configPath = Path.Combine(path, "config.json");
        return File.Exists(configPath)
            ? [configPath, .. HuggingFaceFolder.WeightFiles(path)]
            : [Llama2cCheckpointIn(path)];
    }

    /// <summary>The content hash of the model at <paramref name="path"/> as its files are now (equal to
    /// <see cref="LoadedModel.ContentHash"/> of the model loaded from them).</summary>
    public static string ContentHash(string path) => ContentHashing.Sha256OfFiles(ContentFiles(path));

    static string Llama2cCheckpointIn(string folder) =>
        Directory.EnumerateFiles(folder, "*.bin").FirstOrDefault(f => !Path.GetFileName(f).StartsWith("tok"))
        ?? throw new DknInputException(
            $"{folder}: no config.json (a Hugging Face model folder) and no llama2.c .bin checkpoint"
        );

    static (ModelConfig Config, CheckpointTensors Tensors, IReadOnlyList<string> Files) Open(
        string path,
        ModelLoadOptions options
    )
    {
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
                return Open(Llama2cCheckpointIn(path), options);
            config = ModelConfig.FromJsonFile(configPath);
            files = HuggingFaceFolder.WeightFiles(path);
            tensors = CheckpointTensors.FromSafetensors(files.Select(SafetensorsFile.Open));
            files = [configPath, .. files];
        }
        else
            throw new DknInputException($"{path}: no such file or folder");
        ModelConfig.Checked(config, path);
        CheckMemory(config, path, options.ScalarType);
        return (config, tensors, files);
    }

    /// <summary>
    /// Refuses a model whose weights in the dtype it is built in would not fit in the memory this process may use,
    /// before allocating: a config with absurd sizes otherwise ends in bad_alloc or a kill.
    /// </summary>
    public static void CheckMemory(ModelConfig config, string source, ScalarType dtype = ScalarType.Float32)
    {
        double needed = config.ParameterCount() * (double)ElementSize(dtype);
        double available = GC.GetGCMemoryInfo().TotalAvailableMemoryBytes;
        if (needed > available)
            throw new DknInputException(
                $"{source}: the model needs about {needed / (1 << 30):0.#} GiB for its "
                    + $"{config.ParameterCount():N0} parameters "
                    + $"in {dtype.ToString().ToLowerInvariant()}, more than the {available / (1 << 30):0.#} GiB "
                    + $"this machine has"
            );
    }

    /// <summary>Bytes per element of <paramref name="dtype"/>: 8 for float64, 2 for (b)float16, otherwise 4.</summary>
    public static int ElementSize(ScalarType dtype) =>
        dtype switch
        {
            ScalarType.Float64 => 8,
            ScalarType.BFloat16 or ScalarType.Float16 => 2,
            _ => 4,
        };

    /// <summary>
    /// A model whose parameters are created in <paramref name="dtype"/>: a bfloat16 7B model never holds float32
    /// weights, which would need twice the memory. <paramref name="initialise"/> false leaves the weights a checkpoint
    /// is about to overwrite uninitialised (the loader refuses a checkpoint that lacks any of them).
    /// </summary>
    public static CausalLm Create(ModelConfig config, ScalarType dtype, bool initialise = true)
    {
        using (Layers.ModuleFactory.Building(dtype, initialise))
            return Create(config);
    }

    /// <summary>A model with freshly initialised weights (for training or synthetic benchmarks).</summary>
    public static CausalLm Create(ModelConfig config) =>
        config.Family switch
        {
            ModelFamily.Gpt2 => new Gpt2Model(config),
            ModelFamily.Llama or ModelFamily.Qwen2 => new LlamaModel(config),
            ModelFamily.GptNeoX => new GptNeoXModel(config),
            _ => throw new DknInputException($"unsupported family {config.Family}"),
        };
}

/// <summary>A loaded model with where it came from; the content hash identifies its weights for result
/// caching.</summary>
public sealed class LoadedModel(CausalLm model, ModelConfig config, string source, IReadOnlyList<string> files)
    : IDisposable
{
    /// <summary>The model, in eval mode with gradients off.</summary>
    public CausalLm Model { get; } = model;

    /// <summary>The model's normalised configuration.</summary>
    public ModelConfig Config { get; } = config;

    /// <summary>Full path the model was loaded from (a Hugging Face folder or a llama2.c checkpoint file).</summary>
    public string Source { get; } = source;

    /// <summary>
    /// The files the content hash covers: config.json and the weight files, or the llama2.c checkpoint.
    /// </summary>
    public IReadOnlyList<string> Files { get; } = files;

    string? _hash;

    /// <summary>SHA-256 over config and weight files, computed once on first use.</summary>
    public string ContentHash => _hash ??= ContentHashing.Sha256OfFiles(Files, reuse: true);

    /// <summary>Disposes the model's tensors.</summary>
    public void Dispose() => Model.Dispose();
}
