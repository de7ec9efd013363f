using System.Reflection;
using MlNetDkn.Columns;

namespace MlNetDkn.Metrics;

/// <summary>
/// A <see cref="MetricTable"/> from flat records: one column per public property (strings and enums as text, integers
/// and booleans as int64, floating point as double), in declaration order, named in snake_case (FactId → fact_id):
/// the one column-naming rule of every table, column and JSON output (datasets/README.md).
/// </summary>
public static class MetricTableRecords
{
    /// <summary>The table of <paramref name="rows"/>: one column per public property (see <see cref="Columns"/>); null
    /// numbers become NaN, null text the empty string.</summary>
    public static MetricTable FromRecords<T>(IReadOnlyList<T> rows)
    {
        var table = new MetricTable();
        foreach (var (name, kind, p) in Columns(typeof(T)))
        {
            var values = rows.Select(r => p.GetValue(r)).ToArray();
            if (kind == ColumnKind.Number)
                table.AddNumber(name, values.Select(v => v is null ? double.NaN : Convert.ToDouble(v)).ToArray());
            else if (kind is ColumnKind.Integer or ColumnKind.Flag)
                table.AddInteger(name, values.Select(v => v is bool b ? (b ? 1L : 0L) : Convert.ToInt64(v)).ToArray());
            else
                table.AddText(name, values.Select(v => v?.ToString() ?? "").ToArray());
        }
        return table;
    }

    /// <summary>The columns a record type is written as, in order: snake_case name, how it is written (floating point
    /// as <see cref="ColumnKind.Number"/>, int and long as <see cref="ColumnKind.Integer"/>, bool as
    /// <see cref="ColumnKind.Flag"/> 1/0, anything else as <see cref="ColumnKind.Text"/>) and the property.</summary>
    public static IReadOnlyList<(string Name, ColumnKind Kind, PropertyInfo Property)> Columns(Type record) =>
        record
            .GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Select(p =>
            {
                var type = Nullable.GetUnderlyingType(p.PropertyType) ?? p.PropertyType;
                var kind =
                    type == typeof(double) || type == typeof(float) ? ColumnKind.Number
                    : type == typeof(bool) ? ColumnKind.Flag
                    : type == typeof(int) || type == typeof(long) ? ColumnKind.Integer
                    : ColumnKind.Text;
                return (SnakeCase(p.Name), kind, p);
            })
            .ToList();

    /// <summary>"FactId" → "fact_id", "P90" → "p90", "CiLow" → "ci_low".</summary>
    public static string SnakeCase(string name) => System.Text.Json.JsonNamingPolicy.SnakeCaseLower.ConvertName(name);

    /// <summary>Writes <c>folder/name.parquet</c> and <c>folder/name.csv</c>.</summary>
    public static (string Parquet, string Csv) WriteRecords<T>(
        IReadOnlyList<T> rows,
        string folder,
        string name,
        IReadOnlyDictionary<string, string>? metadata = null
    ) => FromRecords(rows).Write(folder, name, metadata);
}
