using System.Reflection;

namespace MlNetDkn.Metrics;

/// <summary>
/// A <see cref="MetricTable"/> from flat records: one column per public property (strings and enums as text, integers
/// and booleans as int64, floating point as double), in declaration order, named in snake_case (FactId → fact_id):
/// the one column-naming rule of every table, column and JSON output (datasets/README.md).
/// </summary>
public static class MetricTableRecords
{
    /// <summary>The table of <paramref name="rows"/> (null numbers become NaN, null text the empty string).</summary>
    public static MetricTable FromRecords<T>(IReadOnlyList<T> rows)
    {
        var table = new MetricTable();
        foreach (var p in typeof(T).GetProperties(BindingFlags.Public | BindingFlags.Instance))
        {
            var type = Nullable.GetUnderlyingType(p.PropertyType) ?? p.PropertyType;
            var values = rows.Select(r => p.GetValue(r)).ToArray();
            if (type == typeof(double) || type == typeof(float))
                table.AddNumber(SnakeCase(p.Name), values.Select(v => v is null ? double.NaN : Convert.ToDouble(v)).ToArray());
            else if (type == typeof(int) || type == typeof(long) || type == typeof(bool))
                table.AddInteger(SnakeCase(p.Name), values.Select(v => v is bool b ? (b ? 1L : 0L) : Convert.ToInt64(v)).ToArray());
            else
                table.AddText(SnakeCase(p.Name), values.Select(v => v?.ToString() ?? "").ToArray());
        }
        return table;
    }

    /// <summary>"FactId" → "fact_id", "P90" → "p90", "CiLow" → "ci_low".</summary>
    public static string SnakeCase(string name) => System.Text.Json.JsonNamingPolicy.SnakeCaseLower.ConvertName(name);

    /// <summary>Writes <c>folder/name.parquet</c> and <c>folder/name.csv</c>.</summary>
    public static (string Parquet, string Csv) WriteRecords<T>(IReadOnlyList<T> rows, string folder, string name,
        IReadOnlyDictionary<string, string>? metadata = null) => FromRecords(rows).Write(folder, name, metadata);
}
