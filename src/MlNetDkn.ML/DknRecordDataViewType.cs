using Microsoft.ML;
using Microsoft.ML.Data;
using MlNetDkn.Degeneracy;

namespace MlNetDkn.ML;

/// <summary>
/// The ML.NET type of the <see cref="KnowledgeNeuronColumns.DknRecord"/> column: one fact's whole
/// <see cref="MlNetDkn.Degeneracy.DknRecord"/> (every method's components, checks and rejections) as the DKN stage
/// computed it. Later stages of the same chain read the record itself from this column, so a DKN is never written as
/// text and parsed back between stages; the text columns beside it are for people and tables. Tables and data frames
/// leave the column out (it has no cell form; its content is in the text and number columns).
/// </summary>
public sealed class DknRecordDataViewType : StructuredDataViewType
{
    DknRecordDataViewType()
        : base(typeof(DknRecord)) { }

    /// <summary>The one instance, registered with ML.NET's type manager so that schema definitions (custom mappings,
    /// prediction engines) know the raw type.</summary>
    public static DknRecordDataViewType Instance { get; } = Registered();

    static DknRecordDataViewType Registered()
    {
        var type = new DknRecordDataViewType();
        DataViewTypeManager.Register(type, typeof(DknRecord));
        return type;
    }

    /// <inheritdoc/>
    public override bool Equals(DataViewType? other) => other is DknRecordDataViewType;

    /// <inheritdoc/>
    public override bool Equals(object? other) => other is DknRecordDataViewType;

    /// <inheritdoc/>
    public override int GetHashCode() => typeof(DknRecordDataViewType).GetHashCode();

    /// <inheritdoc/>
    public override string ToString() => nameof(DknRecord);

    /// <summary>True for columns a table can hold: visible, and primitive or a vector (not a typed record such as
    /// this one).</summary>
    public static bool IsTabular(DataViewSchema.Column column) =>
        !column.IsHidden && (column.Type is VectorDataViewType || column.Type is not StructuredDataViewType);
}
