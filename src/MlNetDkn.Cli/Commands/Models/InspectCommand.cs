using System.ComponentModel;
using System.Text.Json;
using System.Text.Json.Nodes;
using MlNetDkn.Modeling;
using MlNetDkn.Modeling.Interventions;
using Spectre.Console;
using Spectre.Console.Cli;
using static TorchSharp.torch;

namespace MlNetDkn.Cli.Commands.Models;

/// <summary>`dkn inspect`: next-token probabilities and MLP neuron sites of a model for one prompt.</summary>
public sealed class InspectCommand : Command<InspectCommand.Settings>
{
    public sealed class Settings : ModelSettings
    {
        [CommandOption("-k|--top <K>")]
        [Description("How many next tokens to list")]
        [DefaultValue(10)]
        public int Top { get; init; } = 10;

        [CommandOption("--greedy <N>")]
        [Description("Also decode N greedy tokens (KV cache)")]
        [DefaultValue(0)]
        public int Greedy { get; init; }

        [CommandOption("--json")]
        [Description("Print one JSON object: tokens, next_token_logits, mlp_pre, mlp_post, top, greedy")]
        public bool Json { get; init; }
    }

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        if (settings.Top < 1)
            throw new DknInputException($"--top must be at least 1 (got {settings.Top})");
        if (settings.Greedy < 0)
            throw new DknInputException($"--greedy must be 0 or more (got {settings.Greedy})");
        using var loaded = settings.LoadModel();
        var tokenizer = settings.TryLoadTokenizer(required: settings.Text is not null);
        var prompt = settings.PromptIds(loaded.Config, tokenizer);
        var model = loaded.Model;
        int layers = loaded.Config.NumLayers;

        using var noGrad = no_grad();
        var captures = Enumerable
            .Range(0, layers)
            .SelectMany(l =>
                new[]
                {
                    new CaptureActivation(l, NeuronSite.Pre, TokenPositions.Last),
                    new CaptureActivation(l, NeuronSite.Post, TokenPositions.Last),
                }
            )
            .ToArray();
        Tensor logits;
        using (model.Intervene(captures))
            logits = model
                .Forward(tensor(prompt, device: model.Device).unsqueeze(0))[0, -1]
                .to_type(ScalarType.Float64)
                .cpu();
        var probabilities = logits.softmax(-1);
        var top = probabilities.topk(Math.Min(settings.Top, (int)logits.shape[0]));
        var topIds = top.indexes.data<long>().ToArray();
        var topProbs = top.values.data<double>().ToArray();
        var greedy = settings.Greedy > 0 ? Generation.Greedy(model, prompt, settings.Greedy) : [];
        string Text(long id) => tokenizer?.TokenText((int)id) ?? "";

        if (settings.Json)
        {
            double[] Row(CaptureActivation c) =>
                c.Captured![0, 0].to_type(ScalarType.Float64).cpu().data<double>().ToArray();
            var json = new JsonObject
            {
                ["model"] = loaded.Source,
                ["model_type"] = loaded.Config.Family.ToString(),
                ["tokens"] = new JsonArray(prompt.Select(t => (JsonNode)t).ToArray()),
                ["next_token_logits"] = new JsonArray(
                    logits.data<double>().ToArray().Select(v => (JsonNode)v).ToArray()
                ),
                ["mlp_pre"] = Matrix(captures.Where(c => c.Site == NeuronSite.Pre).Select(Row)),
                ["mlp_post"] = Matrix(captures.Where(c => c.Site == NeuronSite.Post).Select(Row)),
                ["top"] = new JsonArray(
                    topIds
                        .Select(
                            (id, i) =>
                                (JsonNode)
                                    new JsonObject
                                    {
                                        ["id"] = id,
                                        ["token"] = Text(id),
                                        ["prob"] = topProbs[i],
                                    }
                        )
                        .ToArray()
                ),
                ["greedy"] = new JsonArray(greedy.Select(t => (JsonNode)t).ToArray()),
            };
            if (tokenizer is not null && greedy.Length > 0)
                json["greedy_text"] = tokenizer.Decode(greedy.Select(t => (int)t));
            Console.Out.WriteLine(json.ToJsonString(new JsonSerializerOptions { WriteIndented = false }));
            return 0;
        }

        AnsiConsole.MarkupLine(
            $"[bold]{Markup.Escape(loaded.Source)}[/] ({loaded.Config.Family}, {layers} layers, d_ff "
                + $"{loaded.Config.IntermediateSize})"
        );
        AnsiConsole.MarkupLine($"prompt tokens: {string.Join(",", prompt)}");
        var table = new Table()
            .AddColumn("rank")
            .AddColumn("id")
            .AddColumn("token")
            .AddColumn(new TableColumn("probability").RightAligned());
        for (int i = 0; i < topIds.Length; i++)
            table.AddRow($"{i + 1}", $"{topIds[i]}", Markup.Escape(Text(topIds[i])), $"{topProbs[i]:0.000000}");
        AnsiConsole.Write(table);
        if (greedy.Length > 0)
        {
            AnsiConsole.MarkupLine($"greedy ids: {string.Join(",", greedy)}");
            if (tokenizer is not null)
                AnsiConsole.MarkupLine($"greedy text: {Markup.Escape(tokenizer.Decode(greedy.Select(t => (int)t)))}");
        }
        return 0;
    }

    static JsonArray Matrix(IEnumerable<double[]> rows) =>
        new(rows.Select(r => (JsonNode)new JsonArray(r.Select(v => (JsonNode)v).ToArray())).ToArray());
}
