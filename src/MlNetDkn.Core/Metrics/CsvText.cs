namespace MlNetDkn.Metrics;

/// <summary>RFC 4180 quoting, the one CSV rule of every table this project writes.</summary>
public static class CsvText
{
    /// <summary>The field as written: in double quotes with inner quotes doubled when it holds a comma, quote or line
    /// break, else unchanged.</summary>
    public static string Quote(string s) =>
        s.IndexOfAny([',', '"', '\n', '\r']) >= 0 ? "\"" + s.Replace("\"", "\"\"") + "\"" : s;
}
