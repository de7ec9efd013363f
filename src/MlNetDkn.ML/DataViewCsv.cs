using System.Globalization;
using System.Text;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace MlNetDkn.ML;

/// <summary>
/// Writes every visible column of a data view as CSV, vectors joined with ';' and numbers round-trippable, so the
/// output of a saved pipeline can be compared across processes and read by any tool.
/// </summary>
public static class DataViewCsv
{
    public static void Write(IDataView data, string path)
    {
        var cells = Cells(data);
        int rows = cells.Count == 0 ? 0 : cells[0].Values.Count;
        var sb = new StringBuilder();
        sb.AppendLine(string.Join(",", cells.Select(c => Escape(c.Name))));
        for (int r = 0; r < rows; r++) sb.AppendLine(string.Join(",", cells.Select(c => Escape(c.Values[r]))));
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        File.WriteAllText(path, sb.ToString());
    }

    /// <summary>Every visible column as exact text per row (floats in round-trip form, vectors joined with ';').</summary>
    public static IReadOnlyList<(string Name, IReadOnlyList<string> Values)> Cells(IDataView data) =>
        data.Schema.Where(c => !c.IsHidden).Select(c => (c.Name, (IReadOnlyList<string>)Column(data, c).ToList())).ToList();

    static IEnumerable<string> Column(IDataView data, DataViewSchema.Column column) => column.Type switch
    {
        TextDataViewType => data.GetColumn<ReadOnlyMemory<char>>(column).Select(v => v.ToString()),
        NumberDataViewType t when t.RawType == typeof(float) => data.GetColumn<float>(column).Select(Format),
        NumberDataViewType t when t.RawType == typeof(double) => data.GetColumn<double>(column).Select(Format),
        NumberDataViewType t when t.RawType == typeof(int) => data.GetColumn<int>(column).Select(v => v.ToString(CultureInfo.InvariantCulture)),
        NumberDataViewType t when t.RawType == typeof(long) => data.GetColumn<long>(column).Select(v => v.ToString(CultureInfo.InvariantCulture)),
        BooleanDataViewType => data.GetColumn<bool>(column).Select(v => v ? "true" : "false"),
        VectorDataViewType { ItemType: TextDataViewType } => data.GetColumn<VBuffer<ReadOnlyMemory<char>>>(column).Select(v => string.Join(";", v.DenseValues())),
        VectorDataViewType { ItemType: NumberDataViewType t } when t.RawType == typeof(float) =>
            data.GetColumn<VBuffer<float>>(column).Select(v => string.Join(";", v.DenseValues().Select(Format))),
        VectorDataViewType { ItemType: NumberDataViewType t } when t.RawType == typeof(double) =>
            data.GetColumn<VBuffer<double>>(column).Select(v => string.Join(";", v.DenseValues().Select(Format))),
        _ => throw new DknInputException($"column '{column.Name}' has type {column.Type}, which the CSV writer does not handle"),
    };

    static string Format(float v) => v.ToString("R", CultureInfo.InvariantCulture);
    static string Format(double v) => v.ToString("R", CultureInfo.InvariantCulture);
    static string Escape(string s) => s.IndexOfAny([',', '"', '\n', '\r']) >= 0 ? "\"" + s.Replace("\"", "\"\"") + "\"" : s;
}
