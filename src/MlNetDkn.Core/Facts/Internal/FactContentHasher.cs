using System.Security.Cryptography;
using System.Text;

namespace MlNetDkn.Facts.Internal;

/// <summary>
/// SHA-256 over a canonical serialization of the rows, independent of Parquet encoding: for each row, each column
/// in <see cref="FactColumns.All"/> order as a tag byte (0 null, 1 string, 2 list) then length-prefixed UTF-8.
/// Row order matters: the same facts in another order are another dataset (ids and splits index by position).
/// </summary>
internal static class FactContentHasher
{
    public static string Hash(IReadOnlyList<FactRecord> records)
    {
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var lengthBytes = new byte[4];
        void WriteLength(int n)
        {
            System.Buffers.Binary.BinaryPrimitives.WriteInt32LittleEndian(lengthBytes, n);
            sha.AppendData(lengthBytes);
        }
        void WriteString(string s)
        {
            var bytes = Encoding.UTF8.GetBytes(s);
            WriteLength(bytes.Length);
            sha.AppendData(bytes);
        }

        WriteLength(records.Count);
        foreach (var record in records)
        foreach (var column in FactColumns.All)
        {
            if (FactColumns.IsList(column))
            {
                var items = FactRecordAccess.GetList(record, column);
                sha.AppendData([2]);
                WriteLength(items.Count);
                foreach (var item in items)
                    WriteString(item);
            }
            else if (FactRecordAccess.GetString(record, column) is { } value)
            {
                sha.AppendData([1]);
                WriteString(value);
            }
            else
                sha.AppendData([0]);
        }
        return Convert.ToHexStringLower(sha.GetHashAndReset());
    }
}
