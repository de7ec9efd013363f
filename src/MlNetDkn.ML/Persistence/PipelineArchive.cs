using System.IO.Compression;
using System.Text.Json;
using Microsoft.ML;
using Microsoft.ML.Data;
using MlNetDkn.ML.Stages;

namespace MlNetDkn.ML.Persistence;

/// <summary>
/// A fitted pipeline in one zip archive: manifest.json (stage order and this library's stage settings, with model
/// path and content hash), input-schema.zip (an ML.NET model zip of an empty chain, which carries the input schema),
/// and stages/NN.zip (each run of consecutive built-in transformers, saved by mlContext.Model.Save with the schema
/// that reaches it). Model weights are never copied.
/// </summary>
internal static class PipelineArchive
{
    const string ManifestEntry = "manifest.json";
    const string InputSchemaEntry = "input-schema.zip";
    static readonly JsonSerializerOptions Json = new() { WriteIndented = true, NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowNamedFloatingPointLiterals };

    public static void Save(MLContext ml, ITransformer model, DataViewSchema inputSchema, string path)
    {
        var full = Path.GetFullPath(path);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        var temp = full + ".partial";
        try
        {
            using (var zip = ZipFile.Open(temp, ZipArchiveMode.Create))
            {
                var manifest = new PipelineManifest
                {
                    InputSchema = InputSchemaEntry,
                    LibraryVersion = typeof(PipelineArchive).Assembly.GetName().Version?.ToString(),
                };
                WriteMlNet(zip, InputSchemaEntry, ml, new TransformerChain<ITransformer>(), inputSchema);

                var schema = inputSchema;
                var group = new List<ITransformer>();
                DataViewSchema? groupSchema = null;
                void FlushGroup()
                {
                    if (group.Count == 0) return;
                    var entry = $"stages/{manifest.Stages.Count:D2}.zip";
                    WriteMlNet(zip, entry, ml, new TransformerChain<ITransformer>([.. group]), groupSchema!);
                    manifest.Stages.Add(new StageEntry { Kind = StageEntry.MlNetKind, Entry = entry });
                    group.Clear();
                }
                foreach (var stage in Flatten(model))
                {
                    switch (stage)
                    {
                        case IFactStage ours:
                            FlushGroup();
                            manifest.Stages.Add(StageEntries.From(ours));
                            break;
                        default:
                            if (group.Count == 0) groupSchema = schema;
                            group.Add(stage);
                            break;
                    }
                    schema = stage.GetOutputSchema(schema);
                }
                FlushGroup();
                using var writer = zip.CreateEntry(ManifestEntry).Open();
                JsonSerializer.Serialize(writer, manifest, Json);
            }
        }
        catch
        {
            File.Delete(temp);   // a failed save leaves nothing behind
            throw;
        }
        File.Move(temp, full, overwrite: true);
    }

    public static TransformerChain<ITransformer> Load(MLContext ml, string path, out DataViewSchema inputSchema, Modeling.ModelLoadOptions? load = null)
    {
        if (!File.Exists(path)) throw new DknInputException($"{path}: no saved pipeline there");
        using var zip = ZipFile.OpenRead(path);
        var manifest = ReadManifest(zip, path);
        ml.Model.Load(ReadEntry(zip, manifest.InputSchema, path), out inputSchema);
        var stages = new List<ITransformer>();
        try
        {
            foreach (var entry in manifest.Stages)
                stages.Add(entry.Kind == StageEntry.MlNetKind
                    ? ml.Model.Load(ReadEntry(zip, entry.Entry ?? "", path), out _)
                    : StageEntries.Open(entry, ml, path, load));
        }
        catch
        {
            foreach (var s in stages) (s as IDisposable)?.Dispose();
            throw;
        }
        return new TransformerChain<ITransformer>([.. stages]);
    }

    /// <summary>Stages in order, nested chains opened up.</summary>
    static IEnumerable<ITransformer> Flatten(ITransformer model) => model is IEnumerable<ITransformer> chain   // TransformerChain<T>
        ? chain.SelectMany(Flatten)
        : [model];

    static void WriteMlNet(ZipArchive zip, string entry, MLContext ml, ITransformer model, DataViewSchema schema)
    {
        using var buffer = new MemoryStream();
        ml.Model.Save(model, schema, buffer);
        using var stream = zip.CreateEntry(entry, CompressionLevel.NoCompression).Open();   // already a zip
        buffer.Position = 0;
        buffer.CopyTo(stream);
    }

    static PipelineManifest ReadManifest(ZipArchive zip, string path)
    {
        PipelineManifest? manifest;
        try { manifest = JsonSerializer.Deserialize<PipelineManifest>(ReadEntry(zip, ManifestEntry, path)); }
        catch (JsonException e) { throw new DknInputException($"{path}: unreadable {ManifestEntry} ({e.Message})"); }
        if (manifest is null || manifest.Format != PipelineManifest.FormatName)
            throw new DknInputException($"{path}: not a saved knowledge-neuron pipeline (format '{manifest?.Format}', expected '{PipelineManifest.FormatName}')");
        if (manifest.Version != PipelineManifest.CurrentVersion)
            throw new DknInputException($"{path}: pipeline format version {manifest.Version}, but this library reads version {PipelineManifest.CurrentVersion}; refit and save the pipeline again");
        return manifest;
    }

    /// <summary>An entry as a seekable stream (ML.NET needs to seek in the zips it reads).</summary>
    static MemoryStream ReadEntry(ZipArchive zip, string name, string path)
    {
        var entry = zip.GetEntry(name) ?? throw new DknInputException($"{path}: entry '{name}' missing from the archive");
        var memory = new MemoryStream();
        using (var stream = entry.Open()) stream.CopyTo(memory);
        memory.Position = 0;
        return memory;
    }
}
