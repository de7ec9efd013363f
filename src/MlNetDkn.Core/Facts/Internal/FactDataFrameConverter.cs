using Microsoft.Data.Analysis;
using Microsoft.ML.Data;

namespace MlNetDkn.Facts.Internal;

/// <summary>
/// FactRecord rows to and from a DataFrame. String columns become <see cref="StringDataFrameColumn"/>; list columns
/// become <see cref="VBufferDataFrameColumn{T}"/> of ReadOnlyMemory&lt;char&gt;, which ML.NET sees as a text vector.
/// </summary>
internal static class FactDataFrameConverter
{
    const string Label = "DataFrame";

    public static DataFrame ToDataFrame(IReadOnlyList<FactRecord> records)
    {
        var columns = new List<DataFrameColumn>();
        foreach (var name in FactColumns.All)
        {
            if (FactColumns.IsList(name))
                columns.Add(
                    new VBufferDataFrameColumn<ReadOnlyMemory<char>>(
                        name,
                        records.Select(r => ToVBuffer(FactRecordAccess.GetList(r, name)))
                    )
                );
            else
                columns.Add(new StringDataFrameColumn(name, records.Select(r => FactRecordAccess.GetString(r, name))));
        }
        return new DataFrame(columns);
    }

    public static List<FactRecord> FromDataFrame(DataFrame frame)
    {
        var rowCount = checked((int)frame.Rows.Count);
        var records = Enumerable.Range(0, rowCount).Select(_ => new FactRecord()).ToList();
        var names = frame.Columns.Select(c => c.Name).ToHashSet(StringComparer.Ordinal);
        foreach (var name in FactColumns.All)
        {
            if (!names.Contains(name))
            {
                if (FactColumns.OptionalColumns.Contains(name))
                    continue;
                throw new DknInputException(
                    $"{Label}: missing column '{name}' (expected "
                        + $"{(FactColumns.IsList(name) ? "list<string>" : "string")})"
                );
            }
            var column = frame.Columns[name];
            if (FactColumns.IsList(name))
            {
                if (column is not VBufferDataFrameColumn<ReadOnlyMemory<char>> lists)
                    throw new DknInputException(
                        $"{Label}: column '{name}' has type {column.GetType().Name} (expected "
                            + $"VBufferDataFrameColumn<ReadOnlyMemory<char>>, a list of strings)"
                    );
                for (var row = 0; row < rowCount; row++)
                    FactRecordAccess.SetList(records[row], name, FromVBuffer(lists[row]));
            }
            else
            {
                if (column is not (StringDataFrameColumn or ArrowStringDataFrameColumn))
                    throw new DknInputException(
                        $"{Label}: column '{name}' has type {column.GetType().Name} (expected a string column)"
                    );
                for (var row = 0; row < rowCount; row++)
                    FactRecordAccess.SetString(records[row], name, column[row]?.ToString());
            }
        }
        return records;
    }

    static VBuffer<ReadOnlyMemory<char>> ToVBuffer(List<string> items) =>
        new(items.Count, items.Select(s => s.AsMemory()).ToArray());

    static List<string> FromVBuffer(VBuffer<ReadOnlyMemory<char>> buffer) =>
        buffer.DenseValues().Select(m => m.ToString()).ToList();
}
