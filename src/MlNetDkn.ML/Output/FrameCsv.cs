using System.Globalization;
using System.Text.Json;
using Microsoft.Data.Analysis;
using Microsoft.ML.Data;
using MlNetDkn.Metrics.Reports;

namespace MlNetDkn.ML.Output;

/// <summary>Reads the CSV the product's tables are written as (vector cells as JSON arrays) back into a DataFrame whose
/// columns have the names and types of a given frame.</summary>
static class FrameCsv
{
    public static DataFrame Read(string path, DataFrame like)
    {
        var rows = Csv.Read(path);
        if (rows.Count == 0)
            throw new DknInputException($"{path}: empty CSV (expected a header row)");
        var header = rows[0];
        var body = rows.Skip(1).ToList();
        for (int r = 0; r < body.Count; r++)
            if (body[r].Length != header.Length)
                throw new DknInputException(
                    $"{path}: row {r + 2} has {body[r].Length} cells, the header {header.Length}"
                );
        var columns = new List<DataFrameColumn>();
        foreach (var template in like.Columns)
        {
            int k = Array.IndexOf(header, template.Name);
            if (k < 0)
                throw new DknInputException($"{path}: no column '{template.Name}' (the frame to read into has it)");
            var cells = body.Select(row => row[k]).ToList();
            try
            {
                columns.Add(Column(template, cells));
            }
            catch (Exception e) when (e is FormatException or JsonException or OverflowException)
            {
                throw new DknInputException(
                    $"{path}: column '{template.Name}' holds a value that is not a {template.DataType.Name}"
                );
            }
        }
        return new DataFrame(columns);
    }

    static DataFrameColumn Column(DataFrameColumn template, List<string> cells) =>
        template switch
        {
            StringDataFrameColumn => new StringDataFrameColumn(template.Name, cells),
            PrimitiveDataFrameColumn<float> => new SingleDataFrameColumn(
                template.Name,
                cells.Select(c => Nullable(c, Float))
            ),
            PrimitiveDataFrameColumn<double> => new DoubleDataFrameColumn(
                template.Name,
                cells.Select(c => Nullable(c, Double))
            ),
            PrimitiveDataFrameColumn<int> => new Int32DataFrameColumn(
                template.Name,
                cells.Select(c => Nullable(c, s => int.Parse(s, CultureInfo.InvariantCulture)))
            ),
            PrimitiveDataFrameColumn<uint> => new UInt32DataFrameColumn(
                template.Name,
                cells.Select(c => Nullable(c, s => uint.Parse(s, CultureInfo.InvariantCulture)))
            ),
            PrimitiveDataFrameColumn<long> => new Int64DataFrameColumn(
                template.Name,
                cells.Select(c => Nullable(c, s => long.Parse(s, CultureInfo.InvariantCulture)))
            ),
            PrimitiveDataFrameColumn<bool> => new BooleanDataFrameColumn(
                template.Name,
                cells.Select(c => Nullable(c, bool.Parse))
            ),
            VBufferDataFrameColumn<ReadOnlyMemory<char>> => Vector(template.Name, cells, e =>
                (e.ValueKind == JsonValueKind.Array ? ComponentCells.FromJson(e) : e.GetString()).AsMemory()
            ),
            VBufferDataFrameColumn<float> => Vector(template.Name, cells, e => Float(JsonNumberText(e))),
            VBufferDataFrameColumn<double> => Vector(template.Name, cells, e => Double(JsonNumberText(e))),
            VBufferDataFrameColumn<int> => Vector(template.Name, cells, e => e.GetInt32()),
            VBufferDataFrameColumn<uint> => Vector(template.Name, cells, e => e.GetUInt32()),
            VBufferDataFrameColumn<long> => Vector(template.Name, cells, e => e.GetInt64()),
            VBufferDataFrameColumn<bool> => Vector(template.Name, cells, e => e.GetBoolean()),
            _ => throw new DknInputException(
                $"column '{template.Name}': reading {template.DataType.Name} cells is not supported"
            ),
        };

    static T? Nullable<T>(string cell, Func<string, T> parse)
        where T : struct => cell.Length == 0 ? null : parse(cell);

    static float Float(string text) => float.Parse(text, NumberStyles.Float, CultureInfo.InvariantCulture);

    static double Double(string text) => double.Parse(text, NumberStyles.Float, CultureInfo.InvariantCulture);

    // Non-finite numbers are written as JSON strings ("NaN", "∞").
    static string JsonNumberText(JsonElement e) =>
        e.ValueKind == JsonValueKind.String ? e.GetString()! : e.GetRawText();

    static VBufferDataFrameColumn<T> Vector<T>(string name, List<string> cells, Func<JsonElement, T> item)
    {
        var values = cells
            .Select(cell =>
            {
                using var json = JsonDocument.Parse(cell.Length == 0 ? "[]" : cell);
                var items = json.RootElement.EnumerateArray().Select(item).ToArray();
                return new VBuffer<T>(items.Length, items);
            })
            .ToList();
        return new VBufferDataFrameColumn<T>(name, values);
    }
}
