namespace MlNetDkn.Facts.Importers;

/// <summary>Converts one published raw fact format (a folder of files) into a <see cref="FactDataset"/>.
/// Imports are deterministic: the same folder always gives the same rows in the same order.</summary>
public interface IFactImporter
{
    /// <summary>The format name used by `dkn datasets import &lt;format&gt;`.</summary>
    string Format { get; }

    /// <summary>Which files the importer reads, for help text.</summary>
    string Description { get; }

    /// <summary>
    /// Reads the raw files in <paramref name="inputFolder"/> and returns the validated dataset with a report of what
    /// was dropped.
    /// </summary>
    /// <exception cref="DknInputException">
    /// A required file is missing or malformed, or the rows fail validation.
    /// </exception>
    FactImportResult Import(string inputFolder);
}
