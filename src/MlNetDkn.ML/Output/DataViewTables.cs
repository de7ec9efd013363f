using System.Globalization;
using Microsoft.ML;
using Microsoft.ML.Data;
using MlNetDkn.Metrics;
using Parquet.Schema;
using Parquet.Serialization;

namespace MlNetDkn.ML.Output;

/// <summary>
/// Writes every visible column of any data view as Parquet (typed scalars, vectors as lists; large fixed-size slot
/// vectors sparsely, as parallel <c>name__indices</c>/<c>name__values</c> lists) and as RFC 4180 CSV (invariant
/// culture, floats round-trippable, vectors as JSON arrays, large slot vectors as JSON objects {"slot": value}). Keys
/// are written 0-based. The same data always gives the same bytes.
/// </summary>
public static class DataViewTables
{
    /// <summary>Fixed-size vectors with more slots than this are written sparsely.</summary>
    public const int DenseSlotLimit = 64;

    /// <summary>Writes <paramref name="data"/> as <c>&lt;name&gt;.parquet</c> and <c>&lt;name&gt;.csv</c> in
    /// <paramref name="folder"/> (created when missing) and returns both paths.</summary>
    /// <param name="metadata">Key-value pairs stored in the Parquet file's metadata
    /// (provenance); null for none.</param>
    public static (string Parquet, string Csv) Write(
        IDataView data,
        string folder,
        string name,
        IReadOnlyDictionary<string, string>? metadata = null
    )
    {
        Directory.CreateDirectory(folder);
        var columns = data
            .Schema.Where(DknRecordDataViewType.IsTabular)
            .Select(c => new Column(c, Read(data, c)))
            .ToList();
        var parquet = Path.Combine(folder, name + ".parquet");
        var csv = Path.Combine(folder, name + ".csv");
        WriteParquet(columns, parquet, metadata).GetAwaiter().GetResult();
        WriteCsv(columns, csv);
        return (parquet, csv);
    }

    /// <summary>Every visible column as exact text per row (what the CSV holds); <paramref name="dense"/> writes
    /// large slot vectors densely too (to compare with data whose vectors lost their size, e.g. through a
    /// DataFrame).</summary>
    public static IReadOnlyList<(string Name, IReadOnlyList<string> Values)> Cells(
        IDataView data,
        bool dense = false
    ) =>
        data
            .Schema.Where(DknRecordDataViewType.IsTabular)
            .Select(c => new Column(c, Read(data, c, dense)))
            .Select(c => (c.Schema.Name, (IReadOnlyList<string>)c.Values.Select(v => c.Cell(v)).ToList()))
            .ToList();

