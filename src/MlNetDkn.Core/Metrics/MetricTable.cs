using System.Globalization;
using System.Text;
using Microsoft.Data.Analysis;
using Parquet;
using Parquet.Schema;

namespace MlNetDkn.Metrics;

/// <summary>
/// A small column-oriented result table (text, integer and number columns) that writes itself as Parquet (with
/// key/value metadata such as the run's hashes) and CSV, and converts to a DataFrame. Build one from rows with
/// <see cref="From{T}"/>: <c>MetricTable.From(rows).Text("split", r =&gt; r.Split).Number("accuracy", r =&gt;
/// r.Accuracy)</c>.
/// </summary>
public sealed class MetricTable
{
    readonly List<(string Name, Array Values)> _columns = [];

    /// <summary>Rows in every column; −1 while the table has no column.</summary>
    public int RowCount { get; private set; } = -1;

    /// <summary>The column names, in the order added.</summary>
    public IReadOnlyList<string> ColumnNames => _columns.Select(c => c.Name).ToList();

    /// <summary>The values of a column: string[], long[] or double[].</summary>
    public Array Column(string name) => _columns.First(c => c.Name == name).Values;

    /// <summary>Starts a table whose columns are computed from <paramref name="rows"/>.</summary>
    public static RowsBuilder<T> From<T>(IReadOnlyList<T> rows) => new(rows);

    /// <summary>Adds a column; throws <see cref="ArgumentException"/> when the name exists or the length differs from
    /// <see cref="RowCount"/>. Returns this table.</summary>
    public MetricTable AddText(string name, string[] values) => Add(name, values);

    /// <summary>Adds an int64 column, under the same rules as <see cref="AddText"/>.</summary>
    public MetricTable AddInteger(string name, long[] values) => Add(name, values);

    /// <summary>Adds a double column, under the same rules as <see cref="AddText"/>.</summary>
    public MetricTable AddNumber(string name, double[] values) => Add(name, values);

    MetricTable Add(string name, Array values)
    {
        if (_columns.Any(c => c.Name == name))
            throw new ArgumentException($"column '{name}' already exists");
        if (RowCount >= 0 && values.Length != RowCount)
            throw new ArgumentException($"column '{name}' has {values.Length} rows, the table {RowCount}");
        RowCount = values.Length;
        _columns.Add((name, values));
        return this;
    }

    /// <summary>The table as a DataFrame: string, long and double columns, same names and order.</summary>
    public DataFrame ToDataFrame() =>
        new(
            _columns.Select(c =>
                c.Values switch
                {
                    string[] s => (DataFrameColumn)new StringDataFrameColumn(c.Name, s),
                    long[] l => new PrimitiveDataFrameColumn<long>(c.Name, l),
                    double[] d => new PrimitiveDataFrameColumn<double>(c.Name, d),
                    _ => throw new InvalidOperationException(),
                }
            )
        );

    /// <summary>Writes `name.parquet` and `name.csv` into <paramref name="folder"/>; returns both paths.</summary>
    public (string Parquet, string Csv) Write(
        string folder,
        string name,
        IReadOnlyDictionary<string, string>? metadata = null
    )
    {
        Directory.CreateDirectory(folder);
        var (parquet, csv) = (Path.Combine(folder, name + ".parquet"), Path.Combine(folder, name + ".csv"));
        WriteParquet(parquet, metadata);
        WriteCsv(csv);
        return (parquet, csv);
    }

    /// <summary>Writes the table as one Parquet row group (through a .tmp file then moved into place), with <paramref
    /// name="metadata"/> as key/value metadata.</summary>
    public void WriteParquet(string path, IReadOnlyDictionary<string, string>? metadata = null) =>
        MachineIo.Write(path, () => WriteParquetAsync(path, metadata).GetAwaiter().GetResult());

