using MlNetDkn.Metrics;
using MlNetDkn.Tests.Support;

namespace MlNetDkn.Tests.Metrics;

public class MetricTableRecordsTests
{
    sealed record Row(string Method, int Count, bool IsDkn, double Drop, float Half);

    [Fact]
    public void RecordsBecomeTypedColumnsThatRoundTripThroughParquetAndCsv()
    {
        var rows = new[] { new Row("Ntc", 3, true, 0.25, 0.5f), new Row("a,\"b\"", -1, false, double.NaN, 1.5f) };
        var folder = SharedPaths.TempDir("records");
        var (parquet, csv) = MetricTableRecords.WriteRecords(
            rows,
            folder,
            "rows",
            new Dictionary<string, string> { ["k"] = "v" }
        );
        var (table, metadata) = MetricTable.ReadParquet(parquet);
        Assert.Equal(["method", "count", "is_dkn", "drop", "half"], table.ColumnNames);
        Assert.Equal(new[] { "Ntc", "a,\"b\"" }, (string[])table.Column("method"));
        Assert.Equal(new long[] { 3, -1 }, (long[])table.Column("count"));
        Assert.Equal(new long[] { 1, 0 }, (long[])table.Column("is_dkn"));
        Assert.Equal(0.25, ((double[])table.Column("drop"))[0]);
        Assert.True(double.IsNaN(((double[])table.Column("drop"))[1]));
        Assert.Equal("v", metadata["k"]);
        var lines = File.ReadAllLines(csv);
        Assert.Equal("method,count,is_dkn,drop,half", lines[0]);
        Assert.Equal("\"a,\"\"b\"\"\",-1,0,NaN,1.5", lines[2]);
    }
}
