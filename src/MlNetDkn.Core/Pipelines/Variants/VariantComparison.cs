using System.Globalization;
using System.Text.Json.Nodes;
using MlNetDkn.Metrics;

namespace MlNetDkn.Pipelines.Variants;

/// <summary>One number (or text) a variant's run recorded: which section of its manifest, which key, its
/// value.</summary>
public sealed record VariantValue(string Variant, string Section, string Key, double Value, string Text);

/// <summary>
/// Compares the runs of a pipeline's variants from their manifests (so a resumed sweep compares finished variants
/// the same way): every number each run recorded — the model section (size, training time and accuracy), the
/// dataset, each step's seconds and results (accuracy groups, knowledge neurons and their layer spread, per DKN
/// method the facts with a DKN, components, joint and worst proper-subset drops) — as a long table
/// (variant, section, key, value), and a wide table with one row per variant for reading side by side.
/// </summary>
public static class VariantComparison
{
    /// <summary>Base names (without .parquet/.csv) of the long, wide and per-DKN-method comparison tables.</summary>
    public const string LongTable = "variants_long",
        WideTable = "variants",
        DknTable = "variants_dkn";

    // Spread statistics stay in the long table; the wide table keeps each distribution's mean and count.
    static readonly string[] SpreadKeys = ["ci_low", "ci_high", "min", "median", "p90", "max", "missing"];

    /// <summary>Every number (and text) in one variant's manifest, flattened to (section, key, value) rows.</summary>
    public static List<VariantValue> Values(string variant, JsonObject manifest)
    {
        var values = new List<VariantValue>();
        void Flatten(string section, string key, JsonNode? node)
        {
            switch (node)
            {
                case JsonObject o:
                    foreach (var (k, v) in o)
                        Flatten(section, Join(key, k), v);
                    break;
                case JsonArray a:
                    for (int i = 0; i < a.Count; i++)
                    {
                        if (a[i] is JsonObject element)
                        {
                            // An element is named by its text fields ("Ntc", "train/heldout_prompts"), which are then
                            // not values.
                            var names = element
                                .Where(kv => kv.Value is JsonValue v && v.TryGetValue<string>(out _))
                                .ToList();
                            var label =
                                names.Count > 0
                                    ? string.Join("/", names.Select(kv => kv.Value!.GetValue<string>()))
                                    : i.ToString(CultureInfo.InvariantCulture);
                            foreach (var (k, v) in element.Where(kv => !names.Contains(kv)))
                                Flatten(section, Join(Join(key, label), k), v);
                        }
                        else
                            Flatten(section, Join(key, i.ToString(CultureInfo.InvariantCulture)), a[i]);
                    }
                    break;
                case JsonValue v:
                    values.Add(Leaf(variant, section, key, v));
                    break;
            }
        }
        foreach (var name in new[] { "status", "seconds" })
            Flatten("run", name, manifest[name]);
        foreach (var section in new[] { "dataset", "model", "fit" })
            if (manifest[section] is JsonObject o)
                Flatten(section, "", o);
        var labels = new HashSet<string>(StringComparer.Ordinal);
        foreach (var step in manifest["steps"] as JsonArray ?? [])
        {
            if (step is not JsonObject s)
                continue;
            var label = StepLabel(s);
            if (!labels.Add(label))
                labels.Add(label = $"{label}#{s["index"]}");
            Flatten(label, "seconds", s["seconds"]);
            Flatten(label, "status", s["status"]);
            if (s["results"] is JsonObject results)
                Flatten(label, "", results);
        }
        return values;
    }

    /// <summary>The long table: one row per (variant, section, key).</summary>
    public static MetricTable Long(IReadOnlyList<VariantValue> values) =>
        MetricTable
            .From(values)
            .Text("variant", v => v.Variant)
            .Text("section", v => v.Section)
            .Text("key", v => v.Key)
            .Number("value", v => v.Value)
            .Text("text", v => v.Text)
            .Build();

    /// <summary>The wide table: one row per variant (in <paramref name="variants"/> order), a column per numeric
    /// "section.key" (distributions by mean and count), NaN where a variant lacks it.</summary>
    public static MetricTable Wide(
        IReadOnlyList<PipelineVariant> variants,
        IReadOnlyList<VariantValue> values,
        IReadOnlyDictionary<string, string> status
    )
    {
        var numeric = values.Where(v => v.Text.Length == 0 && !SpreadKeys.Contains(v.Key.Split('.')[^1])).ToList();
        var columns = numeric.Select(v => $"{v.Section}.{v.Key}").Distinct().ToList();
        var lookup = numeric.ToDictionary(v => (v.Variant, $"{v.Section}.{v.Key}"), v => v.Value);
        var table = new MetricTable()
            .AddText("variant", variants.Select(v => v.Name).ToArray())
            .AddText("description", variants.Select(v => v.Description).ToArray())
            .AddText("set", variants.Select(v => string.Join(" ", v.Set)).ToArray())
            .AddText("status", variants.Select(v => status.GetValueOrDefault(v.Name, "not run")).ToArray());
        foreach (var c in columns)
            table.AddNumber(c, variants.Select(v => lookup.GetValueOrDefault((v.Name, c), double.NaN)).ToArray());
        return table;
    }

