using Microsoft.ML;
using Microsoft.ML.Data;

namespace MlNetDkn.ML.Internal;

/// <summary>The lazy output of a stage's Transform: nothing is computed until a cursor reads an added column.</summary>
internal sealed class MappedDataView<TResult>(IDataView input, ColumnAddingMapper<TResult> mapper) : IDataView
{
    public DataViewSchema Schema => mapper.OutputSchema;
    public bool CanShuffle => input.CanShuffle;

    public long? GetRowCount() => input.GetRowCount();

    public DataViewRowCursor GetRowCursor(IEnumerable<DataViewSchema.Column> columnsNeeded, Random? rand = null)
    {
        var active = columnsNeeded.ToList();
        var inputCursor = input.GetRowCursor(mapper.GetDependencies(active), rand);
        return new MappedCursor<TResult>(inputCursor, mapper.GetRow(inputCursor, active));
    }

    /// <summary>One cursor: rows are computed on a model that is not thread-safe anyway.</summary>
    public DataViewRowCursor[] GetRowCursorSet(
        IEnumerable<DataViewSchema.Column> columnsNeeded,
        int n,
        Random? rand = null
    ) => [GetRowCursor(columnsNeeded, rand)];
}

/// <summary>A cursor that moves the input cursor and reads values through the mapped row.</summary>
internal sealed class MappedCursor<TResult>(DataViewRowCursor input, DataViewRow mapped) : DataViewRowCursor
{
    public override DataViewSchema Schema => mapped.Schema;
    public override long Position => input.Position;
    public override long Batch => input.Batch;

    public override bool MoveNext() => input.MoveNext();

    public override ValueGetter<DataViewRowId> GetIdGetter() => input.GetIdGetter();

    public override bool IsColumnActive(DataViewSchema.Column column) => mapped.IsColumnActive(column);

    public override ValueGetter<TValue> GetGetter<TValue>(DataViewSchema.Column column) =>
        mapped.GetGetter<TValue>(column);

    protected override void Dispose(bool disposing)
    {
        if (disposing)
            mapped.Dispose(); // disposes the input cursor too
        base.Dispose(disposing);
    }
}
