using Microsoft.ML;
using Microsoft.ML.Data;

namespace MlNetDkn.ML.Internal;

/// <summary>
/// One column a stage adds: its name, ML.NET type (with annotations such as slot names), and how to read its value
/// from the stage's per-row result.
/// </summary>
internal abstract class OutputColumn<TResult>(string name, DataViewType type)
{
    public string Name { get; } = name;
    public DataViewType Type { get; } = type;
    public virtual DataViewSchema.Annotations? Annotations => null;

    /// <summary>A getter that reads the value from whatever result <paramref name="current"/> yields for the
    /// row.</summary>
    public abstract Delegate MakeGetter(Func<TResult> current);

    /// <summary>The column as an estimator's output shape.</summary>
    public SchemaShape.Column Shape() => SchemaShapes.Of(Name, Type, Annotations);
}

/// <summary>Factories for the column kinds the stages use (scalars, text, vectors, key vectors).</summary>
internal static class OutputColumns
{
    public static OutputColumn<R> Scalar<R, T>(string name, PrimitiveDataViewType type, Func<R, T> value) =>
        new ScalarColumn<R, T>(name, type, value);

    public static OutputColumn<R> Single<R>(string name, Func<R, double> value) =>
        new ScalarColumn<R, float>(name, NumberDataViewType.Single, r => (float)value(r));

    public static OutputColumn<R> Boolean<R>(string name, Func<R, bool> value) =>
        new ScalarColumn<R, bool>(name, BooleanDataViewType.Instance, value);

    public static OutputColumn<R> Text<R>(string name, Func<R, string> value) =>
        new ScalarColumn<R, ReadOnlyMemory<char>>(name, TextDataViewType.Instance, r => value(r).AsMemory());

    /// <summary>A variable-length vector (sizes differ per fact).</summary>
    public static OutputColumn<R> Vector<R, T>(string name, PrimitiveDataViewType itemType, Func<R, T[]> value) =>
        new VectorColumn<R, T>(name, new VectorDataViewType(itemType), value);

    public static OutputColumn<R> SingleVector<R>(string name, Func<R, double[]> value) =>
        new VectorColumn<R, float>(name, new VectorDataViewType(NumberDataViewType.Single), r =>
            Array.ConvertAll(value(r), v => (float)v)
        );

    public static OutputColumn<R> TextVector<R>(string name, Func<R, string[]> value) =>
        new VectorColumn<R, ReadOnlyMemory<char>>(name, new VectorDataViewType(TextDataViewType.Instance), r =>
            Array.ConvertAll(value(r), s => s.AsMemory())
        );

    /// <summary>A variable-length vector of keys in [0, count): ML.NET stores key k as k + 1 (0 means
    /// missing).</summary>
    public static OutputColumn<R> KeyVector<R>(string name, int count, Func<R, int[]> value) =>
        new VectorColumn<R, uint>(name, new VectorDataViewType(new KeyDataViewType(typeof(uint), count)), r =>
            Array.ConvertAll(value(r), k => (uint)k + 1)
        );

    /// <summary>A column of a structured type whose value is an immutable typed result, handed out by
    /// reference.</summary>
    public static OutputColumn<R> Record<R, T>(string name, StructuredDataViewType type, Func<R, T> value) =>
        new RecordColumn<R, T>(name, type, value);

    /// <summary>A fixed-size Single vector with slot names, filled sparsely (unset slots are 0):
    /// trainer-ready.</summary>
    public static OutputColumn<R> SparseSlots<R>(
        string name,
        IReadOnlyList<string> slotNames,
        Func<R, (int[] Indices, float[] Values)> value
    ) => new SlotColumn<R>(name, slotNames, value);

    sealed class ScalarColumn<R, T>(string name, PrimitiveDataViewType type, Func<R, T> value)
        : OutputColumn<R>(name, type)
    {
        public override Delegate MakeGetter(Func<R> current) => (ValueGetter<T>)((ref T dst) => dst = value(current()));
    }

    sealed class RecordColumn<R, T>(string name, StructuredDataViewType type, Func<R, T> value)
        : OutputColumn<R>(name, type)
    {
        public override Delegate MakeGetter(Func<R> current) => (ValueGetter<T>)((ref T dst) => dst = value(current()));
    }

    /// <summary>Values are copied into the caller's buffer, which ML.NET consumers may reuse and edit, so cached
    /// results are never handed out by reference.</summary>
    sealed class VectorColumn<R, T>(string name, VectorDataViewType type, Func<R, T[]> value)
        : OutputColumn<R>(name, type)
    {
        public override Delegate MakeGetter(Func<R> current) =>
            (ValueGetter<VBuffer<T>>)(
                (ref VBuffer<T> dst) =>
                {
                    var values = value(current());
                    var editor = VBufferEditor.Create(ref dst, values.Length);
                    values.CopyTo(editor.Values);
                    dst = editor.Commit();
                }
            );
    }

    sealed class SlotColumn<R>(string name, IReadOnlyList<string> slots, Func<R, (int[] Indices, float[] Values)> value)
        : OutputColumn<R>(name, new VectorDataViewType(NumberDataViewType.Single, slots.Count))
    {
        readonly DataViewSchema.Annotations _annotations = SlotNames(slots);

        public override DataViewSchema.Annotations? Annotations => _annotations;

        public override Delegate MakeGetter(Func<R> current) =>
            (ValueGetter<VBuffer<float>>)(
                (ref VBuffer<float> dst) =>
                {
                    var (indices, values) = value(current());
                    var editor = VBufferEditor.Create(
                        ref dst,
                        slots.Count,
                        values.Length,
                        requireIndicesOnDense: false
                    );
                    values.CopyTo(editor.Values);
                    if (values.Length < slots.Count)
                        indices.CopyTo(editor.Indices);
                    dst = editor.Commit();
                }
            );

        static DataViewSchema.Annotations SlotNames(IReadOnlyList<string> slots)
        {
            var builder = new DataViewSchema.Annotations.Builder();
            builder.Add(
                "SlotNames",
                new VectorDataViewType(TextDataViewType.Instance, slots.Count),
                (ref VBuffer<ReadOnlyMemory<char>> names) =>
                {
                    var editor = VBufferEditor.Create(ref names, slots.Count);
                    for (int i = 0; i < slots.Count; i++)
                        editor.Values[i] = slots[i].AsMemory();
                    names = editor.Commit();
                }
            );
            return builder.ToAnnotations();
        }
    }
}
