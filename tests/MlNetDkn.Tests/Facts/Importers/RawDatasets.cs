using System.Text.Json;
using MlNetDkn.Tests.Support;

namespace MlNetDkn.Tests.Facts.Importers;

/// <summary>Paths into ../shared/datasets/raw (read in place, never copied into the repository) and small
/// independent readers the tests use to derive expected counts without the importers' code.</summary>
internal static class RawDatasets
{
    public static string ParaRel => Folder("pararel");
    public static string Dai => Folder("dai");
    public static string TempLama => Folder("templama");
    public static string Rome => Folder("rome");

    static string Folder(string name)
    {
        var path = Path.Combine(SharedPaths.RawDatasets, name);
        if (!Directory.Exists(path))
            throw new InvalidOperationException(
                $"raw dataset folder {path} is missing; these tests read ../shared/datasets/raw"
            );
        return path;
    }

    public static IEnumerable<JsonElement> JsonLines(string path) =>
        File.ReadLines(path)
            .Where(l => !string.IsNullOrWhiteSpace(l))
            .Select(l => JsonDocument.Parse(l).RootElement.Clone());

    public static string Str(this JsonElement e, string field) => e.GetProperty(field).GetString()!;
}
