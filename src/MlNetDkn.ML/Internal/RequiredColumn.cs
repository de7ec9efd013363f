using Microsoft.ML;
using Microsoft.ML.Data;

namespace MlNetDkn.ML.Internal;

/// <summary>An input column a stage reads: a text scalar or a text vector (fixed or variable length).</summary>
internal sealed record RequiredColumn(string Name, bool IsVector, string Stage)
{
    string Expected => IsVector ? "a vector of text" : "text";

    public void Check(DataViewSchema schema)
    {
        var column = schema.GetColumnOrNull(Name)
            ?? throw new DknInputException($"{Stage}: input column '{Name}' not found (expected {Expected})");
        bool ok = IsVector
            ? column.Type is VectorDataViewType v && v.ItemType is TextDataViewType
            : column.Type is TextDataViewType;
        if (!ok) throw new DknInputException($"{Stage}: input column '{Name}' has type {column.Type} (expected {Expected})");
    }

    public void Check(SchemaShape shape)
    {
        var found = shape.LastOrDefault(c => c.Name == Name);
        if (found.Name is null)
            throw new DknInputException($"{Stage}: input column '{Name}' not found (expected {Expected})");
        var column = found;
        bool ok = column.ItemType is TextDataViewType && !column.IsKey &&
                  (IsVector ? column.Kind != SchemaShape.Column.VectorKind.Scalar : column.Kind == SchemaShape.Column.VectorKind.Scalar);
        if (!ok) throw new DknInputException($"{Stage}: input column '{Name}' has shape {column.Kind} of {column.ItemType} (expected {Expected})");
    }
}

/// <summary>Typed readers of text and text-vector columns of the current row.</summary>
internal static class RowText
{
    public static Func<string> Scalar(DataViewRow row, string name)
    {
        var getter = row.GetGetter<ReadOnlyMemory<char>>(row.Schema[name]);
        return () =>
        {
            ReadOnlyMemory<char> value = default;
            getter(ref value);
            return value.ToString();
        };
    }

    public static Func<string[]> Vector(DataViewRow row, string name)
    {
        var getter = row.GetGetter<VBuffer<ReadOnlyMemory<char>>>(row.Schema[name]);
        VBuffer<ReadOnlyMemory<char>> buffer = default;
        return () =>
        {
            getter(ref buffer);
            return buffer.DenseValues().Select(m => m.ToString()).ToArray();
        };
    }
}
