namespace MlNetDkn.Facts.Importers;

/// <summary>The importers by format name.</summary>
public static class FactImporters
{
    /// <summary>One instance of every importer: PARAREL, Dai et al., TempLAMA and ROME, in that order.</summary>
    public static IReadOnlyList<IFactImporter> All { get; } =
    [new ParaRelImporter(), new DaiImporter(), new TempLamaImporter(), new RomeImporter()];

    /// <summary>The format names of <see cref="All"/> ("pararel", "dai", "templama", "rome").</summary>
    public static IEnumerable<string> Formats => All.Select(i => i.Format);

    /// <summary>The importer for <paramref name="format"/> (case-insensitive), or a DknInputException listing the
    /// formats.</summary>
    public static IFactImporter Get(string format) =>
        All.FirstOrDefault(i => string.Equals(i.Format, format, StringComparison.OrdinalIgnoreCase))
        ?? throw new DknInputException(
            $"unknown dataset format '{format}' (expected one of: {string.Join(", ", Formats)})"
        );
}
