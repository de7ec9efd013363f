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

    /// <summary>The shape of a column named <paramref name="name"/> holding <typeparamref name="TValue"/> values
    /// (a primitive, ReadOnlyMemory&lt;char&gt; or a VBuffer of them).</summary>
    public static SchemaShape.Column Of<TValue>(string name)
    {
        var definition = SchemaDefinition.Create(typeof(Holder<TValue>));
        definition[0].ColumnName = name;
        var estimator = Context.Transforms.CustomMapping<NoInput, Holder<TValue>>((_, _) => { }, contractName: null, outputSchemaDefinition: definition);
        return estimator.GetOutputSchema(Empty).Single(c => c.Name == name);
    }

    sealed class NoInput;

    sealed class Holder<TValue>
    {
        public TValue Value = default!;
    }
}
