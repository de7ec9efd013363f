using Parquet.Schema;

namespace MlNetDkn.Facts.Internal;

/// <summary>
/// Checks that a Parquet file's schema has every fact column with the right shape before the typed reader runs:
/// Parquet.Net's serializer silently leaves missing or mistyped columns at their defaults.
/// </summary>
internal static class FactSchemaCheck
{
    /// <summary>Returns the optional columns that are absent (they read as empty lists).</summary>
    public static IReadOnlyList<string> Validate(ParquetSchema schema, string fileLabel)
    {
        var byName = schema.Fields.ToDictionary(f => f.Name, StringComparer.Ordinal);
        var absentOptional = new List<string>();
        foreach (var column in FactColumns.All)
        {
            if (!byName.TryGetValue(column, out var field))
            {
                if (FactColumns.OptionalColumns.Contains(column))
                {
                    absentOptional.Add(column);
                    continue;
                }
                throw new DknInputException($"{fileLabel}: missing column '{column}' (expected {Expected(column)})");
            }
            var found = Describe(field);
            if (found != Expected(column))
                throw new DknInputException(
                    $"{fileLabel}: column '{column}' has type {found} (expected {Expected(column)})"
                );
        }
        return absentOptional;
    }

    static string Expected(string column) => FactColumns.IsList(column) ? "list<string>" : "string";

    static string Describe(Field field) =>
        field switch
        {
            DataField d => IsString(d.ClrType) ? "string" : d.ClrType.Name,
            ListField { Item: DataField item } => IsString(item.ClrType)
                ? "list<string>"
                : $"list<{item.ClrType.Name}>",
            ListField => "list<nested>",
            _ => field.SchemaType.ToString().ToLowerInvariant(),
        };

    // Parquet.Net 6 reports UTF-8 strings as ReadOnlyMemory<char> unless asked for System.String.
    static bool IsString(Type t) => t == typeof(string) || t == typeof(ReadOnlyMemory<char>);
}
