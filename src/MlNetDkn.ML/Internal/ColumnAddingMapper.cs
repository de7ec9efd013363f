using Microsoft.ML;
using Microsoft.ML.Data;

namespace MlNetDkn.ML.Internal;

/// <summary>
/// The row-to-row core of a stage: passes every input column through and appends <see cref="Outputs"/>, computed
/// from one result per row. The <c>bind</c> function turns an input row into a function that reads the row's current
/// values and returns its result; the result is computed at most once per row position.
/// </summary>
internal sealed class ColumnAddingMapper<TResult> : IRowToRowMapper
{
    readonly Func<DataViewRow, Func<TResult>> _bind;
    readonly int _inputCount;

    public ColumnAddingMapper(
        DataViewSchema inputSchema,
        IReadOnlyList<string> requiredInputs,
        IReadOnlyList<OutputColumn<TResult>> outputs,
        Func<DataViewRow, Func<TResult>> bind
    )
    {
        InputSchema = inputSchema;
        Outputs = outputs;
        _bind = bind;
        _inputCount = inputSchema.Count;
        RequiredInputs = requiredInputs
            .Select(n => inputSchema.GetColumnOrNull(n) ?? throw new DknInputException($"input column '{n}' not found"))
            .ToArray();
        var builder = new DataViewSchema.Builder();
        builder.AddColumns(inputSchema);
        foreach (var o in outputs)
            builder.AddColumn(o.Name, o.Type, o.Annotations);
        OutputSchema = builder.ToSchema();
    }

    public DataViewSchema InputSchema { get; }
    public DataViewSchema OutputSchema { get; }
    public IReadOnlyList<OutputColumn<TResult>> Outputs { get; }
    public IReadOnlyList<DataViewSchema.Column> RequiredInputs { get; }

    public bool IsOutput(int outputIndex) => outputIndex >= _inputCount;

    /// <summary>Input columns needed to produce the given output columns.</summary>
    public IEnumerable<DataViewSchema.Column> GetDependencies(IEnumerable<DataViewSchema.Column> dependingColumns)
    {
        var needed = new SortedDictionary<int, DataViewSchema.Column>();
        foreach (var c in dependingColumns)
        {
            if (IsOutput(c.Index))
                foreach (var r in RequiredInputs)
                    needed[r.Index] = r;
            else
                needed[c.Index] = InputSchema[c.Index];
        }
        return needed.Values;
    }

    public DataViewRow GetRow(DataViewRow input, IEnumerable<DataViewSchema.Column> activeColumns) =>
        new MappedRow<TResult>(this, input, activeColumns, _bind);

    /// <summary>The getter of an added column, by its index in <see cref="OutputSchema"/>.</summary>
    public Delegate OutputGetter(int outputIndex, Func<TResult> current) =>
        Outputs[outputIndex - _inputCount].MakeGetter(current);
}
