using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.ML;
using Microsoft.ML.Runtime;
using MlNetDkn.ML.Accuracy;
using MlNetDkn.ML.Attribution;
using MlNetDkn.ML.Degeneracy;
using MlNetDkn.ML.Experiments;
using MlNetDkn.ML.Planted;
using MlNetDkn.ML.Stages;
using MlNetDkn.Modeling;

namespace MlNetDkn.ML.Persistence;

/// <summary>How a saved pipeline is opened.</summary>
/// <param name="Load">Replaces the saved device, dtype and threads (null keeps them).</param>
/// <param name="ModelFolder">The model to use instead of the one the archive references (its content hash must
/// still match); null resolves the saved path relative to the archive.</param>
/// <param name="StageRoot">Re-roots every stage's folder (its store) under this folder, at the stage's tables
/// folder (`dkn apply --out`); null resolves the saved folders relative to the archive.</param>
internal sealed record ArchiveOpenOptions(
    ModelLoadOptions? Load = null,
    string? ModelFolder = null,
    string? StageRoot = null
);

/// <summary>One of this library's stages read from a manifest entry, its paths resolved, before anything is
/// opened.</summary>
internal sealed record PreparedStage(
    int Index,
    string Kind,
    string Name,
    FactStageOptions Options,
    string ModelHash,
    string SavedModelPath,
    Func<FactStageOptions, string, IChannelProvider, ITransformer> Open
);

/// <summary>
/// This library's stages to and from manifest entries: one opener per archive kind. Paths in the options (model,
/// stage folder, planted truth, new facts) are stored relative to the archive's folder, never absolute.
/// </summary>
internal static class StageEntries
{
    sealed record Opener(
        string Name,
        Func<JsonObject, string, FactStageOptions> Read,
        Func<FactStageOptions, string, IChannelProvider, ITransformer> Open
    );

    static Opener Of<T>(string name, Func<T, string?, IChannelProvider?, ITransformer> open)
        where T : FactStageOptions =>
        new(name, (node, kind) => OptionsJson.FromNode<T>(node, kind), (o, hash, c) => open((T)o, hash, c));

    static readonly Dictionary<string, Opener> Openers = new(StringComparer.Ordinal)
    {
        [AccuracyMeasuringTransformer.ArchiveKind] = Of<AccuracyStageOptions>(
            AccuracyMeasuringTransformer.Name,
            AccuracyMeasuringEstimator.Open
        ),
        [KnowledgeNeuronAttributingTransformer.ArchiveKind] = Of<KnowledgeNeuronStageOptions>(
            KnowledgeNeuronAttributingTransformer.Name,
            KnowledgeNeuronAttributingEstimator.Open
        ),
        [DegenerateNeuronFindingTransformer.ArchiveKind] = Of<DegenerateNeuronStageOptions>(
            DegenerateNeuronFindingTransformer.Name,
            DegenerateNeuronFindingEstimator.Open
        ),
        [PlantedNeuronAssigningTransformer.ArchiveKind] = Of<PlantedStageOptions>(
            PlantedNeuronAssigningTransformer.Name,
            PlantedNeuronAssigningEstimator.Open
        ),
        [PlantedScoringTransformer.ArchiveKind] = Of<PlantedStageOptions>(
            PlantedScoringTransformer.Name,
            PlantedScoringEstimator.Open
        ),
        [PerturbedQueryProbingTransformer.SuppressionKind] = Of<PerturbedQueryStageOptions>(
            PerturbedQueryProbingTransformer.SuppressionName,
            PerturbedQueryProbingEstimator.Open
        ),
        [PerturbedQueryProbingTransformer.EnhancementKind] = Of<PerturbedQueryStageOptions>(
            PerturbedQueryProbingTransformer.EnhancementName,
            PerturbedQueryProbingEstimator.Open
        ),
        [NeuronFineTuningTransformer.ArchiveKind] = Of<FineTuneNeuronsStageOptions>(
            NeuronFineTuningTransformer.Name,
            NeuronFineTuningEstimator.Open
        ),
        [FactCheckingTransformer.ArchiveKind] = Of<FactCheckStageOptions>(
            FactCheckingTransformer.Name,
            FactCheckingEstimator.Open
        ),
    };

    /// <summary>Option properties that hold a path: written relative to the archive's folder.</summary>
    static readonly string[] PathProperties =
    [
        nameof(FactStageOptions.ModelPath),
        nameof(FactStageOptions.Folder),
        nameof(PlantedStageOptions.TruthPath),
        nameof(FineTuneNeuronsStageOptions.NewFactsPath),
    ];

