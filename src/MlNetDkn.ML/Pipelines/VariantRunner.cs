using System.Text.Json;
using System.Text.Json.Nodes;
using MlNetDkn.Degeneracy.Planted;
using MlNetDkn.Metrics;
using MlNetDkn.Pipelines;
using MlNetDkn.Pipelines.Variants;

namespace MlNetDkn.ML.Pipelines;

/// <summary>A variant ready to run: its entry and its validated pipeline (output inside the sweep's folder).</summary>
public sealed record PlannedVariant(PipelineVariant Variant, ValidatedPipeline Pipeline);

/// <summary>What a sweep left: its folder, each variant's status and the comparison tables.</summary>
public sealed record VariantRunResult(
    string OutputFolder,
    IReadOnlyDictionary<string, string> Status,
    IReadOnlyList<string> Tables
);

/// <summary>
/// Runs a pipeline with "variants": every variant is planned and validated before any work, then run in order into
/// <c>&lt;output&gt;/&lt;variant&gt;/</c> as an ordinary pipeline (its own manifest, tables and fitted pipeline). A
/// variant whose folder already holds a completed run of the same definition is reused, so an interrupted sweep resumes
/// where it stopped. After every variant the comparison tables (<c>variants.csv</c>, <c>variants_long.csv</c>, and
/// Parquet) and <c>sweep.json</c> are rewritten from the manifests, so finished work is never lost.
/// </summary>
public static class VariantRunner
{
    /// <summary>The sweep's status file in the output root: each variant's status and the comparison tables.</summary>
    public const string SweepFile = "sweep.json";

    /// <summary>Applies each variant's settings to the definition (its "variants" removed) and validates it; every
    /// variant's problems are reported together, each naming the variant.</summary>
    public static IReadOnlyList<PlannedVariant> Plan(
        PipelineDefinition definition,
        string? outputRoot,
        StepRegistry registry
    )
    {
        var root = outputRoot ?? definition.Output;
        var planned = new List<PlannedVariant>();
        var errors = new List<string>();
        foreach (var (variant, i) in definition.Variants.Select((v, i) => (v, i)))
        {
            try
            {
                var single = definition with
                {
                    Variants = [],
                    Name = $"{definition.Name}/{variant.Name}",
                    Output = Path.Combine(root, variant.Name),
                    Source = $"{definition.Source} variant '{variant.Name}'",
                };
                var applied = PipelineOverrides.Apply(single, variant.Set.Select(s => s), registry);
                planned.Add(new PlannedVariant(variant, PipelineValidator.Validate(applied, registry)));
            }
            catch (DknInputException e)
            {
                errors.Add($"$.variants[{i}] ('{variant.Name}'): {e.Message}");
            }
        }
        if (errors.Count > 0)
            throw new PipelineValidationException(definition.Source, errors);
        return planned;
    }

    /// <summary>Runs the planned variants in order into <c>&lt;output&gt;/&lt;variant&gt;/</c>, reusing completed ones,
    /// and rewrites the comparison tables and <c>sweep.json</c> after each.</summary>
    public static VariantRunResult Run(
        PipelineDefinition definition,
        IReadOnlyList<PlannedVariant> variants,
        PipelineRunOptions options,
        IPipelineReporter reporter,
        CancellationToken cancellationToken = default
    )
    {
        var root = Path.GetFullPath(options.Output ?? definition.Output);
        Directory.CreateDirectory(root);
        var status = variants.ToDictionary(v => v.Variant.Name, _ => "pending");
        IReadOnlyList<string> tables = [];
        try
        {
            foreach (var (planned, i) in variants.Select((v, i) => (v, i)))
            {
                cancellationToken.ThrowIfCancellationRequested();
                var folder = Path.Combine(root, planned.Variant.Name);
                reporter.Info(
                    $"== variant {i + 1}/{variants.Count}: {planned.Variant.Name}"
                        + (planned.Variant.Set.Count > 0 ? $" ({string.Join(" ", planned.Variant.Set)})" : "")
                );
                if (
                    !options.MergeShards
                    && IsFinished(
                        options.Shard is { } part ? Path.Combine(folder, part.FolderName) : folder,
                        planned.Pipeline.Definition
                    )
                )
                {
                    status[planned.Variant.Name] = "reused";
                    reporter.Info(
                        $"  {Path.GetRelativePath(root, folder)}: a completed run of the same definition; reused"
                    );
                }
                else
                {
                    status[planned.Variant.Name] = "running";
                    try
                    {
                        PipelineRunner.Run(
                            planned.Pipeline,
                            options with
                            {
                                Output = folder,
                            },
                            reporter,
                            cancellationToken
                        );
                        status[planned.Variant.Name] = "completed";
                    }
                    catch (OperationCanceledException)
                    {
                        status[planned.Variant.Name] = "cancelled";
                        throw;
                    }
                    catch
                    {
                        status[planned.Variant.Name] = "failed";
                        throw;
                    }
                }
                if (options.Shard is null)
                    tables = WriteComparison(root, definition, variants, status);
            }
        }
        finally
        {
            if (options.Shard is null)
                tables = WriteComparison(root, definition, variants, status);
        }
        if (options.Shard is not null)
        {
            reporter.Info(
                $"shard {options.Shard.Index} of {options.Shard.Count} of every variant done; `dkn merge` joins "
                    + $"the shards and compares the variants"
            );
            return new VariantRunResult(root, status, []);
        }
        if (definition.Steps.Any(s => s.Step == "report"))
        {
            var (md, _) = Metrics.Reports.RunReport.Write(root);
            reporter.Info($"sweep report -> {Shown(md)}");
        }
        reporter.Info(
            $"variants compared -> {Shown(tables[1])} (per variant, DKN step and method), "
                + $"{Path.GetFileName(tables[3])} (one row per variant), "
                + $"{Path.GetFileName(tables[5])} (every recorded number)"
        );
        return new VariantRunResult(root, status, tables);
    }

