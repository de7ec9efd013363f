using Microsoft.ML;
using Microsoft.ML.Data;

namespace MlNetDkn.ML.Internal;

/// <summary>An input column a stage reads, with the type it accepts and how to say what was expected.</summary>
internal sealed record RequiredColumn(
    string Name,
    string Stage,
    string Expected,
    Func<DataViewType, bool> AcceptsType,
    SchemaShape.Column.VectorKind? Kind
)
{
    public RequiredColumn(string name, bool isVector, string stage)
        : this(
            name,
            stage,
            isVector ? "a vector of text" : "text",
            t => isVector ? t is VectorDataViewType { ItemType: TextDataViewType } : t is TextDataViewType,
            isVector ? null : SchemaShape.Column.VectorKind.Scalar
        ) { }

    /// <summary>A variable-length vector of keys (layers, neuron indices).</summary>
    public static RequiredColumn KeyVector(string name, string stage) =>
        new(name, stage, "a vector of keys", t => t is VectorDataViewType { ItemType: KeyDataViewType }, null);

    /// <summary>A vector of Single.</summary>
    public static RequiredColumn SingleVector(string name, string stage) =>
        new(
            name,
            stage,
            "a vector of Single",
            t => t is VectorDataViewType { ItemType: NumberDataViewType n } && n.RawType == typeof(float),
            null
        );

    public bool Accepts(DataViewSchema.Column column) => AcceptsType(column.Type);

    public void Check(DataViewSchema schema)
    {
        var column = schema.GetColumnOrNull(Name)
            ?? throw new DknInputException($"{Stage}: input column '{Name}' not found (expected {Expected})");
        if (!Accepts(column))
            throw new DknInputException($"{Stage}: input column '{Name}' has type {column.Type} (expected {Expected})");
    }

    public void Check(SchemaShape shape)
    {
        var found = shape.LastOrDefault(c => c.Name == Name);
        if (found.Name is null)
            throw new DknInputException($"{Stage}: input column '{Name}' not found (expected {Expected})");
        var itemType = found.IsKey ? new KeyDataViewType(typeof(uint), 1) : found.ItemType;
        var type =
            found.Kind == SchemaShape.Column.VectorKind.Scalar
                ? itemType
                : new VectorDataViewType((PrimitiveDataViewType)itemType);
        if (!AcceptsType(type) || (Kind is { } k && found.Kind != k))
            throw new DknInputException(
                $"{Stage}: input column '{Name}' has shape {found.Kind} of {found.ItemType} (expected {Expected})"
            );
    }
}

/// <summary>Typed readers of text, text-vector and key-vector columns of the current row.</summary>
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

    /// <summary>Keys as 0-based values (ML.NET stores key k as k + 1; a missing key, 0, is an error).</summary>
    public static Func<int[]> Keys(DataViewRow row, string name)
    {
        var getter = row.GetGetter<VBuffer<uint>>(row.Schema[name]);
        VBuffer<uint> buffer = default;
        return () =>
        {
            getter(ref buffer);
            return buffer
                .DenseValues()
                .Select(k =>
                    k == 0 ? throw new DknInputException($"column '{name}' holds a missing key (0)") : (int)k - 1
                )
                .ToArray();
        };
    }

    public static Func<float[]> Singles(DataViewRow row, string name)
    {
        var getter = row.GetGetter<VBuffer<float>>(row.Schema[name]);
        VBuffer<float> buffer = default;
        return () =>
        {
            getter(ref buffer);
            return buffer.DenseValues().ToArray();
        };
    }
}
