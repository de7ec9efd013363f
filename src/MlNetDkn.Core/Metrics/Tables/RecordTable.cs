using System.Globalization;
using System.Reflection;
using System.Text;
using Microsoft.Data.Analysis;
using Parquet.Serialization;

namespace MlNetDkn.Metrics.Tables;

/// <summary>
/// Metric tables from flat records (public properties of string, number and bool types): written as Parquet and CSV
/// side by side, and converted to a Microsoft.Data.Analysis DataFrame for analysis.
/// </summary>
public static class RecordTable
{
    /// <summary>Writes <c>basePath.parquet</c> and <c>basePath.csv</c>; returns both paths.</summary>
    public static (string Parquet, string Csv) Write<T>(IReadOnlyList<T> rows, string basePath) where T : class
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(basePath))!);
        var parquet = basePath + ".parquet";
        var csv = basePath + ".csv";
        ParquetSerializer.SerializeAsync(rows, parquet).GetAwaiter().GetResult();
        File.WriteAllText(csv, ToCsv(rows));
        return (parquet, csv);
    }

    public static string ToCsv<T>(IReadOnlyList<T> rows)
    {
        var properties = Columns<T>();
        var sb = new StringBuilder();
        sb.AppendLine(string.Join(",", properties.Select(p => Escape(p.Name))));
        foreach (var row in rows)
            sb.AppendLine(string.Join(",", properties.Select(p => Escape(Format(p.GetValue(row))))));
        return sb.ToString();
    }

    public static DataFrame ToDataFrame<T>(IReadOnlyList<T> rows)
    {
        var columns = new List<DataFrameColumn>();
        foreach (var p in Columns<T>())
        {
            var values = rows.Select(r => p.GetValue(r)).ToList();
            var type = Nullable.GetUnderlyingType(p.PropertyType) ?? p.PropertyType;
            columns.Add(type switch
            {
                _ when type == typeof(double) => new DoubleDataFrameColumn(p.Name, values.Select(v => (double?)v)),
                _ when type == typeof(float) => new SingleDataFrameColumn(p.Name, values.Select(v => (float?)v)),
                _ when type == typeof(int) => new Int32DataFrameColumn(p.Name, values.Select(v => (int?)v)),
                _ when type == typeof(long) => new Int64DataFrameColumn(p.Name, values.Select(v => (long?)v)),
                _ when type == typeof(bool) => new BooleanDataFrameColumn(p.Name, values.Select(v => (bool?)v)),
                _ => new StringDataFrameColumn(p.Name, values.Select(Format)),
            });
        }
        return new DataFrame(columns);
    }

    static PropertyInfo[] Columns<T>() => typeof(T).GetProperties(BindingFlags.Public | BindingFlags.Instance);

    static string Format(object? value) => value switch
    {
        null => "",
        double d => d.ToString("R", CultureInfo.InvariantCulture),
        float f => f.ToString("R", CultureInfo.InvariantCulture),
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "",
    };

    static string Escape(string s) => s.IndexOfAny([',', '"', '\n', '\r']) >= 0 ? "\"" + s.Replace("\"", "\"\"") + "\"" : s;
}