    /// <summary>A path relative to the current folder when it lies inside it, else absolute.</summary>
    static string Shown(string path)
    {
        var relative = Path.GetRelativePath(Directory.GetCurrentDirectory(), path);
        return relative.StartsWith("..", StringComparison.Ordinal) ? path : relative;
    }

    /// <summary>True when <paramref name="folder"/> holds a completed run whose recorded definition equals this
    /// one.</summary>
    public static bool IsFinished(string folder, PipelineDefinition definition)
    {
        var path = Path.Combine(folder, RunManifest.FileName);
        if (!File.Exists(path))
            return false;
        try
        {
            var manifest = JsonNode.Parse(File.ReadAllText(path)) as JsonObject;
            return manifest?["status"]?.GetValue<string>() == "completed"
                && manifest["pipeline"]?["definition"] is JsonObject recorded
                && JsonNode.DeepEquals(Normalise(recorded), Normalise(definition.ToJson()));
        }
        catch (JsonException)
        {
            return false;
        }
    }

    // The output folder may be written relative or absolute; the source names the file it came from.
    static JsonObject Normalise(JsonObject definition)
    {
        var copy = (JsonObject)definition.DeepClone();
        copy.Remove("output");
        return copy;
    }

    static IReadOnlyList<string> WriteComparison(
        string root,
        PipelineDefinition definition,
        IReadOnlyList<PlannedVariant> variants,
        IReadOnlyDictionary<string, string> status
    )
    {
        var values = new List<VariantValue>();
        foreach (var v in variants)
        {
            var path = Path.Combine(root, v.Variant.Name, RunManifest.FileName);
            if (!File.Exists(path) || status[v.Variant.Name] == "pending")
                continue;
            if (JsonNode.Parse(File.ReadAllText(path)) is JsonObject manifest)
                values.AddRange(VariantComparison.Values(v.Variant.Name, manifest));
        }
        var metadata = new Dictionary<string, string>
        {
            ["pipeline"] = definition.Name,
            ["variants"] = string.Join(",", variants.Select(v => v.Variant.Name)),
        };
        var (widePq, wideCsv) = VariantComparison
            .Wide(variants.Select(v => v.Variant).ToList(), values, status)
            .Write(root, VariantComparison.WideTable, metadata);
        var (longPq, longCsv) = VariantComparison.Long(values).Write(root, VariantComparison.LongTable, metadata);
        var (dknPq, dknCsv) = VariantComparison
            .Dkn(variants.Select(v => v.Variant).ToList(), values)
            .Write(root, VariantComparison.DknTable, metadata);
        var plots = VariantDknPlot.Save(variants.Select(v => v.Variant.Name).ToList(), values, root);
        var planted = variants
            .Where(v => status[v.Variant.Name] != "pending")
            .SelectMany(v => PlantedBenchmark.Read(v.Variant.Name, Path.Combine(root, v.Variant.Name)))
            .ToList();
        var plantedTables = new List<string>();
        if (planted.Count > 0)
        {
            var (p1, c1) = MetricTableRecords.WriteRecords(planted, root, PlantedBenchmark.VariantsTable, metadata);
            var (p2, c2) = MetricTableRecords.WriteRecords(
                PlantedBenchmark.Summarize(planted),
                root,
                PlantedBenchmark.SummaryTable,
                metadata
            );
            plantedTables.AddRange([p1, c1, p2, c2]);
        }
        var sweep = new JsonObject
        {
            ["pipeline"] = definition.ToJson(),
            ["tool"] = DknTool.Version,
            ["variants"] = new JsonArray(
                variants
                    .Select(v =>
                        (JsonNode)
                            new JsonObject
                            {
                                ["name"] = v.Variant.Name,
                                ["set"] = new JsonArray(v.Variant.Set.Select(s => (JsonNode)s).ToArray()),
                                ["status"] = status[v.Variant.Name],
                                ["folder"] = v.Variant.Name,
                            }
                    )
                    .ToArray()
            ),
            ["tables"] = new JsonArray(
                VariantComparison.DknTable + ".csv",
                VariantComparison.WideTable + ".csv",
                VariantComparison.LongTable + ".csv"
            ),
            ["plots"] = new JsonArray(plots.Select(p => (JsonNode)Path.GetFileName(p)).ToArray()),
        };
        File.WriteAllText(
            Path.Combine(root, SweepFile + ".tmp"),
            sweep.ToJsonString(
                new JsonSerializerOptions
                {
                    WriteIndented = true,
                    NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowNamedFloatingPointLiterals,
                }
            )
        );
        File.Move(Path.Combine(root, SweepFile + ".tmp"), Path.Combine(root, SweepFile), overwrite: true);
        Metrics.Reports.FindingsSummary.Write(root);
        return [dknPq, dknCsv, widePq, wideCsv, longPq, longCsv, .. plantedTables, .. plots];
    }
}