    /// <param name="archiveFolder">The folder the archive is written to: paths are stored relative to it.</param>
    public static StageEntry From(IFactStage stage, string archiveFolder)
    {
        var options = OptionsJson.ToNode((object)stage.StageOptions).AsObject();
        foreach (var property in PathProperties)
            if (options[property] is JsonValue value && value.TryGetValue<string>(out var path))
                options[property] = RelativeTo(archiveFolder, path);
        return new()
        {
            Kind = stage.Kind,
            ModelHash = stage.ModelHash,
            Options = options,
        };
    }

    static string RelativeTo(string folder, string path)
    {
        var relative = Path.GetRelativePath(folder, Path.GetFullPath(path));
        if (Path.IsPathRooted(relative))
            throw new DknInputException(
                $"{path}: cannot be referenced relative to {folder} (another drive); save the pipeline on the "
                    + $"drive of its model and folders"
            );
        return relative.Replace(Path.DirectorySeparatorChar, '/');
    }

    /// <summary>Reads a stage entry and resolves its paths (or applies the overrides); opens nothing. The options are
    /// validated once the model is known to be there (<see cref="FactStageOptions.Validate"/>).</summary>
    /// <param name="archive">The archive's full path (named in every refusal).</param>
    public static PreparedStage Prepare(StageEntry entry, int index, string archive, ArchiveOpenOptions open)
    {
        var kind = entry.Kind ?? "";
        var what = $"{archive}: stage {index} ('{kind}')";
        if (!Openers.TryGetValue(kind, out var opener))
            throw new DknInputException(
                $"{archive}: stage {index} has unknown kind '{kind}' (known: {StageEntry.MlNetKind}, "
                    + $"{string.Join(", ", Openers.Keys)})"
            );
        var hash = entry.ModelHash ?? throw new DknInputException($"{what} lacks 'model_hash'");
        if (hash.Length != 64 || !hash.All(char.IsAsciiHexDigitLower))
            throw new DknInputException($"{what}: 'model_hash' is not a SHA-256 (64 lowercase hex digits)");
        if (entry.Options is not JsonObject saved)
            throw new DknInputException($"{what} has no options object");

        var folder = Path.GetDirectoryName(archive)!;
        var options = (JsonObject)saved.DeepClone();
        var savedModel = "";
        foreach (var property in PathProperties)
        {
            var path = StringOrNull(options, property, what);
            if (path is null)
                continue;
            if (IsAbsolute(path))
                throw new DknInputException(
                    $"{what}: '{property}' is an absolute path ('{path}'); archives store paths relative to themselves"
                );
            if (path.Contains('\0'))
                throw new DknInputException($"{what}: '{property}' holds a null character");
            if (property == nameof(FactStageOptions.ModelPath))
                savedModel = path;
            options[property] = Path.GetFullPath(Path.Combine(folder, path));
        }
        if (open.ModelFolder is not null)
            options[nameof(FactStageOptions.ModelPath)] = Path.GetFullPath(open.ModelFolder);
        var tables = StringOrNull(options, nameof(FactStageOptions.TablesFolder), what);
        if (
            tables is not null
            && (
                tables.Length == 0
                || tables.Contains('\0')
                || IsAbsolute(tables)
                || tables.Split('/', '\\').Any(s => s is ".." or "." or "")
            )
        )
            throw new DknInputException($"{what}: 'TablesFolder' '{tables}' is not a plain relative folder name");
        if (open.StageRoot is not null)
            options[nameof(FactStageOptions.Folder)] = Path.GetFullPath(
                Path.Combine(open.StageRoot, tables ?? Pipelines.FittedStages.DefaultFolderName(opener.Name))
            );

        FactStageOptions read;
        try
        {
            read = opener.Read(options, kind);
        }
        catch (Exception e)
            when (e
                    is JsonException
                        or FormatException
                        or ArgumentException
                        or InvalidOperationException
                        or NotSupportedException
                        or OverflowException
            )
        {
            throw new DknInputException($"{what}: unreadable options ({FirstLine(e.Message)})");
        }
        if (open.Load is not null)
            read = read with { Load = open.Load };
        return new PreparedStage(index, kind, opener.Name, read, hash, savedModel, opener.Open);
    }

    public static ITransformer Open(PreparedStage stage, IChannelProvider context) =>
        stage.Open(stage.Options, stage.ModelHash, context);

    static string? StringOrNull(JsonObject options, string property, string what) =>
        options[property] switch
        {
            null => null,
            JsonValue v when v.TryGetValue<string>(out var s) => s,
            var other => throw new DknInputException(
                $"{what}: '{property}' must be a string, not {other.GetValueKind()}"
            ),
        };

    /// <summary>Rooted on this system or on another (a leading slash or backslash, a drive letter).</summary>
    internal static bool IsAbsolute(string path) =>
        Path.IsPathRooted(path)
        || path.StartsWith('/')
        || path.StartsWith('\\')
        || (path.Length >= 2 && path[1] == ':');

    static string FirstLine(string text) => text.Split('\n', 2)[0].Trim();
}
