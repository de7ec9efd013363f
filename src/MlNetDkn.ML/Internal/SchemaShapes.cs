using Microsoft.ML;
using Microsoft.ML.Data;

namespace MlNetDkn.ML.Internal;

/// <summary>
/// Output schema shapes for GetOutputSchema. SchemaShape.Column has no public constructor (nor SchemaShape.Create),
/// so the shape of each added column is borrowed from a CustomMapping estimator whose single output has the same
/// name and CLR type.
/// </summary>
internal static class SchemaShapes
{
    static readonly MLContext Context = new(seed: 0);
    static readonly SchemaShape Empty = new([]);

    public static SchemaShape WithAdded<R>(SchemaShape input, IEnumerable<OutputColumn<R>> outputs)
    {
        var added = outputs.Select(o => o.Shape()).ToList();
        var names = added.Select(c => c.Name).ToHashSet(StringComparer.Ordinal);
        return new SchemaShape(input.Where(c => !names.Contains(c.Name)).Concat(added));
    }

    /// <summary>The shape of a column of the given ML.NET type (scalars, text, keys and vectors of them); slot
    /// names are carried over so a shape-level consumer knows they exist.</summary>
    public static SchemaShape.Column Of(string name, DataViewType type, DataViewSchema.Annotations? annotations = null)
    {
        var rawType = type is VectorDataViewType v
            ? typeof(VBuffer<>).MakeGenericType(v.ItemType.RawType)
            : type.RawType;
        var holder = typeof(Holder<>).MakeGenericType(rawType);
        var definition = SchemaDefinition.Create(holder);
        definition[0].ColumnName = name;
        definition[0].ColumnType = type;
        if (annotations?.Schema.GetColumnOrNull("SlotNames") is { } slots)
        {
            VBuffer<ReadOnlyMemory<char>> names = default;
            annotations.GetValue("SlotNames", ref names);
            definition[0].AddAnnotation("SlotNames", names, slots.Type);
        }
        var method = typeof(SchemaShapes)
            .GetMethod(
                nameof(Borrow),
                System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Static
            )!
            .MakeGenericMethod(holder);
        return ((SchemaShape)method.Invoke(null, [definition])!).Single(c => c.Name == name);
    }

    static SchemaShape Borrow<THolder>(SchemaDefinition definition)
        where THolder : class, new() =>
        Context
            .Transforms.CustomMapping<NoInput, THolder>(
                (_, _) => { },
                contractName: null,
                outputSchemaDefinition: definition
            )
            .GetOutputSchema(Empty);

    sealed class NoInput;

    sealed class Holder<TValue>
    {
        public TValue Value = default!;
    }
}
