using System.Text.Json;
using System.Text.Json.Nodes;

namespace MlNetDkn.Pipelines;

/// <summary>One entry of a pipeline's "steps" array, options still as raw JSON (validated later).</summary>
public sealed record StepDefinition(string Step, JsonObject Options, int Index)
{
    /// <summary>JSON path of this step in its file, e.g. <c>$.steps[1]</c>.</summary>
    public string JsonPath => $"$.steps[{Index}]";
}

/// <summary>
/// A pipeline file as written: <c>{ "name", "seed", "output", "device", "dtype", "threads", "steps": [ {"step",
/// "options"} ], "variants": [ {"name", "set"} ] }</c> (variants optional).
/// Loading checks only the shape of the file; <see cref="PipelineValidator"/> checks steps and options.
/// </summary>
public sealed record PipelineDefinition
{
    /// <summary>The keys a pipeline file's top-level object may have; any other is an error.</summary>
    public static readonly IReadOnlyList<string> TopLevelKeys =
    [
        "name",
        "description",
        "seed",
        "output",
        "device",
        "dtype",
        "threads",
        "steps",
        "variants",
    ];

    /// <summary>The keys an entry of "steps" may have; any other is an error.</summary>
    public static readonly IReadOnlyList<string> StepKeys = ["step", "options"];

    /// <summary>The pipeline's name; the default output folder is <c>runs/&lt;name&gt;</c>.</summary>
    public required string Name { get; init; }

    /// <summary>Free text describing the pipeline; empty when not given.</summary>
    public string Description { get; init; } = "";

    /// <summary>Seed every step uses unless it sets its own.</summary>
    public int Seed { get; init; } = 7;

    /// <summary>Output folder, relative to the current directory.</summary>
    public required string Output { get; init; }

    /// <summary>libtorch CPU threads for the whole run; 0 keeps libtorch's default.</summary>
    public int Threads { get; init; }

    /// <summary>Where every model of the run computes: cpu, cuda or cuda:N.</summary>
    public string Device { get; init; } = "cpu";

    /// <summary>The dtype models of the run compute in: float32, float64, bfloat16 or float16.</summary>
    public string DType { get; init; } = "float32";

    /// <summary>How the run's models are loaded.</summary>
    public Modeling.ModelLoadOptions ModelLoad =>
        new()
        {
            Device = Device,
            DType = DType,
            Threads = Threads,
        };

    /// <summary>The steps in the order they run.</summary>
    public required IReadOnlyList<StepDefinition> Steps { get; init; }

    /// <summary>Runs of the same steps with different options, compared side by side (empty: one run).</summary>
    public IReadOnlyList<PipelineVariant> Variants { get; init; } = [];

    /// <summary>Where the definition came from (a file path, or a label), used in every error message.</summary>
    public string Source { get; init; } = "pipeline";

    /// <summary>Reads and parses a pipeline JSON file (comments and trailing commas allowed); throws
    /// <see cref="DknInputException"/> when it is missing or malformed.</summary>
    public static PipelineDefinition Load(string path)
    {
        if (!File.Exists(path))
            throw new DknInputException($"{path}: pipeline file not found");
        return Parse(File.ReadAllText(path), path);
    }

    // Reading every value makes System.Text.Json report duplicate keys and invalid text in nested objects.
    static void ReadEveryObject(JsonNode? node)
    {
        if (node is JsonObject o)
            foreach (var (_, value) in o)
                ReadEveryObject(value);
        else if (node is JsonArray a)
            foreach (var value in a)
                ReadEveryObject(value);
    }

    /// <summary>Parses pipeline JSON text (comments and trailing commas allowed); <paramref name="source"/>
    /// labels every error.</summary>
    public static PipelineDefinition Parse(string json, string source)
    {
        JsonNode? root;
        try
        {
            root = JsonNode.Parse(
                json,
                documentOptions: new JsonDocumentOptions
                {
                    CommentHandling = JsonCommentHandling.Skip,
                    AllowTrailingCommas = true,
                }
            );
        }
        catch (JsonException e)
        {
            throw new DknInputException($"{source}: invalid JSON ({e.Message})");
        }
        if (root is not JsonObject o)
            throw new DknInputException($"{source}: $: expected a JSON object with \"name\", \"output\" and \"steps\"");
        // System.Text.Json reports a key given twice in one object only when the object is first read.
        // Every object is read here, nested options included, so a duplicate is found now and not by a later step.
        try
        {
            ReadEveryObject(o);
            return FromJson(o, source);
        }
        catch (ArgumentException e) when (e.Message.Contains("same key", StringComparison.Ordinal))
        {
            var key = e.Message.Split("Key: ").LastOrDefault()?.Split(' ')[0] ?? "?";
            throw new DknInputException($"{source}: the key '{key}' appears twice in one object; give it once");
        }
    }

