using System.Buffers.Binary;

namespace MlNetDkn.Facts.Internal;

/// <summary>
/// Walks a Parquet file's footer (the Thrift compact FileMetaData) the way Parquet.Net 6.1 will read it, before it
/// does, and refuses a footer that reader could not finish on in bounded time and memory. Parquet.Net's Thrift reader
/// takes the end of its input for endless 0xFF bytes (so a varint running off the end never stops), trusts list
/// sizes (allocating and looping by them), reads a field by its id whatever wire type the file gives it, and skips an
/// unknown struct by its field headers alone. Here every field that reader knows must carry the wire type it will be
/// read as; every varint must end within 5 (or 10) bytes and inside the footer; every length and list size must fit
/// the bytes left; structures nest at most <see cref="MaxDepth"/> deep; and the column chunks must lie between the
/// file's leading magic and its footer.
/// </summary>
internal static class ParquetFooterCheck
{
    const int MaxDepth = 64;

    /// <summary>Checks the file in <paramref name="stream"/> (seekable; left at an undefined position).</summary>
    /// <param name="stream">The file.</param>
    /// <param name="label">Names the file in the message.</param>
    /// <param name="what">What the file should be, for the message ("not a readable ...").</param>
    /// <exception cref="DknInputException">The footer is not one Parquet.Net can read safely.</exception>
    public static void Check(Stream stream, string label, string what = "Parquet fact dataset")
    {
        label = $"{label}: not a readable {what}";
        long length = stream.Length;
        if (length < 12)
            throw Bad(label, $"{length} bytes, too short for a Parquet file");
        Span<byte> head = stackalloc byte[4];
        Span<byte> tail = stackalloc byte[8];
        stream.Position = 0;
        stream.ReadExactly(head);
        stream.Position = length - 8;
        stream.ReadExactly(tail);
        if (!head.SequenceEqual("PAR1"u8) || !tail[4..].SequenceEqual("PAR1"u8))
            throw Bad(label, "no PAR1 magic at its start and end");
        int footerLength = BinaryPrimitives.ReadInt32LittleEndian(tail);
        if (footerLength <= 0 || footerLength > length - 12)
            throw Bad(label, $"footer length {footerLength} does not fit a file of {length} bytes");
        var footer = new byte[footerLength];
        stream.Position = length - 8 - footerLength;
        stream.ReadExactly(footer);
        new Walker(footer, label, length - 8 - footerLength).Struct("FileMetaData", 0);
    }

    /// <summary>The refusal: the label already says which file and what it should be.</summary>
    static DknInputException Bad(string label, string detail) => new($"{label} (footer: {detail})");

