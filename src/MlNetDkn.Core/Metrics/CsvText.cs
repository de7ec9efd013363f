namespace MlNetDkn.Metrics;

/// <summary>RFC 4180 quoting, the one CSV rule of every table this project writes.</summary>
public static class CsvText
{
    public static string Quote(string s) =>
        s.IndexOfAny([',', '"', '\n', '\r']) >= 0 ? "\"" + s.Replace("\"", "\"\"") + "\"" : s;
}
