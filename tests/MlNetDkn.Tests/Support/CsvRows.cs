namespace MlNetDkn.Tests.Support;

/// <summary>Reads an RFC 4180 CSV file (quoted fields may hold commas, doubled quotes and line breaks) into rows keyed by header.</summary>
public static class CsvRows
{
    public static List<Dictionary<string, string>> Read(string path)
    {
        var records = Parse(File.ReadAllText(path));
        var header = records[0];
        return records.Skip(1).Where(r => r.Count == header.Count)
            .Select(r => header.Select((name, i) => (name, r[i])).ToDictionary(x => x.name, x => x.Item2)).ToList();
    }

    static List<List<string>> Parse(string text)
    {
        var records = new List<List<string>>();
        var record = new List<string>();
        var cell = new System.Text.StringBuilder();
        bool quoted = false;
        for (int i = 0; i < text.Length; i++)
        {
            char c = text[i];
            if (quoted)
            {
                if (c == '"' && i + 1 < text.Length && text[i + 1] == '"') { cell.Append('"'); i++; }
                else if (c == '"') quoted = false;
                else cell.Append(c);
            }
            else if (c == '"') quoted = true;
            else if (c == ',') { record.Add(cell.ToString()); cell.Clear(); }
            else if (c == '\n')
            {
                record.Add(cell.ToString()); cell.Clear();
                records.Add(record); record = [];
            }
            else if (c != '\r') cell.Append(c);
        }
        if (cell.Length > 0 || record.Count > 0) { record.Add(cell.ToString()); records.Add(record); }
        return records;
    }
}
