using System.Text;

namespace MlNetDkn.Metrics.Reports;

/// <summary>Reads the RFC 4180 CSV the tables are written as (quoted fields may hold commas, quotes and line
/// breaks).</summary>
public static class Csv
{
    /// <summary>RFC 4180 rows.</summary>
    public static List<string[]> Read(string path)
    {
        var rows = new List<string[]>();
        var text = File.ReadAllText(path);
        var row = new List<string>();
        var cell = new StringBuilder();
        bool quoted = false;
        for (int i = 0; i < text.Length; i++)
        {
            char c = text[i];
            if (quoted)
            {
                if (c == '"' && i + 1 < text.Length && text[i + 1] == '"')
                {
                    cell.Append('"');
                    i++;
                }
                else if (c == '"')
                    quoted = false;
                else
                    cell.Append(c);
            }
            else if (c == '"')
                quoted = true;
            else if (c == ',')
            {
                row.Add(cell.ToString());
                cell.Clear();
            }
            else if (c == '\n')
            {
                row.Add(cell.ToString());
                cell.Clear();
                rows.Add([.. row]);
                row.Clear();
            }
            else if (c != '\r')
                cell.Append(c);
        }
        if (cell.Length > 0 || row.Count > 0)
        {
            row.Add(cell.ToString());
            rows.Add([.. row]);
        }
        return rows;
    }
}
