using Microsoft.ML;
using MlNetDkn.ML.Output;

namespace MlNetDkn.Tests.ML;

/// <summary>
/// Every visible column of a data view as exact text (floats in round-trip form, which is bit-exact), for
/// bit-for-bit comparisons.
/// </summary>
static class DataViewDump
{
    public static IReadOnlyList<string> Of(IDataView data) =>
        DataViewTables.Cells(data).Select(c => c.Name + "=" + string.Join("|", c.Values)).ToList();
}