    /// <summary>Reads a parsed pipeline object, checking only its shape; every problem found is thrown together in a
    /// <see cref="PipelineValidationException"/>.</summary>
    public static PipelineDefinition FromJson(JsonObject o, string source)
    {
        var errors = new List<string>();
        foreach (var key in o.Select(kv => kv.Key).Where(k => !TopLevelKeys.Contains(k)))
            errors.Add($"$.{key}: unknown key '{key}' (valid: {string.Join(", ", TopLevelKeys)})");
        string name = Text(o, "name", required: true, errors) ?? "";
        string output = Text(o, "output", required: false, errors) ?? Path.Combine("runs", name);
        string description = Text(o, "description", required: false, errors) ?? "";
        int seed = Integer(o, "seed", 7, errors),
            threads = Integer(o, "threads", 0, errors);
        string device = Text(o, "device", required: false, errors) ?? "cpu",
            dtype = Text(o, "dtype", required: false, errors) ?? "float32";
        try
        {
            new Modeling.ModelLoadOptions
            {
                Device = device,
                DType = dtype,
                Threads = threads,
            }.Validate();
        }
        catch (DknInputException e)
        {
            errors.Add($"$: {e.Message}");
        }
        var steps = new List<StepDefinition>();
        if (o["steps"] is not JsonArray array)
            errors.Add($"$.steps: expected an array of steps, got {OptionSpec.Render(o["steps"])}");
        else
        {
            for (int i = 0; i < array.Count; i++)
            {
                var path = $"$.steps[{i}]";
                if (array[i] is not JsonObject s)
                {
                    errors.Add(
                        $"{path}: expected an object {{\"step\": ..., \"options\": {{...}}}}, got "
                            + $"{OptionSpec.Render(array[i])}"
                    );
                    continue;
                }
                foreach (var key in s.Select(kv => kv.Key).Where(k => !StepKeys.Contains(k)))
                    errors.Add($"{path}.{key}: unknown key '{key}' (valid: {string.Join(", ", StepKeys)})");
                var step = s["step"] is JsonValue v && v.TryGetValue<string>(out var n) ? n : null;
                if (step is null)
                    errors.Add($"{path}.step: expected the step name as a string, got {OptionSpec.Render(s["step"])}");
                var options = s["options"] switch
                {
                    null => new JsonObject(),
                    JsonObject opts => (JsonObject)opts.DeepClone(),
                    var other => Error(errors, $"{path}.options: expected an object, got {OptionSpec.Render(other)}"),
                };
                steps.Add(new StepDefinition(step ?? "", options, i));
            }
            if (array.Count == 0)
                errors.Add("$.steps: the pipeline has no steps");
        }
        var variants = PipelineVariant.ParseAll(o["variants"], errors);
        if (errors.Count > 0)
            throw new PipelineValidationException(source, errors);
        return new PipelineDefinition
        {
            Name = name,
            Description = description,
            Seed = seed,
            Output = output,
            Threads = threads,
            Device = device,
            DType = dtype,
            Steps = steps,
            Variants = variants,
            Source = source,
        };
    }

    /// <summary>The definition as JSON (overrides included), as recorded in the manifest.</summary>
    public JsonObject ToJson()
    {
        var json = new JsonObject
        {
            ["name"] = Name,
            ["description"] = Description,
            ["seed"] = Seed,
            ["output"] = Output,
            ["device"] = Device,
            ["dtype"] = DType,
            ["threads"] = Threads,
            ["steps"] = new JsonArray(
                Steps
                    .Select(s => (JsonNode)new JsonObject { ["step"] = s.Step, ["options"] = s.Options.DeepClone() })
                    .ToArray()
            ),
        };
        if (Variants.Count > 0)
            json["variants"] = new JsonArray(Variants.Select(v => (JsonNode)v.ToJson()).ToArray());
        return json;
    }

    static JsonObject Error(List<string> errors, string message)
    {
        errors.Add(message);
        return new JsonObject();
    }

    static string? Text(JsonObject o, string key, bool required, List<string> errors)
    {
        var node = o[key];
        if (node is null)
        {
            if (required)
                errors.Add($"$.{key}: missing (expected a string)");
            return null;
        }
        if (node is JsonValue v && v.TryGetValue<string>(out var s))
            return s;
        errors.Add($"$.{key}: expected a string, got {OptionSpec.Render(node)}");
        return null;
    }

    static int Integer(JsonObject o, string key, int fallback, List<string> errors)
    {
        var node = o[key];
        if (node is null)
            return fallback;
        if (OptionSpec.Int(fallback, "").TryConvert(node, out var value, out var error))
            return (int)value!;
        errors.Add($"$.{key}: {error}");
        return fallback;
    }
}