    /// <summary>The fields Parquet.Net 6.1 reads by id, per Thrift struct (from its generated Parquet.cs): id, then
    /// i8, i16, i32, i64, double, binary (strings too), bool, list&lt;element&gt; or a struct's name.</summary>
    static readonly Dictionary<string, string> Schema = new(StringComparer.Ordinal)
    {
        ["SizeStatistics"] = "1:i64 2:list<i64> 3:list<i64>",
        ["BoundingBox"] = "1:double 2:double 3:double 4:double 5:double 6:double 7:double 8:double",
        ["GeospatialStatistics"] = "1:BoundingBox 2:list<i32>",
        ["Statistics"] = "1:binary 2:binary 3:i64 4:i64 5:binary 6:binary 7:bool 8:bool",
        ["StringType"] = "",
        ["UUIDType"] = "",
        ["MapType"] = "",
        ["ListType"] = "",
        ["EnumType"] = "",
        ["DateType"] = "",
        ["Float16Type"] = "",
        ["NullType"] = "",
        ["DecimalType"] = "1:i32 2:i32",
        ["MilliSeconds"] = "",
        ["MicroSeconds"] = "",
        ["NanoSeconds"] = "",
        ["TimeUnit"] = "1:MilliSeconds 2:MicroSeconds 3:NanoSeconds",
        ["TimestampType"] = "1:bool 2:TimeUnit",
        ["TimeType"] = "1:bool 2:TimeUnit",
        ["IntType"] = "1:i8 2:bool",
        ["JsonType"] = "",
        ["BsonType"] = "",
        ["VariantType"] = "1:i8",
        ["GeometryType"] = "1:binary",
        ["GeographyType"] = "1:binary 2:i32",
        ["LogicalType"] =
            "1:StringType 2:MapType 3:ListType 4:EnumType 5:DecimalType 6:DateType 7:TimeType "
            + "8:TimestampType 10:IntType 11:NullType 12:JsonType 13:BsonType 14:UUIDType "
            + "15:Float16Type 16:VariantType 17:GeometryType 18:GeographyType",
        ["SchemaElement"] = "1:i32 2:i32 3:i32 4:binary 5:i32 6:i32 7:i32 8:i32 9:i32 10:LogicalType",
        ["DataPageHeader"] = "1:i32 2:i32 3:i32 4:i32 5:Statistics",
        ["IndexPageHeader"] = "",
        ["DictionaryPageHeader"] = "1:i32 2:i32 3:bool",
        ["DataPageHeaderV2"] = "1:i32 2:i32 3:i32 4:i32 5:i32 6:i32 7:bool 8:Statistics",
        ["SplitBlockAlgorithm"] = "",
        ["BloomFilterAlgorithm"] = "1:SplitBlockAlgorithm",
        ["XxHash"] = "",
        ["BloomFilterHash"] = "1:XxHash",
        ["Uncompressed"] = "",
        ["BloomFilterCompression"] = "1:Uncompressed",
        ["BloomFilterHeader"] = "1:i32 2:BloomFilterAlgorithm 3:BloomFilterHash 4:BloomFilterCompression",
        ["PageHeader"] =
            "1:i32 2:i32 3:i32 4:i32 5:DataPageHeader 6:IndexPageHeader " + "7:DictionaryPageHeader 8:DataPageHeaderV2",
        ["KeyValue"] = "1:binary 2:binary",
        ["SortingColumn"] = "1:i32 2:bool 3:bool",
        ["PageEncodingStats"] = "1:i32 2:i32 3:i32",
        ["ColumnMetaData"] =
            "1:i32 2:list<i32> 3:list<binary> 4:i32 5:i64 6:i64 7:i64 8:list<KeyValue> 9:i64 "
            + "10:i64 11:i64 12:Statistics 13:list<PageEncodingStats> 14:i64 15:i32 "
            + "16:SizeStatistics 17:GeospatialStatistics",
        ["EncryptionWithFooterKey"] = "",
        ["EncryptionWithColumnKey"] = "1:list<binary> 2:binary",
        ["ColumnCryptoMetaData"] = "1:EncryptionWithFooterKey 2:EncryptionWithColumnKey",
        ["ColumnChunk"] = "1:binary 2:i64 3:ColumnMetaData 4:i64 5:i32 6:i64 7:i32 8:ColumnCryptoMetaData 9:binary",
        ["RowGroup"] = "1:list<ColumnChunk> 2:i64 3:i64 4:list<SortingColumn> 5:i64 6:i64 7:i16",
        ["TypeDefinedOrder"] = "",
        ["ColumnOrder"] = "1:TypeDefinedOrder",
        ["PageLocation"] = "1:i64 2:i32 3:i64",
        ["OffsetIndex"] = "1:list<PageLocation> 2:list<i64>",
        ["ColumnIndex"] = "1:list<bool> 2:list<binary> 3:list<binary> 4:i32 5:list<i64> 6:list<i64> 7:list<i64>",
        ["AesGcmV1"] = "1:binary 2:binary 3:bool",
        ["AesGcmCtrV1"] = "1:binary 2:binary 3:bool",
        ["EncryptionAlgorithm"] = "1:AesGcmV1 2:AesGcmCtrV1",
        ["FileMetaData"] =
            "1:i32 2:list<SchemaElement> 3:i64 4:list<RowGroup> 5:list<KeyValue> 6:binary "
            + "7:list<ColumnOrder> 8:EncryptionAlgorithm 9:binary",
        ["FileCryptoMetaData"] = "1:EncryptionAlgorithm 2:binary",
    };

    static readonly Dictionary<string, Dictionary<short, string>> Fields = Schema.ToDictionary(
        s => s.Key,
        s =>
            s.Value.Split(' ', StringSplitOptions.RemoveEmptyEntries)
                .Select(f => f.Split(':'))
                .ToDictionary(f => short.Parse(f[0], System.Globalization.CultureInfo.InvariantCulture), f => f[1]),
        StringComparer.Ordinal
    );

    /// <summary>The compact-protocol wire type a field of this kind carries; bool is 1 or 2.</summary>
    static int WireType(string kind) =>
        kind switch
        {
            "bool" => 1,
            "i8" => 3,
            "i16" => 4,
            "i32" => 5,
            "i64" => 6,
            "double" => 7,
            "binary" => 8,
            _ when kind.StartsWith("list<", StringComparison.Ordinal) => 9,
            _ => 12,
        };

    static bool Matches(string kind, int wireType) =>
        WireType(kind) == wireType || (wireType == 2 && WireType(kind) == 1);

    sealed class Walker(byte[] bytes, string label, long footerStart)
    {
        int _at;

        int Left => bytes.Length - _at;

        byte Next(string where)
        {
            if (_at >= bytes.Length)
                throw Bad(label, $"ends inside {where}");
            return bytes[_at++];
        }

        ulong Varint(string where, int maxBytes)
        {
            ulong value = 0;
            for (int i = 0; i < maxBytes; i++)
            {
                byte b = Next(where);
                value |= (ulong)(b & 0x7f) << (7 * i);
                if ((b & 0x80) == 0)
                    return value;
            }
            throw Bad(label, $"a varint longer than {maxBytes} bytes in {where}");
        }

