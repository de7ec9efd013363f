using System.IO.Compression;
using System.Text.Json;
using Microsoft.ML;
using Microsoft.ML.Data;
using MlNetDkn.ML.Stages;

namespace MlNetDkn.ML.Persistence;

/// <summary>
/// A fitted pipeline in one zip archive: manifest.json (stage order and this library's stage settings, with the model
/// path relative to the archive and the model's content hash), input-schema.zip (an ML.NET model zip of an empty
/// chain, which carries the input schema), and stages/NN.zip (each run of consecutive built-in transformers, saved by
/// mlContext.Model.Save with the schema that reaches it). Model weights are never copied; no absolute path is stored.
/// </summary>
internal static class PipelineArchive
{
    const string ManifestEntry = "manifest.json";
    const string InputSchemaEntry = "input-schema.zip";

    // Limits on what an archive may hold: far above what Save writes, far below what would exhaust memory.
    internal const long MaxManifestBytes = 4L << 20,
        MaxEntryBytes = 256L << 20,
        MaxTotalBytes = 1L << 30;
    internal const int MaxEntries = 256,
        MaxStages = 128;
    static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true,
        NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    public static void Save(MLContext ml, ITransformer model, DataViewSchema inputSchema, string path)
    {
        var full = Path.GetFullPath(path);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        var temp = full + ".partial";
        // A save killed before its rename leaves the temporary archive behind; the folder is this run's (it holds the
        // run lock), so it is a stale one, and creating the archive anew would fail on it.
        MachineIo.Write(temp, () => File.Delete(temp));
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
                    if (group.Count == 0)
                        return;
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
                            manifest.Stages.Add(StageEntries.From(ours, Path.GetDirectoryName(full)!));
                            break;
                        default:
                            if (group.Count == 0)
                                groupSchema = schema;
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
            File.Delete(temp); // a failed save leaves nothing behind
            throw;
        }
        File.Move(temp, full, overwrite: true);
    }

    /// <summary>
    /// Opens a saved pipeline, treating the archive as untrusted: every entry name is checked (no absolute paths, no
    /// '..', no duplicates), only the entries the manifest names may be there and each must be, entries are read
    /// with a size limit, every stage's options and model hash are checked and the ML.NET parts read before any stage
    /// is opened (so a refused archive opens no model and creates no store). A refusal is one
    /// <see cref="DknInputException"/> line naming the archive.
    /// </summary>
    public static TransformerChain<ITransformer> Load(
        MLContext ml,
        string path,
        out DataViewSchema inputSchema,
        ArchiveOpenOptions? open = null
    )
    {
        open ??= new ArchiveOpenOptions();
        var archive = Path.GetFullPath(path);
        if (!File.Exists(archive))
            throw new DknInputException($"{path}: no saved pipeline there");
        ZipArchive zip;
        try
        {
            zip = ZipFile.OpenRead(archive);
        }
        catch (InvalidDataException e)
        {
            throw new DknInputException($"{archive}: not a zip archive ({FirstLine(e.Message)})");
        }
        try
        {
            return Load(ml, zip, archive, open, out inputSchema);
        }
        catch (InvalidDataException e)
        {
            throw new DknInputException($"{archive}: corrupt zip archive ({FirstLine(e.Message)})");
        }
        // System.Text.Json finds a key given twice only when that object is first read.
        catch (ArgumentException e) when (e.Message.Contains("same key", StringComparison.Ordinal))
        {
            throw new DknInputException(
                $"{archive}: a key appears twice in one object of manifest.json ({FirstLine(e.Message)})"
            );
        }
        // Text in manifest.json that is not valid UTF-8 fails only when that value is read.
        catch (InvalidOperationException e)
            when (e.StackTrace?.Contains("System.Text.Json", StringComparison.Ordinal) == true)
        {
            throw new DknInputException($"{archive}: unreadable text in manifest.json ({FirstLine(e.Message)})");
        }
    }

    static TransformerChain<ITransformer> Load(
        MLContext ml,
        ZipArchive zip,
        string archive,
        ArchiveOpenOptions open,
        out DataViewSchema inputSchema
    )
    {
        using (zip)
        {
            var budget = new ReadBudget(archive);
            CheckEntryNames(zip, archive);
            var manifest = ReadManifest(zip, archive, budget);
            CheckEntriesNamedByManifest(zip, manifest, archive);
            var prepared = new PreparedStage?[manifest.Stages.Count];
            for (int i = 0; i < prepared.Length; i++)
                if (manifest.Stages[i].Kind != StageEntry.MlNetKind)
                    prepared[i] = StageEntries.Prepare(manifest.Stages[i], i, archive, open);
            CheckModels(prepared.OfType<PreparedStage>(), archive, open);
            foreach (var stage in prepared.OfType<PreparedStage>())
                stage.Options.Validate();

            // The ML.NET parts are read in memory; nothing on disk is opened until every part has read.
            ReadMlNet(ml, zip, manifest.InputSchema, archive, budget, out inputSchema);
            var parts = new ITransformer?[manifest.Stages.Count];
            for (int i = 0; i < parts.Length; i++)
                if (prepared[i] is null)
                    parts[i] = ReadMlNet(ml, zip, manifest.Stages[i].Entry!, archive, budget, out _);
            var stages = new List<ITransformer>();
            try
            {
                for (int i = 0; i < parts.Length; i++)
                    stages.Add(parts[i] ?? StageEntries.Open(prepared[i]!, ml));
            }
            catch
            {
                foreach (var s in stages)
                    (s as IDisposable)?.Dispose();
                throw;
            }
            return new TransformerChain<ITransformer>([.. stages]);
        }
    }

    /// <summary>Refuses a model that is missing or whose content hash is not the one the pipeline was fitted with,
    /// before any model is loaded.</summary>
    static void CheckModels(IEnumerable<PreparedStage> stages, string archive, ArchiveOpenOptions open)
    {
        var found = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var stage in stages)
        {
            var model = stage.Options.ModelPath;
            if (!found.TryGetValue(model, out var hash))
            {
                if (!File.Exists(model) && !Directory.Exists(model))
                    throw new DknInputException(
                        open.ModelFolder is null
                            ? $"{archive}: no model at {model} (saved as '{stage.SavedModelPath}' relative to the "
                                + $"archive); pass its folder: dkn apply --model DIR, or kn.Load(path, out schema, "
                                + $"modelFolder: DIR)"
                            : $"{archive}: no model at {model} (the model folder given)"
                    );
                found[model] = hash = Modeling.ModelLoader.ContentHash(model);
            }
            if (!string.Equals(hash, stage.ModelHash, StringComparison.Ordinal))
                throw new DknInputException(
                    $"{archive}: the model at {model} has content hash {hash}, but the pipeline was fitted on a "
                        + $"model with content hash {stage.ModelHash} (stage {stage.Index}, '{stage.Kind}'); pass "
                        + $"the model it was fitted with, or refit"
                );
        }
    }

    /// <summary>Stages in order, nested chains opened up.</summary>
    static IEnumerable<ITransformer> Flatten(ITransformer model) =>
        model is IEnumerable<ITransformer> chain // TransformerChain<T>
            ? chain.SelectMany(Flatten)
            : [model];

    static void WriteMlNet(ZipArchive zip, string entry, MLContext ml, ITransformer model, DataViewSchema schema)
    {
        using var buffer = new MemoryStream();
        ml.Model.Save(model, schema, buffer);
        using var stream = zip.CreateEntry(entry, CompressionLevel.NoCompression).Open(); // already a zip
        buffer.Position = 0;
        buffer.CopyTo(stream);
    }

    static PipelineManifest ReadManifest(ZipArchive zip, string archive, ReadBudget budget)
    {
        PipelineManifest? manifest;
        try
        {
            manifest = JsonSerializer.Deserialize<PipelineManifest>(
                ReadEntry(zip, ManifestEntry, archive, budget, MaxManifestBytes)
            );
        }
        catch (JsonException e)
        {
            throw new DknInputException($"{archive}: unreadable {ManifestEntry} ({FirstLine(e.Message)})");
        }
        if (manifest is null || manifest.Format != PipelineManifest.FormatName)
            throw new DknInputException(
                $"{archive}: not a saved knowledge-neuron pipeline (format '{manifest?.Format}', expected "
                    + $"'{PipelineManifest.FormatName}')"
            );
        if (manifest.Version != PipelineManifest.CurrentVersion)
            throw new DknInputException(
                $"{archive}: pipeline format version {manifest.Version}, but this library reads version "
                    + $"{PipelineManifest.CurrentVersion}; refit and save the pipeline again"
            );
        if (manifest.Stages is null || manifest.Stages.Any(s => s is null))
            throw new DknInputException($"{archive}: {ManifestEntry} has no list of stages");
        if (manifest.Stages.Count > MaxStages)
            throw new DknInputException(
                $"{archive}: {manifest.Stages.Count} stages, more than the {MaxStages} a saved pipeline may hold"
            );
        return manifest;
    }

    /// <summary>Every entry name is a plain relative path: no absolute path, drive, backslash, '.' or '..' segment; no
    /// duplicates.</summary>
    static void CheckEntryNames(ZipArchive zip, string archive)
    {
        if (zip.Entries.Count > MaxEntries)
            throw new DknInputException(
                $"{archive}: {zip.Entries.Count} entries, more than the {MaxEntries} a saved pipeline may hold"
            );
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var entry in zip.Entries)
        {
            if (!IsPlainEntryName(entry.FullName))
                throw new DknInputException(
                    $"{archive}: entry '{entry.FullName}' has an unsafe path (absolute, or with '..', '.', a "
                        + $"backslash or an empty segment)"
                );
            if (!seen.Add(entry.FullName))
                throw new DknInputException($"{archive}: entry '{entry.FullName}' appears twice");
        }
    }

    static bool IsPlainEntryName(string name) =>
        name.Length > 0
        && !name.Contains('\\')
        && !name.Contains('\0')
        && !StageEntries.IsAbsolute(name)
        && name.Split('/').All(s => s is not ("" or "." or ".."));

    /// <summary>The entries the manifest names are there, and nothing else is.</summary>
    static void CheckEntriesNamedByManifest(ZipArchive zip, PipelineManifest manifest, string archive)
    {
        var named = new HashSet<string>(StringComparer.Ordinal) { ManifestEntry };
        void Name(string? entry, string what)
        {
            if (string.IsNullOrEmpty(entry))
                throw new DknInputException($"{archive}: {what} names no archive entry");
            if (!IsPlainEntryName(entry))
                throw new DknInputException(
                    $"{archive}: {what} names '{entry}', an unsafe path (absolute, or with '..')"
                );
            if (zip.GetEntry(entry) is null)
                throw new DknInputException($"{archive}: entry '{entry}' ({what}) missing from the archive");
            if (!named.Add(entry))
                throw new DknInputException($"{archive}: entry '{entry}' is named twice in {ManifestEntry}");
        }
        Name(manifest.InputSchema, "the input schema");
        for (int i = 0; i < manifest.Stages.Count; i++)
            if (manifest.Stages[i].Kind == StageEntry.MlNetKind)
                Name(manifest.Stages[i].Entry, $"stage {i}");
        var unknown = zip.Entries.FirstOrDefault(e => !named.Contains(e.FullName));
        if (unknown is not null)
            throw new DknInputException(
                $"{archive}: unknown entry '{unknown.FullName}' (not named in {ManifestEntry})"
            );
    }

    static ITransformer ReadMlNet(
        MLContext ml,
        ZipArchive zip,
        string entry,
        string archive,
        ReadBudget budget,
        out DataViewSchema schema
    )
    {
        var stream = ReadEntry(zip, entry, archive, budget, MaxEntryBytes);
        try
        {
            return ml.Model.Load(stream, out schema);
        }
        catch (Exception e) when (e is not (DknInputException or OutOfMemoryException or OperationCanceledException))
        {
            throw new DknInputException(
                $"{archive}: entry '{entry}' is not a readable ML.NET model ({e.GetType().Name}: "
                    + $"{FirstLine(e.Message)})"
            );
        }
    }

    /// <summary>An entry as a seekable stream (ML.NET needs to seek in the zips it reads), read with a size limit
    /// whatever size the archive declares (no zip bomb).</summary>
    static MemoryStream ReadEntry(ZipArchive zip, string name, string archive, ReadBudget budget, long limit)
    {
        var entry = zip.GetEntry(name)
            ?? throw new DknInputException($"{archive}: entry '{name}' missing from the archive");
        if (entry.Length > limit)
            throw TooLarge(archive, name, limit);
        var memory = new MemoryStream();
        try
        {
            using var stream = entry.Open();
            var buffer = new byte[81920];
            int read;
            while ((read = stream.Read(buffer, 0, buffer.Length)) > 0)
            {
                if (memory.Length + read > limit)
                    throw TooLarge(archive, name, limit);
                budget.Take(read);
                memory.Write(buffer, 0, read);
            }
        }
        catch (InvalidDataException e)
        {
            throw new DknInputException($"{archive}: entry '{name}' is corrupt ({FirstLine(e.Message)})");
        }
        memory.Position = 0;
        return memory;
    }

    static DknInputException TooLarge(string archive, string name, long limit) =>
        new(
            $"{archive}: entry '{name}' is larger than {limit / (1 << 20)} MiB uncompressed; refused (a saved "
                + $"pipeline holds settings and small ML.NET parts)"
        );

    /// <summary>Bytes read from one archive, all entries together.</summary>
    sealed class ReadBudget(string archive)
    {
        long _read;

        public void Take(int bytes)
        {
            _read += bytes;
            if (_read > MaxTotalBytes)
                throw new DknInputException(
                    $"{archive}: more than {MaxTotalBytes / (1 << 20)} MiB uncompressed in all; refused"
                );
        }
    }

    static string FirstLine(string text) => text.Split('\n', 2)[0].Trim();
}
