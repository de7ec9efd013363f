using Microsoft.ML;
using Microsoft.ML.Data;

namespace MlNetDkn.ML.Internal;

/// <summary>An input row seen through a <see cref="ColumnAddingMapper{TResult}"/>: input columns delegate, added
/// columns read a result memoised for the current position.</summary>
internal sealed class MappedRow<TResult> : DataViewRow
{
    readonly ColumnAddingMapper<TResult> _mapper;
    readonly DataViewRow _input;
    readonly bool[] _active;
    readonly Func<DataViewRow, Func<TResult>> _bind;
    Func<TResult>? _compute;
    readonly bool _memoize;
    long _memoPosition = -1;
    TResult? _memo;

    public MappedRow(
        ColumnAddingMapper<TResult> mapper,
        DataViewRow input,
        IEnumerable<DataViewSchema.Column> activeColumns,
        Func<DataViewRow, Func<TResult>> bind
    )
    {
        _mapper = mapper;
        _input = input;
        _bind = bind;
        // Only a cursor's position identifies its row; a prediction engine may reuse one position for new values.
        _memoize = input is DataViewRowCursor;
        _active = new bool[mapper.OutputSchema.Count];
        foreach (var c in activeColumns)
            _active[c.Index] = true;
    }

    public override DataViewSchema Schema => _mapper.OutputSchema;
    public override long Position => _input.Position;
    public override long Batch => _input.Batch;

    public override ValueGetter<DataViewRowId> GetIdGetter() => _input.GetIdGetter();

    public override bool IsColumnActive(DataViewSchema.Column column) => _active[column.Index];

    public override ValueGetter<TValue> GetGetter<TValue>(DataViewSchema.Column column)
    {
        if (!_active[column.Index])
            throw new InvalidOperationException($"column '{column.Name}' is not active in this cursor");
        if (!_mapper.IsOutput(column.Index))
            return _input.GetGetter<TValue>(_input.Schema[column.Index]);
        return _mapper.OutputGetter(column.Index, Current) as ValueGetter<TValue>
            ?? throw new InvalidOperationException(
                $"column '{column.Name}' has type {column.Type}, not {typeof(TValue).Name}"
            );
    }

    TResult Current()
    {
        // Bound on first use: input getters exist only for active columns, and those are active only when an
        // added column is.
        _compute ??= _bind(_input);
        if (!_memoize)
            return _compute();
        if (_memoPosition != _input.Position)
        {
            _memo = _compute();
            _memoPosition = _input.Position;
        }
        return _memo!;
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
            _input.Dispose();
        base.Dispose(disposing);
    }
}