    /// <summary>
    /// The sweep's DKN table: one row per (variant, DKN step, method) with the variant's accuracy, training time and
    /// knowledge-neuron spread beside the method's facts with a DKN (95 % Wilson interval), components, and the
    /// joint and worst proper-subset drops over every fact where they were measured.
    /// </summary>
    public static MetricTable Dkn(IReadOnlyList<PipelineVariant> variants, IReadOnlyList<VariantValue> values)
    {
        var byKey = values
            .Where(v => v.Text.Length == 0)
            .GroupBy(v => (v.Variant, v.Section, v.Key))
            .ToDictionary(g => g.Key, g => g.First().Value);
        double Get(string variant, string section, string key) =>
            byKey.GetValueOrDefault((variant, section, key), double.NaN);
        double First(string variant, string key) =>
            values.FirstOrDefault(v => v.Variant == variant && v.Text.Length == 0 && v.Key == key)?.Value ?? double.NaN;
        // From an evaluate-accuracy step, else the trainer's final evaluation.
        double Accuracy(string variant, string kind) =>
            values
                .FirstOrDefault(v =>
                    v.Variant == variant
                    && v.Key.StartsWith("groups.", StringComparison.Ordinal)
                    && v.Key.EndsWith($"/{kind}.accuracy", StringComparison.Ordinal)
                )
                ?.Value
            ?? Get(variant, "model", kind == "prompts" ? "final_train_accuracy" : "final_heldout_accuracy");
        var rows = values
            .Where(v =>
                v.Key.StartsWith("methods.", StringComparison.Ordinal)
                && v.Key.EndsWith(".facts_with_dkn", StringComparison.Ordinal)
            )
            .Select(v => (v.Variant, Step: v.Section, Method: v.Key.Split('.')[1]))
            .OrderBy(r => variants.ToList().FindIndex(x => x.Name == r.Variant))
            .ToList();
        Proportion Share((string Variant, string Step, string Method) r)
        {
            double facts = Get(r.Variant, r.Step, $"methods.{r.Method}.facts"),
                found = Get(r.Variant, r.Step, $"methods.{r.Method}.facts_with_dkn");
            return double.IsNaN(facts) || double.IsNaN(found)
                ? Proportion.Of(0, 0)
                : Proportion.Of((int)found, (int)facts);
        }
        string M(string method, string key) => $"methods.{method}.{key}";
        return MetricTable
            .From(rows)
            .Text("variant", r => r.Variant)
            .Text("dkn_step", r => r.Step)
            .Text("method", r => r.Method)
            .Number("train_accuracy", r => Accuracy(r.Variant, "prompts"))
            .Number("heldout_accuracy", r => Accuracy(r.Variant, "heldout_prompts"))
            .Number("training_seconds", r => Get(r.Variant, "model", "training_seconds"))
            .Number("parameters", r => Get(r.Variant, "model", "parameters"))
            .Number("knowledge_neurons_per_fact", r => First(r.Variant, "knowledge_neurons_per_fact.mean"))
            .Number("layers_per_fact", r => First(r.Variant, "layers_per_fact.mean"))
            .Number("facts_in_one_layer", r => First(r.Variant, "facts_in_one_layer"))
            .Number("facts", r => Share(r).Trials)
            .Number("facts_with_dkn", r => Share(r).Successes)
            .Number("share_with_dkn", r => Share(r).Share)
            .Number("share_ci_low", r => Share(r).CiLow)
            .Number("share_ci_high", r => Share(r).CiHigh)
            .Number("components_per_dkn", r => Get(r.Variant, r.Step, M(r.Method, "components_per_dkn.mean")))
            .Number("neurons_per_component", r => Get(r.Variant, r.Step, M(r.Method, "neurons_per_component.mean")))
            .Number("layers_per_dkn", r => Get(r.Variant, r.Step, M(r.Method, "layers_per_dkn.mean")))
            .Number("candidates_per_fact", r => Get(r.Variant, r.Step, M(r.Method, "candidates_per_fact.mean")))
            .Number("joint_drop", r => Get(r.Variant, r.Step, M(r.Method, "joint_drop.mean")))
            .Number("joint_drop_facts", r => Get(r.Variant, r.Step, M(r.Method, "joint_drop.count")))
            .Number("worst_proper_subset_drop", r =>
                Get(r.Variant, r.Step, M(r.Method, "worst_proper_subset_drop.mean"))
            )
            .Number("worst_proper_subset_drop_facts", r =>
                Get(r.Variant, r.Step, M(r.Method, "worst_proper_subset_drop.count"))
            )
            .Number("proper_subset_change", r => Get(r.Variant, r.Step, M(r.Method, "proper_subset_change.mean")))
            .Number("full_set_change", r => Get(r.Variant, r.Step, M(r.Method, "full_set_change.mean")))
            .Build();
    }

    static VariantValue Leaf(string variant, string section, string key, JsonValue v)
    {
        if (v.TryGetValue<double>(out var d))
            return new(variant, section, key, d, "");
        if (v.TryGetValue<bool>(out var b))
            return new(variant, section, key, b ? 1 : 0, "");
        var text = v.ToString();
        // Non-finite numbers are written as text ("NaN") by the manifests' serializer.
        return
            double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var parsed)
            && !double.IsFinite(parsed)
            ? new(variant, section, key, parsed, "")
            : new(variant, section, key, double.NaN, text);
    }

    static string StepLabel(JsonObject step) =>
        step["options"] is JsonObject o
        && o["folder"] is JsonValue f
        && f.TryGetValue<string>(out var folder)
        && folder.Length > 0
            ? folder
            : step["step"]?.GetValue<string>() ?? "step";

    static string Join(string prefix, string key) => prefix.Length == 0 ? key : $"{prefix}.{key}";
}
