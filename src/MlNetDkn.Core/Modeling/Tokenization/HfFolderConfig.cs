using System.Text.Json;

namespace MlNetDkn.Modeling.Tokenization;

/// <summary>
/// Hints a Hugging Face model folder gives about its tokenizer: config.json's model_type and the bos/eos token
/// strings of tokenizer_config.json. Both files are optional, and a hint that cannot be read is simply absent.
/// </summary>
internal static class HfFolderConfig
{
    public static string? ModelType(string folder) => ReadString(Path.Combine(folder, "config.json"), "model_type");

    /// <summary>bos_token/eos_token, written either as a string or as {"content": ...}.</summary>
    public static (string? Bos, string? Eos) SpecialTokens(string folder)
    {
        var path = Path.Combine(folder, "tokenizer_config.json");
        return (ReadString(path, "bos_token"), ReadString(path, "eos_token"));
    }

    static string? ReadString(string path, string property)
    {
        if (!File.Exists(path))
            return null;
        try
        {
            using var doc = JsonDocument.Parse(File.ReadAllText(path));
            if (
                doc.RootElement.ValueKind != JsonValueKind.Object
                || !doc.RootElement.TryGetProperty(property, out var v)
            )
                return null;
            if (v.ValueKind == JsonValueKind.String)
                return v.GetString();
            if (
                v.ValueKind == JsonValueKind.Object
                && v.TryGetProperty("content", out var c)
                && c.ValueKind == JsonValueKind.String
            )
                return c.GetString();
            return null;
        }
        catch (JsonException)
        {
            return null; // the checkpoint loader reports broken config files; here they only lose a hint
        }
    }
}
