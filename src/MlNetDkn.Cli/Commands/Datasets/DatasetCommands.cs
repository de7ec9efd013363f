using Spectre.Console.Cli;

namespace MlNetDkn.Cli.Commands.Datasets;

/// <summary>`dkn datasets import|synth|show`: getting fact tables into the project's Parquet schema and looking at
/// them.</summary>
public static class DatasetCommands
{
    public static void Register(IConfigurator config)
    {
        config.AddBranch("datasets", datasets =>
        {
            datasets.SetDescription(
                "Import, generate and inspect fact datasets (Parquet, schema in datasets/README.md)."
            );
            datasets
                .AddCommand<ImportDatasetCommand>("import")
                .WithDescription(
                    "Convert a raw published dataset (pararel, dai, templama, rome) into a fact Parquet file."
                )
                .WithExample("datasets", "import", "pararel", "../shared/datasets/raw/pararel", "pararel.parquet");
            datasets
                .AddCommand<SynthDatasetCommand>("synth")
                .WithDescription("Generate a seeded synthetic fact world that a tiny model can learn.")
                .WithExample("datasets", "synth", "--out", "world.parquet", "--seed", "7");
            datasets
                .AddCommand<PerturbDatasetCommand>("perturb")
                .WithDescription(
                    "Draw perturbed queries (the authors' replace/add/delete, real words, paraphrases) into a fact "
                        + "file."
                )
                .WithExample("datasets", "perturb", "facts.parquet", "perturbed.parquet", "--preset", "dkn-authors");
            datasets
                .AddCommand<ShowDatasetCommand>("show")
                .WithDescription("Print the first rows and the counts of a fact Parquet file.")
                .WithExample("datasets", "show", "world.parquet", "--rows", "5");
        });
    }
}