        /// <summary>A length or list size: at most the bytes left (every element takes one or more).</summary>
        int Size(ulong size, string where)
        {
            if (size > (ulong)Left)
                throw Bad(label, $"{where} claims {size} bytes or elements with {Left} bytes left");
            return (int)size;
        }

        void Skip(int count, string where) => _at += Size((ulong)count, where);

        short FieldId(int header, short last, string where) =>
            (header >> 4) == 0 ? (short)Zigzag((uint)Varint(where, 5)) : (short)(last + (header >> 4));

        static int Zigzag(uint n) => (int)(n >> 1) ^ -(int)(n & 1);

        (int Count, int ElementType) ListHeader(string where)
        {
            byte header = Next(where);
            ulong count = (ulong)(header >> 4);
            if (count == 15)
                count = Varint(where, 5);
            return (Size(count, where), header & 0x0f);
        }

        public void Struct(string name, int depth)
        {
            if (depth > MaxDepth)
                throw Bad(label, $"structures nested deeper than {MaxDepth} at {name}");
            var fields = Fields[name];
            short last = 0;
            var offsets = name == "ColumnMetaData" ? new Dictionary<short, long>() : null;
            while (true)
            {
                byte header = Next(name);
                if (header == 0)
                    break;
                short id = FieldId(header, last, name);
                last = id;
                string where = $"{name} field {id}";
                if (!fields.TryGetValue(id, out var kind))
                {
                    SkipUnknown(header & 0x0f, where, depth);
                    continue;
                }
                if (!Matches(kind, header & 0x0f))
                    throw Bad(label, $"{where} has wire type {header & 0x0f} where a reader expects {kind}");
                long? value = Value(kind, where, depth);
                if (offsets != null && value.HasValue)
                    offsets[id] = value.Value;
            }
            if (offsets != null)
                CheckChunk(offsets);
        }

        /// <summary>Reads one value of a known kind; returns integers (for the column chunk checks).</summary>
        long? Value(string kind, string where, int depth)
        {
            switch (kind)
            {
                case "bool":
                    return null;
                case "i8":
                    return (sbyte)Next(where);
                case "i16":
                case "i32":
                    return Zigzag((uint)Varint(where, 5));
                case "i64":
                    ulong n = Varint(where, 10);
                    return (long)(n >> 1) ^ -(long)(n & 1);
                case "double":
                    Skip(8, where);
                    return null;
                case "binary":
                    Skip(Size(Varint(where, 5), where), where);
                    return null;
            }
            if (kind.StartsWith("list<", StringComparison.Ordinal))
            {
                string element = kind[5..^1];
                var (count, elementType) = ListHeader(where);
                if (!Matches(element, elementType))
                    throw Bad(label, $"{where} lists wire type {elementType} where a reader expects {element}");
                for (int i = 0; i < count; i++)
                    if (element == "bool")
                        Next(where);
                    else
                        Value(element, where, depth + 1);
                return null;
            }
            Struct(kind, depth + 1);
            return null;
        }

        /// <summary>Parquet.Net's SkipField: a struct is skipped by its field headers alone (values unread), a list
        /// of booleans by nothing per element; sets, maps and unknown types are refused there too.</summary>
        void SkipUnknown(int wireType, string where, int depth)
        {
            if (depth > MaxDepth)
                throw Bad(label, $"structures nested deeper than {MaxDepth} at {where}");
            switch (wireType)
            {
                case 1:
                case 2:
                    return;
                case 3:
                    Skip(1, where);
                    return;
                case 4:
                case 5:
                    Varint(where, 5);
                    return;
                case 6:
                    Varint(where, 10);
                    return;
                case 7:
                    Skip(8, where);
                    return;
                case 8:
                    Skip(Size(Varint(where, 5), where), where);
                    return;
                case 9:
                    var (count, elementType) = ListHeader(where);
                    for (int i = 0; i < count; i++)
                        SkipUnknown(elementType, where, depth + 1);
                    return;
                case 12:
                    short last = 0;
                    for (byte header = Next(where); header != 0; header = Next(where))
                        last = FieldId(header, last, where);
                    return;
                default:
                    throw Bad(label, $"{where} has wire type {wireType}, which Parquet readers cannot skip");
            }
        }

        /// <summary>A column chunk's pages (from its first page offset, total_compressed_size long) must lie between
        /// the leading magic and the footer, and its value count must not be negative.</summary>
        void CheckChunk(Dictionary<short, long> fields)
        {
            long first = new[] { 9, 10, 11 }
                .Select(id => fields.GetValueOrDefault((short)id))
                .Where(offset => offset != 0)
                .DefaultIfEmpty(0)
                .Min();
            long size = fields.GetValueOrDefault((short)7);
            long values = fields.GetValueOrDefault((short)5);
            if (first < 4 || size < 0 || size > footerStart - first || values < 0)
                throw Bad(
                    label,
                    $"a column chunk at offset {first} of {size} bytes with {values} values "
                        + $"does not lie between the magic and the footer at {footerStart}"
                );
        }
    }
}