    async Task WriteParquetAsync(string path, IReadOnlyDictionary<string, string>? metadata)
    {
        var fields = _columns
            .Select(c =>
                c.Values switch
                {
                    string[] => (DataField)new DataField<string>(c.Name),
                    long[] => new DataField<long>(c.Name),
                    _ => new DataField<double>(c.Name),
                }
            )
            .ToArray();
        await using (var stream = File.Create(path + ".tmp"))
        {
            await using var writer = await ParquetWriter.CreateAsync(new ParquetSchema(fields), stream);
            if (metadata is { Count: > 0 })
                writer.CustomMetadata = metadata.ToDictionary();
            using var group = writer.CreateRowGroup();
            for (int i = 0; i < fields.Length; i++)
            {
                var write = _columns[i].Values switch
                {
                    string[] s => group.WriteAsync(fields[i], s, null),
                    long[] l => group.WriteAsync<long>(fields[i], l.AsMemory(), null),
                    double[] d => group.WriteAsync<double>(fields[i], d.AsMemory(), null),
                    _ => throw new InvalidOperationException(),
                };
                await write;
            }
            group.CompleteValidate();
        }
        File.Move(path + ".tmp", path, overwrite: true);
    }

    /// <summary>RFC 4180 CSV, invariant culture, numbers in round-trip form.</summary>
    public void WriteCsv(string path)
    {
        var text = new StringBuilder();
        text.AppendJoin(',', _columns.Select(c => Quote(c.Name))).Append('\n');
        for (int r = 0; r < Math.Max(RowCount, 0); r++)
            text.AppendJoin(
                    ',',
                    _columns.Select(c =>
                        c.Values switch
                        {
                            string[] s => Quote(s[r]),
                            long[] l => l[r].ToString(CultureInfo.InvariantCulture),
                            double[] d => d[r].ToString("R", CultureInfo.InvariantCulture),
                            _ => "",
                        }
                    )
                )
                .Append('\n');
        MachineIo.Write(path, () => File.WriteAllText(path, text.ToString()));
    }

    /// <summary>The key/value metadata of any Parquet file (provenance of this project's tables).</summary>
    public static IReadOnlyDictionary<string, string> ReadParquetMetadata(string path) =>
        ReadMetadataAsync(path).GetAwaiter().GetResult();

    static async Task<IReadOnlyDictionary<string, string>> ReadMetadataAsync(string path)
    {
        await using var stream = OpenChecked(path);
        try
        {
            await using var reader = await ParquetReader.CreateAsync(stream);
            return reader.CustomMetadata;
        }
        catch (Exception e) when (IsCorrupt(e, stream))
        {
            throw new DknInputException($"{path}: not a readable Parquet table ({e.Message})");
        }
        catch (Exception) when (stream.MachineFailure is { } failure)
        {
            throw new IOException($"{path}: {failure.Message}", failure);
        }
    }

    /// <summary>Opens a Parquet file after checking its footer, through a stream that bounds the reading
    /// (<see cref="Facts.Internal.ParquetFooterCheck"/>, <see cref="Facts.Internal.BoundedReadStream"/>).</summary>
    static Facts.Internal.BoundedReadStream OpenChecked(string path)
    {
        var file = new Facts.Internal.BoundedReadStream(File.OpenRead(path), ownsInner: true);
        try
        {
            Facts.Internal.ParquetFooterCheck.Check(file, path, "Parquet table");
            file.Position = 0;
            return file;
        }
        catch
        {
            file.Dispose();
            throw;
        }
    }

    /// <summary>A corrupt file rather than bad input already named or a failure of the machine: Parquet.Net's own
    /// IOExceptions ("only n out of m bytes are available") describe the file, unless the machine refused a read.
    /// </summary>
    static bool IsCorrupt(Exception e, Facts.Internal.BoundedReadStream stream) =>
        e is not (DknInputException or OperationCanceledException or OutOfMemoryException)
        && stream.MachineFailure is null;

    /// <summary>Reads a table written by <see cref="WriteParquet"/> (text, int64 and double columns) with its
    /// metadata.</summary>
    public static (MetricTable Table, IReadOnlyDictionary<string, string> Metadata) ReadParquet(string path) =>
        ReadParquetAsync(path).GetAwaiter().GetResult();

