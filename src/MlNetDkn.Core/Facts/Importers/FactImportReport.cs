namespace MlNetDkn.Facts.Importers;

/// <summary>Something an importer left out: <paramref name="Count"/> items of kind <paramref name="Unit"/>
/// ("facts", "patterns", "relations") for <paramref name="Reason"/>.</summary>
public sealed record FactImportDrop(string Unit, string Reason, int Count);

/// <summary>What an import produced and what it left out, for the CLI to print and tests to check.</summary>
public sealed class FactImportReport
{
    /// <summary>The importer's format name (e.g. "pararel").</summary>
    public required string Format { get; init; }

    /// <summary>Number of facts in the imported dataset.</summary>
    public required int Facts { get; init; }

    /// <summary>Number of distinct relation ids in the imported dataset.</summary>
    public required int Relations { get; init; }

    /// <summary>Facts per split, ordered by split name.</summary>
    public required IReadOnlyDictionary<string, int> FactsBySplit { get; init; }

    /// <summary>What was left out, one entry per (unit, reason) with a non-zero count.</summary>
    public IReadOnlyList<FactImportDrop> Dropped { get; init; } = [];

    /// <summary>Counts worth knowing that are not drops ("2,832 object-first queries rewritten", ...).</summary>
    public IReadOnlyList<string> Notes { get; init; } = [];

    /// <summary>Dropped count for a reason, or 0.</summary>
    public int DroppedCount(string unit, string reason) =>
        Dropped.Where(d => d.Unit == unit && d.Reason == reason).Sum(d => d.Count);

    internal static FactImportReport For(
        string format,
        FactDataset dataset,
        IEnumerable<FactImportDrop> dropped,
        IEnumerable<string> notes
    ) =>
        new()
        {
            Format = format,
            Facts = dataset.Count,
            Relations = dataset.Relations.Count(),
            FactsBySplit = dataset
                .Records.GroupBy(r => r.Split)
                .OrderBy(g => g.Key, StringComparer.Ordinal)
                .ToDictionary(g => g.Key, g => g.Count()),
            Dropped = dropped.Where(d => d.Count > 0).ToList(),
            Notes = notes.ToList(),
        };
}

/// <summary>The imported dataset and its report.</summary>
public sealed record FactImportResult(FactDataset Dataset, FactImportReport Report);
