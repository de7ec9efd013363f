using Microsoft.ML;
using Microsoft.ML.Data;

namespace MlNetDkn.ML.Internal;

/// <summary>
/// One column a stage adds: its name, ML.NET type, and how to read its value from the stage's per-row result.
/// </summary>
internal abstract class OutputColumn<TResult>(string name, DataViewType type)
{
    public string Name { get; } = name;
    public DataViewType Type { get; } = type;

    /// <summary>A getter that reads the value from whatever result <paramref name="current"/> yields for the row.</summary>
    public abstract Delegate MakeGetter(Func<TResult> current);

    /// <summary>The column as an estimator's output shape.</summary>
    public abstract SchemaShape.Column Shape();
}

/// <summary>Factories for the column kinds the stages use (scalars, text, vectors).</summary>
internal static class OutputColumns
{
    public static OutputColumn<R> Scalar<R, T>(string name, PrimitiveDataViewType type, Func<R, T> value) =>
        new ScalarColumn<R, T>(name, type, value);

    public static OutputColumn<R> Text<R>(string name, Func<R, string> value) =>
        new ScalarColumn<R, ReadOnlyMemory<char>>(name, TextDataViewType.Instance, r => value(r).AsMemory());

    public static OutputColumn<R> Vector<R, T>(string name, PrimitiveDataViewType itemType, Func<R, T[]> value) =>
        new VectorColumn<R, T>(name, itemType, value);

    public static OutputColumn<R> TextVector<R>(string name, Func<R, string[]> value) =>
        new VectorColumn<R, ReadOnlyMemory<char>>(name, TextDataViewType.Instance, r => Array.ConvertAll(value(r), s => s.AsMemory()));

    sealed class ScalarColumn<R, T>(string name, PrimitiveDataViewType type, Func<R, T> value) : OutputColumn<R>(name, type)
    {
        public override Delegate MakeGetter(Func<R> current) => (ValueGetter<T>)((ref T dst) => dst = value(current()));
        public override SchemaShape.Column Shape() => SchemaShapes.Of<T>(Name);
    }

    /// <summary>Variable-length vectors: sizes differ per fact. Values are copied into the caller's buffer, which
    /// ML.NET consumers may reuse and edit, so cached results are never handed out by reference.</summary>
    sealed class VectorColumn<R, T>(string name, PrimitiveDataViewType itemType, Func<R, T[]> value)
        : OutputColumn<R>(name, new VectorDataViewType(itemType))
    {
        public override SchemaShape.Column Shape() => SchemaShapes.Of<VBuffer<T>>(Name);

        public override Delegate MakeGetter(Func<R> current) => (ValueGetter<VBuffer<T>>)((ref VBuffer<T> dst) =>
        {
            var values = value(current());
            var editor = VBufferEditor.Create(ref dst, values.Length);
            values.CopyTo(editor.Values);
            dst = editor.Commit();
        });
    }
}
