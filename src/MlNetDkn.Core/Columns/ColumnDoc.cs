using System.Text.RegularExpressions;

namespace MlNetDkn.Columns;

/// <summary>How a column's cells are written (the same in the CSV and the Parquet file, except where noted).</summary>
public enum ColumnKind
{
    /// <summary>Text (Parquet string).</summary>
    Text,

    /// <summary>A whole number (Parquet int64).</summary>
    Integer,

    /// <summary>A boolean of a record table, written as the integer 1 (true) or 0 (false).</summary>
    Flag,

    /// <summary>A floating-point number (Parquet double, or float in results.csv); NaN where undefined.</summary>
    Number,

    /// <summary>A boolean of the ML.NET chain, written <c>true</c>/<c>false</c> in CSV (Parquet boolean).</summary>
    Boolean,

    /// <summary>A list, written as a JSON array in CSV (a Parquet list).</summary>
    JsonArray,

    /// <summary>A large fixed-size slot vector, written sparsely as a JSON object <c>{"l:i": value}</c> in CSV
    /// (parallel <c>name__indices</c>/<c>name__values</c> lists in Parquet).</summary>
    JsonObject,
}

/// <summary>What a column holds: its meaning, its unit or sign convention, and the values that stand for "none".
/// </summary>
/// <param name="Meaning">One or two sentences.</param>
/// <param name="Unit">Unit, range or sign convention (empty when a count or a label needs none).</param>
/// <param name="Sentinels">Values with a special meaning: NaN (and why), −1, empty text, ... (empty: none).</param>
public sealed record ColumnMeaning(string Meaning, string Unit = "", string Sentinels = "");

/// <summary>
/// One documented column of a table: an exact name, or a pattern (placeholders in angle brackets, e.g.
/// <c>is_dkn_&lt;method&gt;&lt;suffix&gt;</c>) with the regular expression that recognises the names it stands for.
/// </summary>
public sealed record ColumnDoc(string Name, ColumnKind Kind, ColumnMeaning Meaning)
{
    /// <summary>For a pattern: the full-name regular expression; null for an exact name.</summary>
    public Regex? Pattern { get; init; }

    /// <summary>True when <paramref name="column"/> is this column or one of the names of this pattern.</summary>
    public bool Matches(string column) => Pattern is null ? column == Name : Pattern.IsMatch(column);
}

/// <summary>One table the product writes as <c>name.parquet</c> and <c>name.csv</c>, with every column it has.
/// </summary>
/// <param name="Name">The file name without extension.</param>
/// <param name="WrittenBy">Which step (or command) writes it, and into which folder.</param>
/// <param name="Purpose">One line: what a row is and what the table is for.</param>
/// <param name="Columns">The columns, in the order they are written (patterns where names depend on the run).</param>
public sealed record TableDoc(string Name, string WrittenBy, string Purpose, IReadOnlyList<ColumnDoc> Columns)
{
    /// <summary>Notes printed under the table (intervals, units of replication, naming rules).</summary>
    public string Notes { get; init; } = "";

    /// <summary>The column's documentation, or null when <paramref name="column"/> is not documented.</summary>
    public ColumnDoc? Find(string column) =>
        Columns.FirstOrDefault(c => c.Pattern is null && c.Name == column)
        ?? Columns.FirstOrDefault(c => c.Matches(column));
}
