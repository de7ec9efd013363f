using MlNetDkn.Modeling.Tokenization;

namespace MlNetDkn.Modeling;

/// <summary>
/// One loaded model with its tokenizer and the settings it was loaded with (device, dtype, threads): what every stage
/// of a run works on. Stages on the same model share one session.
/// </summary>
public sealed class ModelSession : IDisposable
{
    readonly Lazy<ITextTokenizer> _tokenizer;

    /// <summary>
    /// Wraps an already loaded model; the tokenizer is read from the model's folder on first use unless given.
    /// </summary>
    /// <param name="tokenizer">
    /// The tokenizer to use; null: load it from <see cref="LoadedModel.Source"/> when first needed.
    /// </param>
    public ModelSession(LoadedModel loaded, ModelLoadOptions options, ITextTokenizer? tokenizer = null)
        : this(loaded, options, tokenizer is null ? null : Task.FromResult(tokenizer)) { }

    ModelSession(LoadedModel loaded, ModelLoadOptions options, Task<ITextTokenizer>? tokenizer)
    {
        Loaded = loaded;
        Options = options;
        _tokenizer = new Lazy<ITextTokenizer>(() =>
            tokenizer?.GetAwaiter().GetResult() ?? TokenizerLoader.FromModelFolder(loaded.Source)
        );
    }

    /// <summary>
    /// Loads the model at <paramref name="path"/> (a Hugging Face folder or llama2.c file). Its tokenizer is read on
    /// the other core meanwhile (0.2–0.4 s for GPT-2's), and any error reading it surfaces when it is first used.
    /// </summary>
    public static ModelSession Open(string path, ModelLoadOptions? options = null)
    {
        options ??= new ModelLoadOptions();
        var full = Path.GetFullPath(path);
        var tokenizer = Task.Run(() => TokenizerLoader.FromModelFolder(full));
        return new ModelSession(ModelLoader.Load(path, options), options, tokenizer);
    }

    /// <summary>The loaded model with its config, source and files.</summary>
    public LoadedModel Loaded { get; }

    /// <summary>The settings the model was loaded with.</summary>
    public ModelLoadOptions Options { get; }

    /// <summary>The model itself.</summary>
    public CausalLm Model => Loaded.Model;

    /// <summary>The model's normalised configuration.</summary>
    public ModelConfig Config => Loaded.Config;

    /// <summary>The path the model was loaded from (a Hugging Face folder or llama2.c checkpoint file).</summary>
    public string Source => Loaded.Source;

    /// <summary>SHA-256 over the config and weight files, computed on first use; part of every store key.</summary>
    public string ContentHash => Loaded.ContentHash;

    /// <summary>The model's tokenizer, loaded on first use (a stage that gets only token ids never needs
    /// one).</summary>
    public ITextTokenizer Tokenizer => _tokenizer.Value;

    /// <summary>Hash of the files as they are on disk now (not the value cached when the model was loaded).</summary>
    public string HashFilesNow() => ContentHashing.Sha256OfFiles(Loaded.Files);

    /// <summary>Disposes the model's tensors.</summary>
    public void Dispose() => Loaded.Dispose();
}
