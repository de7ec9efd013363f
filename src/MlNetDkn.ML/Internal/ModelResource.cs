using MlNetDkn.Modeling;
using MlNetDkn.Modeling.Tokenization;

namespace MlNetDkn.ML.Internal;

/// <summary>A loaded model and its tokenizer, shared by every stage that names the same path, dtype and device.</summary>
internal sealed class ModelResource(LoadedModel model, ITextTokenizer tokenizer) : IDisposable
{
    public LoadedModel Model { get; } = model;
    public ITextTokenizer Tokenizer { get; } = tokenizer;

    public static Lease<ModelResource> Acquire(string path, ModelLoadOptions load)
    {
        var full = Path.GetFullPath(path);
        return SharedResources.Acquire($"model\u001f{full}\u001f{load.DType}\u001f{load.Device}", () =>
        {
            var model = ModelLoader.Load(full, load);
            try { return new ModelResource(model, TokenizerLoader.FromModelFolder(full)); }
            catch { model.Dispose(); throw; }
        });
    }

    /// <summary>Hash of the files as they are on disk now (not the value cached when the model was loaded).</summary>
    public string HashFilesNow() => ContentHashing.Sha256OfFiles(Model.Files);

    public void Dispose() => Model.Dispose();
}
