namespace MlNetDkn.Tests.Support;

/// <summary>Reads a table's RFC 4180 CSV (the product's own reader) into rows keyed by the header.</summary>
public static class CsvRows
{
    public static List<Dictionary<string, string>> Read(string path)
    {
        var records = MlNetDkn.Metrics.Reports.Csv.Read(path);
        var header = records[0];
        return records
            .Skip(1)
            .Where(r => r.Length == header.Length)
            .Select(r => header.Select((name, i) => (name, r[i])).ToDictionary(x => x.name, x => x.Item2))
            .ToList();
    }
}
