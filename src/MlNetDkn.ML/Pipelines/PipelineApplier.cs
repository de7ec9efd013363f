using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.ML;
using MlNetDkn.Facts;
using MlNetDkn.ML.Stages;
using MlNetDkn.Pipelines;

namespace MlNetDkn.ML.Pipelines;

/// <summary>
/// `dkn apply`: runs a saved, fitted pipeline on other facts and writes what a run writes for them: every stage's
/// tables (in the stage's folder under the output) and the per-fact results, through the same code as
/// <see cref="PipelineRunner"/>, so a fresh run over the same facts gives the same tables.
/// </summary>
public static class PipelineApplier
{
    /// <summary>The file `dkn apply` writes in its output folder, recording what was applied to which facts.</summary>
    public const string ApplyManifest = "apply.json";

    /// <param name="load">Device, dtype and threads instead of the saved ones (null keeps them).</param>
    /// <param name="modelFolder">The model to use instead of the one the archive references (relative to itself);
    /// its content hash must be the one the pipeline was fitted with.</param>
    /// <remarks>Writes only under <paramref name="output"/>: every stage's folder (its store) named in the archive is
    /// re-rooted there. A refused input (facts, archive, model) leaves <paramref name="output"/> as it was.</remarks>
    public static IReadOnlyList<string> Apply(
        string pipelinePath,
        string factsPath,
        string output,
        IPipelineReporter reporter,
        FactSelection? selection = null,
        Modeling.ModelLoadOptions? load = null,
        CancellationToken cancellationToken = default,
        string? modelFolder = null
    )
    {
        load?.Validate();
        if (!File.Exists(pipelinePath))
            throw new DknInputException($"{pipelinePath}: saved pipeline not found");
        var dataset = FactDataset.Read(factsPath);
        if (selection is not null && !selection.IsAll)
            dataset = new FactDataset(selection.Apply(dataset), factsPath);
        if (dataset.Count == 0)
            throw new DknInputException($"{factsPath}: no facts to apply the pipeline to");
        var root = Path.GetFullPath(output);
        var existed = Directory.Exists(root);
        try
        {
            return Apply(pipelinePath, factsPath, root, dataset, reporter, load, modelFolder, cancellationToken);
        }
        catch (DknInputException) when (!existed)
        {
            // A folder this call created for input it then refused goes again.
            try
            {
                if (Directory.Exists(root))
                    Directory.Delete(root, recursive: true);
            }
            catch (IOException) { }
            catch (UnauthorizedAccessException) { }
            throw;
        }
    }

    static IReadOnlyList<string> Apply(
        string pipelinePath,
        string factsPath,
        string output,
        FactDataset dataset,
        IPipelineReporter reporter,
        Modeling.ModelLoadOptions? load,
        string? modelFolder,
        CancellationToken cancellationToken
    )
    {
        var ml = new MLContext(seed: 0);
        using var chain = Persistence.PipelineArchive.Load(
            ml,
            pipelinePath,
            out var inputSchema,
            new Persistence.ArchiveOpenOptions(load, modelFolder, output)
        );
        var facts = ml.KnowledgeNeurons().LoadFacts(dataset);
        Directory.CreateDirectory(output);
        var context = new TableContext(dataset.ContentHash(), 0);
        var written = new List<string>();
        var summaries = new JsonObject();
        var fittedStages = FittedStages.Of(chain, facts);
        foreach (var stage in fittedStages)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var folder = FittedStages.FolderIn(output, stage.Stage);
            var (outputs, seconds) = reporter.Track($"{stage.Stage.StageName}: {dataset.Count} facts", p =>
            {
                stage.Stage.Runtime.Progress = new Progress<FactStageProgress>(x =>
                    p.Report(
                        new StepProgress(
                            x.Computed + x.Reused,
                            dataset.Count,
                            $"{x.Computed} computed, {x.Reused} from the store"
                        )
                    )
                );
                stage.Stage.Runtime.CancellationToken = cancellationToken;
                return FittedStages.Write(stage, folder, context);
            });
            written.AddRange(outputs.Files);
            summaries[stage.Stage.StageName] = outputs.Summary;
            reporter.Info($"  {stage.Stage.StageName}: {outputs.Files.Count} files in {seconds:0.0} s -> {folder}");
            foreach (var line in outputs.Lines)
                reporter.Info("    " + line);
        }
        var metadata = Metrics.TableProvenance.Of(
            "",
            dataset.ContentHash(),
            "applied " + Path.GetFullPath(pipelinePath)
        );
        written.AddRange(FittedStages.WriteAcquisition(fittedStages, output, metadata));
        var (parquet, csv) = FittedStages.WriteResults(chain, facts, output, metadata);
        written.AddRange([parquet, csv]);
        var manifest = new JsonObject
        {
            ["pipeline"] = Path.GetFullPath(pipelinePath),
            ["facts"] = Path.GetFullPath(factsPath),
            ["facts_sha256"] = dataset.ContentHash(),
            ["fact_count"] = dataset.Count,
            ["tool_version"] = DknTool.Version,
            ["stages"] = summaries,
            ["files"] = new JsonArray(written.Select(f => (JsonNode)Path.GetRelativePath(output, f)).ToArray()),
        };
        File.WriteAllText(
            Path.Combine(output, ApplyManifest),
            manifest.ToJsonString(
                new JsonSerializerOptions
                {
                    WriteIndented = true,
                    NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowNamedFloatingPointLiterals,
                }
            )
        );
        return written;
    }
}
