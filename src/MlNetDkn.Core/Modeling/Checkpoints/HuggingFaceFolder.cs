using System.Text.Json;
using System.Text.Json.Nodes;

namespace MlNetDkn.Modeling.Checkpoints;

/// <summary>Finds the weights of a Hugging Face model folder: `model.safetensors`, or shards listed by the index
/// file.</summary>
public static class HuggingFaceFolder
{
    /// <summary>The weights file of an unsharded model.</summary>
    public const string SingleFile = "model.safetensors";

    /// <summary>The index of a sharded model, whose weight_map names each tensor's shard.</summary>
    public const string IndexFile = "model.safetensors.index.json";

    /// <summary>
    /// Paths of the folder's safetensors weight files: the single file, or the index's shards in ordinal name
    /// order.
    /// </summary>
    /// <exception cref="DknInputException">
    /// Neither file is there (PyTorch .bin/.pt files are named but not read), or the index is invalid.
    /// </exception>
    public static IReadOnlyList<string> WeightFiles(string folder)
    {
        var single = Path.Combine(folder, SingleFile);
        if (File.Exists(single))
            return [single];
        var index = Path.Combine(folder, IndexFile);
        if (File.Exists(index))
            return ShardsFromIndex(index, folder);
        var others = Directory
            .EnumerateFiles(folder)
            .Select(Path.GetFileName)
            .Where(n => n!.EndsWith(".bin") || n.EndsWith(".pt"))
            .ToList();
        var hint =
            others.Count > 0
                ? $" (found {string.Join(", ", others)}: PyTorch pickle files are not read; save the model with "
                    + $"safetensors)"
                : "";
        throw new DknInputException($"{folder}: no {SingleFile} or {IndexFile}{hint}");
    }

    static IReadOnlyList<string> ShardsFromIndex(string indexPath, string folder)
    {
        JsonObject index;
        try
        {
            index =
                JsonNode.Parse(File.ReadAllText(indexPath)) as JsonObject ?? throw new JsonException("not an object");
        }
        catch (JsonException e)
        {
            throw new DknInputException($"{indexPath}: invalid JSON ({e.Message})");
        }
        if (index["weight_map"] is not JsonObject map)
            throw new DknInputException($"{indexPath}: no 'weight_map' object");
        var shards = map.Select(kv => ShardName(kv.Key, kv.Value, indexPath))
            .Distinct()
            .OrderBy(s => s, StringComparer.Ordinal)
            .ToList();
        var paths = shards.Select(s => Path.Combine(folder, s)).ToList();
        foreach (var p in paths)
            if (!File.Exists(p))
                throw new DknInputException(
                    $"{indexPath}: shard {Path.GetFileName(p)} is listed but missing from {folder}"
                );
        return paths;
    }

    /// <summary>A weight_map value: the name of a file beside the index, nothing else (no folder, no "..").</summary>
    static string ShardName(string tensor, JsonNode? value, string indexPath)
    {
        if (value is not JsonValue v || !v.TryGetValue<string>(out var name) || name.Length == 0)
            throw new DknInputException(
                $"{indexPath}: weight_map[\"{tensor}\"] must be a file name, got {value?.ToJsonString() ?? "null"}"
            );
        if (name != Path.GetFileName(name) || name is "." or ".." || name.Contains('\\') || name.Contains('\0'))
            throw new DknInputException(
                $"{indexPath}: weight_map[\"{tensor}\"] = \"{name}\" must name a file beside the index, not a path"
            );
        return name;
    }
}