    /// <summary>Writes only the CSV.</summary>
    public static void WriteCsv(IDataView data, string path)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        WriteCsv(
            data.Schema.Where(DknRecordDataViewType.IsTabular).Select(c => new Column(c, Read(data, c))).ToList(),
            path
        );
    }

    /// <summary>A column's values, boxed: string, float, double, int, long, bool, 0-based key (long), or an array of
    /// those; a fixed-size slot vector as (int[] indices, object[] values, int size).</summary>
    sealed record Column(DataViewSchema.Column Schema, IReadOnlyList<object?> Values)
    {
        public bool Sparse => Schema.Type is VectorDataViewType { Size: > DenseSlotLimit };

        public string[]? SlotNames()
        {
            if (Schema.Annotations.Schema.GetColumnOrNull("SlotNames") is null)
                return null;
            VBuffer<ReadOnlyMemory<char>> names = default;
            Schema.Annotations.GetValue("SlotNames", ref names);
            return names.DenseValues().Select(n => n.ToString()).ToArray();
        }

        /// <summary>Scalars as text; vectors as JSON arrays and sparse slot vectors as JSON objects {"slot": value}, so
        /// a list whose items hold separators of their own reads back unambiguously.</summary>
        public string Cell(object? v) =>
            v switch
            {
                SparseVector s => "{"
                    + string.Join(",", s.Indices.Select((i, k) => $"{JsonText(SlotLabel(i))}:{JsonItem(s.Values[k])}"))
                    + "}",
                object?[] components when ComponentCells.Applies(Schema.Name) => "["
                    + string.Join(",", components.Select(c => ComponentCells.ToJson((string?)c ?? "")))
                    + "]",
                Array a => "[" + string.Join(",", a.Cast<object?>().Select(JsonItem)) + "]",
                _ => Text(v),
            };

        /// <summary>One list item as JSON: numbers and booleans bare (NaN and infinities as strings), text
        /// quoted.</summary>
        static string JsonItem(object? v) =>
            v switch
            {
                null => "null",
                string text => JsonText(text),
                bool b => b ? "true" : "false",
                double d when !double.IsFinite(d) => JsonText(Text(d)),
                float f when !float.IsFinite(f) => JsonText(Text(f)),
                _ => Text(v),
            };

        static string JsonText(string text) => System.Text.Json.JsonSerializer.Serialize(text, ReadableJson);

        static readonly System.Text.Json.JsonSerializerOptions ReadableJson = new()
        {
            Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        };

        string[]? _slots;

        string SlotLabel(int i) =>
            (_slots ??= SlotNames() ?? []) is { Length: > 0 } names && i < names.Length
                ? names[i]
                : i.ToString(CultureInfo.InvariantCulture);
    }

    sealed record SparseVector(int[] Indices, object?[] Values);

    static string Text(object? v) =>
        v switch
        {
            null => "",
            float f => f.ToString("R", CultureInfo.InvariantCulture),
            double d => d.ToString("R", CultureInfo.InvariantCulture),
            bool b => b ? "true" : "false",
            IFormattable x => x.ToString(null, CultureInfo.InvariantCulture),
            _ => v.ToString() ?? "",
        };

    static IReadOnlyList<object?> Read(IDataView data, DataViewSchema.Column column, bool dense = false)
    {
        var type = column.Type;
        if (type is VectorDataViewType vector)
        {
            var read = typeof(DataViewTables)
                .GetMethod(
                    nameof(ReadVector),
                    System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Static
                )!
                .MakeGenericMethod(vector.ItemType.RawType);
            return (IReadOnlyList<object?>)read.Invoke(null, [data, column, vector, dense])!;
        }
        var scalar = typeof(DataViewTables)
            .GetMethod(
                nameof(ReadScalar),
                System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Static
            )!
            .MakeGenericMethod(type.RawType);
        return (IReadOnlyList<object?>)scalar.Invoke(null, [data, column])!;
    }

    static IReadOnlyList<object?> ReadScalar<T>(IDataView data, DataViewSchema.Column column) =>
        data.GetColumn<T>(column).Select(v => Item(v, column.Type)).ToList();

    static IReadOnlyList<object?> ReadVector<T>(
        IDataView data,
        DataViewSchema.Column column,
        VectorDataViewType type,
        bool dense
    ) =>
        data.GetColumn<VBuffer<T>>(column)
            .Select(v =>
            {
                if (type.Size > DenseSlotLimit && !dense)
                {
                    var indices = new List<int>();
                    var values = new List<object?>();
                    foreach (var (i, x) in v.Items())
                        if (!EqualityComparer<T>.Default.Equals(x, default!))
                        {
                            indices.Add(i);
                            values.Add(Item(x, type.ItemType));
                        }
                    return (object?)new SparseVector([.. indices], [.. values]);
                }
                return v.DenseValues().Select(x => Item(x, type.ItemType)).ToArray();
            })
            .ToList();

    static object? Item<T>(T value, DataViewType type) =>
        value switch
        {
            ReadOnlyMemory<char> m => m.ToString(),
            uint k when type is KeyDataViewType => k == 0 ? null : (long)k - 1,
            ulong k when type is KeyDataViewType => k == 0 ? null : (long)k - 1,
            _ => value,
        };

    static Type ClrOf(DataViewType item) =>
        item switch
        {
            TextDataViewType => typeof(string),
            KeyDataViewType => typeof(long),
            _ => item.RawType,
        };

    static async Task WriteParquet(
        IReadOnlyList<Column> columns,
        string path,
        IReadOnlyDictionary<string, string>? metadata
    )
    {
        var fields = new List<Field>();
        foreach (var c in columns)
        {
            if (c.Schema.Type is VectorDataViewType v)
            {
                var item = ClrOf(v.ItemType);
                if (c.Sparse)
                {
                    fields.Add(
                        new ListField(
                            c.Schema.Name + "__indices",
                            new DataField("element", typeof(int), isNullable: false)
                        )
                    );
                    fields.Add(
                        new ListField(
                            c.Schema.Name + "__values",
                            new DataField("element", item, isNullable: item == typeof(string))
                        )
                    );
                }
                else
                    fields.Add(
                        new ListField(
                            c.Schema.Name,
                            new DataField("element", item, isNullable: item == typeof(string) || item == typeof(long))
                        )
                    );
            }
            else
            {
                var clr = ClrOf(c.Schema.Type);
                fields.Add(
                    new DataField(
                        c.Schema.Name,
                        clr,
                        isNullable: clr == typeof(string) || c.Schema.Type is KeyDataViewType
                    )
                );
            }
        }
        int rows = columns.Count == 0 ? 0 : columns[0].Values.Count;
        var records = new List<IDictionary<string, object?>>(rows);
        for (int r = 0; r < rows; r++)
        {
            var row = new Dictionary<string, object?>(StringComparer.Ordinal);
            foreach (var c in columns)
            {
                var value = c.Values[r];
                if (value is SparseVector s)
                {
                    row[c.Schema.Name + "__indices"] = s.Indices;
                    row[c.Schema.Name + "__values"] = TypedArray(
                        s.Values,
                        ClrOf(((VectorDataViewType)c.Schema.Type).ItemType)
                    );
                }
                else if (value is Array a)
                    row[c.Schema.Name] = TypedArray(
                        a.Cast<object?>().ToArray(),
                        ClrOf(((VectorDataViewType)c.Schema.Type).ItemType)
                    );
                else
                    row[c.Schema.Name] = value;
            }
            records.Add(row);
        }
        var tmp = path + ".tmp";
        await using (var stream = File.Create(tmp))
            await ParquetSerializer.SerializeUntypedAsync(
                records,
                new ParquetSchema(fields),
                stream,
                null,
                metadata?.ToDictionary()
            );
        File.Move(tmp, path, overwrite: true);
    }

    static Array TypedArray(object?[] values, Type item)
    {
        if (item == typeof(long))
            return values.Select(v => (long?)v).ToArray();
        // Parquet.Net's untyped writer takes list<string> items as ReadOnlyMemory<char>.
        if (item == typeof(string))
            return values.Select(v => (ReadOnlyMemory<char>?)((string?)v ?? "").AsMemory()).ToArray();
        var array = Array.CreateInstance(item, values.Length);
        for (int i = 0; i < values.Length; i++)
            array.SetValue(values[i], i);
        return array;
    }

    static void WriteCsv(IReadOnlyList<Column> columns, string path)
    {
        int rows = columns.Count == 0 ? 0 : columns[0].Values.Count;
        using var writer = new StreamWriter(path, false, new System.Text.UTF8Encoding(false)) { NewLine = "\n" };
        writer.WriteLine(string.Join(",", columns.Select(c => CsvText.Quote(c.Schema.Name))));
        for (int r = 0; r < rows; r++)
            writer.WriteLine(string.Join(",", columns.Select(c => CsvText.Quote(c.Cell(c.Values[r])))));
    }
}
