using Microsoft.Data.Analysis;
using MlNetDkn.Facts.Internal;
using Parquet;
using Parquet.Serialization;

namespace MlNetDkn.Facts;

/// <summary>
/// An ordered, validated list of <see cref="FactRecord"/> rows with its Parquet and DataFrame forms.
/// Construction validates the contract in datasets/README.md, so a FactDataset in hand is always usable.
/// </summary>
public sealed class FactDataset
{
    /// <summary>Parquet key/value metadata written with every file.</summary>
    public const string SchemaMetadataKey = "mlnetdkn.schema";

    /// <summary>Value of <see cref="SchemaMetadataKey"/>: the version of the fact schema the file follows.</summary>
    public const string SchemaVersion = "facts/1";

    /// <summary>Parquet metadata key holding <see cref="ContentHash"/> of the written rows.</summary>
    public const string HashMetadataKey = "mlnetdkn.content_sha256";

    readonly List<FactRecord> _records;
    string? _contentHash;

    /// <param name="sourceLabel">Names the origin in error messages (a file name, "DataFrame", ...).</param>
    public FactDataset(IEnumerable<FactRecord> records, string sourceLabel = "facts")
    {
        _records = records.ToList();
        foreach (var r in _records)
            FactRecordAccess.NormalizeNullLists(r);
        FactRecordValidator.Validate(_records, sourceLabel);
    }

    /// <summary>The rows in order. Treat them as read-only: the content hash is computed once.</summary>
    public IReadOnlyList<FactRecord> Records => _records;

    /// <summary>Number of facts.</summary>
    public int Count => _records.Count;

    /// <summary>A copy of the rows, for callers that want a List.</summary>
    public List<FactRecord> ToList() => [.. _records];

    /// <summary>Lowercase hex SHA-256 of a canonical serialization of every column of every row, in order;
    /// equal for equal content whatever the file encoding. Use it as a cache key.</summary>
    public string ContentHash() => _contentHash ??= FactContentHasher.Hash(_records);

    /// <summary>The distinct relation ids, in order of first appearance.</summary>
    public IEnumerable<string> Relations => _records.Select(r => r.RelationId).Distinct(StringComparer.Ordinal);

    /// <summary>
    /// Reads a Parquet fact dataset (synchronously; see <see cref="ReadAsync(string, CancellationToken)"/>).
    /// </summary>
    /// <exception cref="DknInputException">The file is missing, not a fact dataset, or holds invalid rows.</exception>
    public static FactDataset Read(string path) => ReadAsync(path).GetAwaiter().GetResult();

    /// <summary>Reads and validates a Parquet fact dataset, whatever tool wrote it.</summary>
    /// <exception cref="DknInputException">The file is missing, not a fact dataset, or holds invalid rows.</exception>
    public static async Task<FactDataset> ReadAsync(string path, CancellationToken cancellationToken = default)
    {
        if (!File.Exists(path))
            throw new DknInputException($"{path}: file not found (expected a fact dataset in Parquet)");
        await using var stream = File.OpenRead(path);
        return await ReadAsync(stream, path, cancellationToken);
    }

    /// <summary>Reads a seekable Parquet stream; <paramref name="label"/> names it in error messages.</summary>
    public static async Task<FactDataset> ReadAsync(
        Stream stream,
        string label,
        CancellationToken cancellationToken = default
    )
    {
        List<FactRecord> records;
        // Parquet.Net can loop without end on a corrupt footer or page chain: the footer is walked first, and every
        // read goes through a stream that fails at the end of the file and past a read budget.
        var bounded = new BoundedReadStream(stream);
        try
        {
            ParquetFooterCheck.Check(bounded, label);
            bounded.Position = 0;
            var schema = await ParquetReader.ReadSchemaAsync(bounded);
            FactSchemaCheck.Validate(schema, label);
            bounded.Position = 0;
            // Read untyped: the ecosystem's writers (pyarrow, Spark) mark columns required, which the typed reader
            // (built for nullable strings) refuses; the dictionaries map to records the same way for both.
            var result = await ParquetSerializer.DeserializeUntypedAsync(bounded, cancellationToken: cancellationToken);
            records = result.Data.Select(FromRow).ToList();
        }
        catch (DknInputException)
        {
            throw;
        }
        // A read the machine refused is an input/output failure (exit 3), whatever Parquet.Net made of it.
        catch (Exception) when (bounded.MachineFailure is { } failure)
        {
            throw new IOException($"{label}: {failure.Message}", failure);
        }
        // A corrupt file makes the Parquet reader fail in many ways (index and argument errors from its Thrift
        // footer among them): all of them are a file that is not a fact dataset.
        catch (Exception e) when (e is not (OperationCanceledException or OutOfMemoryException))
        {
            throw new DknInputException($"{label}: not a readable Parquet fact dataset ({e.Message})");
        }
        return new FactDataset(records, label);
    }

    static FactRecord FromRow(Dictionary<string, object> row)
    {
        var record = new FactRecord();
        foreach (var column in FactColumns.All)
        {
            row.TryGetValue(column, out object? value);
            if (FactColumns.IsList(column))
                Internal.FactRecordAccess.SetList(
                    record,
                    column,
                    value is System.Collections.IEnumerable items and not string
                        ? items.Cast<object?>().Where(i => i is not null).Select(i => i!.ToString()!).ToList()
                        : []
                );
            else
                Internal.FactRecordAccess.SetString(record, column, value?.ToString());
        }
        return record;
    }

    /// <summary>
    /// Writes the dataset as Parquet, creating the folder if needed (synchronously); the same rows give the same bytes.
    /// </summary>
    public void Write(string path) => WriteAsync(path).GetAwaiter().GetResult();

    /// <summary>
    /// Writes the dataset as Parquet, creating the folder if needed; the same rows give the same bytes.
    /// </summary>
    public async Task WriteAsync(string path, CancellationToken cancellationToken = default)
    {
        var folder = Path.GetDirectoryName(Path.GetFullPath(path));
        if (folder != null)
            Directory.CreateDirectory(folder);
        await using var stream = File.Create(path);
        await WriteAsync(stream, cancellationToken);
    }

    /// <summary>Writes Parquet; the same rows always give the same bytes.</summary>
    public async Task WriteAsync(Stream stream, CancellationToken cancellationToken = default)
    {
        var metadata = new Dictionary<string, string>
        {
            [SchemaMetadataKey] = SchemaVersion,
            [HashMetadataKey] = ContentHash(),
        };
        await ParquetSerializer.SerializeAsync(
            _records,
            stream,
            customMetadata: metadata,
            cancellationToken: cancellationToken
        );
    }

    /// <summary>One DataFrame column per schema column: strings as StringDataFrameColumn, lists as
    /// VBufferDataFrameColumn&lt;ReadOnlyMemory&lt;char&gt;&gt;.</summary>
    public DataFrame ToDataFrame() => FactDataFrameConverter.ToDataFrame(_records);

    /// <summary>The inverse of <see cref="ToDataFrame"/>; rejects missing or mistyped columns and invalid
    /// rows.</summary>
    public static FactDataset FromDataFrame(DataFrame frame) =>
        new(FactDataFrameConverter.FromDataFrame(frame), "DataFrame");
}