    static async Task<(MetricTable, IReadOnlyDictionary<string, string>)> ReadParquetAsync(string path)
    {
        await using var stream = OpenChecked(path);
        try
        {
            return await ReadParquetAsync(stream, path);
        }
        catch (Exception e) when (IsCorrupt(e, stream))
        {
            throw new DknInputException($"{path}: not a readable Parquet table ({e.Message})");
        }
        catch (Exception) when (stream.MachineFailure is { } failure)
        {
            throw new IOException($"{path}: {failure.Message}", failure);
        }
    }

    static async Task<(MetricTable, IReadOnlyDictionary<string, string>)> ReadParquetAsync(Stream stream, string path)
    {
        await using var reader = await ParquetReader.CreateAsync(stream);
        var fields = reader.Schema.GetDataFields();
        var parts = fields.Select(_ => new List<Array>()).ToArray();
        for (int g = 0; g < reader.RowGroupCount; g++)
        {
            using var group = reader.OpenRowGroupReader(g);
            // Arrays are sized by the row count: a count no file of this length could hold is refused first.
            long rowLimit = Math.Min(64 * stream.Length + 1024, Array.MaxLength);
            if (group.RowCount < 0 || group.RowCount > rowLimit)
                throw new DknInputException(
                    $"{path}: row group {g} claims {group.RowCount} rows, more than a {stream.Length}-byte file holds"
                );
            int rows = (int)group.RowCount;
            for (int i = 0; i < fields.Length; i++)
                parts[i].Add(await ReadColumn(group, fields[i], rows));
        }
        var table = new MetricTable();
        for (int i = 0; i < fields.Length; i++)
        {
            var name = fields[i].Name;
            if (IsText(fields[i]))
                table.AddText(name, parts[i].SelectMany(a => a.Cast<string?>()).Select(s => s ?? "").ToArray());
            else if (fields[i].ClrType == typeof(long))
                table.AddInteger(name, parts[i].SelectMany(a => a.Cast<long>()).ToArray());
            else if (fields[i].ClrType == typeof(double))
                table.AddNumber(name, parts[i].SelectMany(a => a.Cast<double>()).ToArray());
            else
                throw new DknInputException(
                    $"{path}: column '{name}' has type {fields[i].ClrType.Name} (expected string, int64 or double)"
                );
        }
        return (table, reader.CustomMetadata);
    }

    static async Task<Array> ReadColumn(ParquetRowGroupReader group, DataField field, int rows)
    {
        if (IsText(field))
        {
            var s = new string?[rows];
            await group.ReadAsync(field, s.AsMemory(), null);
            return s;
        }
        if (field.ClrType == typeof(long))
        {
            var l = new long[rows];
            await group.ReadAsync<long>(field, l.AsMemory(), null);
            return l;
        }
        if (field.ClrType == typeof(double))
        {
            var d = new double[rows];
            await group.ReadAsync<double>(field, d.AsMemory(), null);
            return d;
        }
        return Array.Empty<object>();
    }

    // Parquet.Net reports string columns as string or ReadOnlyMemory<char> depending on how they were declared.
    static bool IsText(DataField field) =>
        field.ClrType == typeof(string) || field.ClrType == typeof(ReadOnlyMemory<char>);

    static string Quote(string s) => CsvText.Quote(s);

    /// <summary>Adds columns computed from a list of rows.</summary>
    public sealed class RowsBuilder<T>(IReadOnlyList<T> rows)
    {
        readonly MetricTable _table = new();

        /// <summary>Adds a text column of <paramref name="value"/> over the rows.</summary>
        public RowsBuilder<T> Text(string name, Func<T, string> value)
        {
            _table.AddText(name, rows.Select(value).ToArray());
            return this;
        }

        /// <summary>Adds an int64 column of <paramref name="value"/> over the rows.</summary>
        public RowsBuilder<T> Integer(string name, Func<T, long> value)
        {
            _table.AddInteger(name, rows.Select(value).ToArray());
            return this;
        }

        /// <summary>Adds a double column of <paramref name="value"/> over the rows.</summary>
        public RowsBuilder<T> Number(string name, Func<T, double> value)
        {
            _table.AddNumber(name, rows.Select(value).ToArray());
            return this;
        }

        /// <summary>The table built so far.</summary>
        public MetricTable Build() => _table;
    }
}
