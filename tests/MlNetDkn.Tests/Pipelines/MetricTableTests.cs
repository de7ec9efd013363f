using MlNetDkn.Metrics;
using MlNetDkn.Tests.Support;

namespace MlNetDkn.Tests.Pipelines;

public class MetricTableTests
{
    [Fact]
    public void RoundTripsThroughParquetCsvAndDataFrame()
    {
        var rows = new[] { ("a,b", 3L, 0.25), ("say \"hi\"", -1L, double.NaN) };
        var table = MetricTable
            .From(rows)
            .Text("name", r => r.Item1)
            .Integer("count", r => r.Item2)
            .Number("value", r => r.Item3)
            .Build();
        var folder = SharedPaths.TempDir("metric-table");
        var (parquet, csv) = table.Write(folder, "t", new Dictionary<string, string> { ["k"] = "v" });

        var (back, metadata) = MetricTable.ReadParquet(parquet);
        Assert.Equal(["name", "count", "value"], back.ColumnNames);
        Assert.Equal(new[] { "a,b", "say \"hi\"" }, (string[])back.Column("name"));
        Assert.Equal(new[] { 3L, -1L }, (long[])back.Column("count"));
        Assert.Equal(0.25, ((double[])back.Column("value"))[0]);
        Assert.True(double.IsNaN(((double[])back.Column("value"))[1]));
        Assert.Equal("v", metadata["k"]);

        Assert.Equal(["name,count,value", "\"a,b\",3,0.25", "\"say \"\"hi\"\"\",-1,NaN"], File.ReadAllLines(csv));
        var frame = table.ToDataFrame();
        Assert.Equal(2, frame.Rows.Count);
        Assert.Equal(3L, frame["count"][0]);
        Assert.Throws<ArgumentException>(() => table.AddInteger("extra", [1L]));
    }
}
