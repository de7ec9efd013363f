using System.Diagnostics;
using System.Globalization;
using System.Text;
using MlNetDkn.Attribution;
using MlNetDkn.Attribution.Agreement;
using MlNetDkn.Attribution.Internal;
using MlNetDkn.Modeling;
using MlNetDkn.Modeling.Tokenization;
using static TorchSharp.torch;

namespace MlNetDkn.Benchmarks;

/// <summary>
/// `quadrature`: path-integral rules against a converged reference (512-point midpoint), side by side in one run, on
/// the golden models (three sequences each), stories260K (eight story prompts) and a GPT-2-small-shaped random model
/// (two prompts; the one where time follows the rows evaluated). Every rule keeps the corrected
/// method's site, baseline and multiplier and changes only its points, so the differences are quadrature error. Per
/// model and rule: worst score error max|s − ref| / max|ref| over prompts, worst relative completeness error, worst
/// top-10 overlap and knowledge-neuron Jaccard (ratio 0.2 of the max) with the reference, mean path points, and mean
/// seconds per prompt (median of the repeats). Then the cheapest rule that is at least as close as the better of the
/// peers' 20-point rules (linspace, left Riemann) on every model, by every measure, and the same against the default
/// (20-point midpoint); errors within the float32 floor tie (see <see cref="Floor"/>). EleutherAI's algorithm (the
/// `eleuther` preset, 20-point linspace Riemann sum) runs in the same loop, timed only: every rule's time is also given
/// as a ratio to it.
/// Usage: dkn-bench quadrature [--dtype float32] [--threads 2] [--repeats 3] [--large-layers 12 (0: skip)]
/// [--large-prompts 2] [--out table.md]
/// </summary>
static class QuadratureBenchmark
{
    sealed record Rule(string Name, AttributionOptions Options);

    sealed record Row(
        string Model,
        string Rule,
        double ScoreError,
        double Completeness,
        double Top10,
        double Jaccard,
        double Points,
        double Rows,
        double Seconds,
        double EleutherSeconds
    );

    static readonly string[] Peers = ["linspace-20", "left-riemann-20"];
    const string Reference = "midpoint-512 (reference)";

    static IReadOnlyList<Rule> Rules()
    {
        var corrected = AttributionOptions.Default;
        var rules = new List<Rule>
        {
            new("linspace-20", corrected with { Grid = PathGrid.Linspace, Steps = 20 }),
            new("left-riemann-20", corrected with { Grid = PathGrid.LeftRiemann, Steps = 20 }),
        };
        rules.AddRange(new[] { 4, 5, 8, 10, 20 }.Select(n => new Rule($"midpoint-{n}", corrected with { Steps = n })));
        rules.AddRange(new[] { 2, 3, 4, 5, 6, 8 }.Select(n => new Rule($"gauss-{n}", AttributionOptions.Gauss(n))));
        rules.Add(new("adaptive (gauss, 1e-3)", AttributionOptions.Adaptive));
        return rules;
    }

    public static int Run(string[] args)
    {
        int threads = Args.Int(args, "--threads", 2),
            repeats = Args.Int(args, "--repeats", 3);
        string dtype = Args.Text(args, "--dtype") ?? "float32";
        set_num_threads(threads);
        string shared = Path.Combine(Args.RepositoryRoot(), "..", "shared");
        var rules = Rules();
        var rows = new List<Row>();
        foreach (var arch in new[] { "gpt2", "llama", "qwen2", "gpt_neox" })
        {
            var folder = Path.Combine(shared, "golden", arch);
            using var loaded = ModelLoader.Load(folder, new ModelLoadOptions { DType = dtype });
            rows.AddRange(Measure($"golden {arch}", loaded.Model, GoldenPrompts(shared), rules, repeats));
        }
        var stories = Path.Combine(shared, "models", "stories260K");
        using (var session = ModelSession.Open(stories, new ModelLoadOptions { DType = dtype }))
            rows.AddRange(Measure("stories260K", session.Model, StoryPrompts(session.Tokenizer), rules, repeats));
        // Where time follows the number of rows: GPT-2-small's shape with random weights (its scores mean little).
        if (Args.Int(args, "--large-layers", 12) is > 0 and var layers)
        {
            manual_seed(0);
            using var model = ModelLoader.Create(
                new ModelConfig
                {
                    Family = ModelFamily.Gpt2,
                    VocabSize = 50257,
                    HiddenSize = 768,
                    IntermediateSize = 3072,
                    NumLayers = layers,
                    NumHeads = 12,
                    NumKvHeads = 12,
                    HeadDim = 64,
                    MaxPositions = 1024,
                    EosTokenId = 50256,
                },
                new ModelLoadOptions { DType = dtype }.ScalarType
            );
            model.eval();
            foreach (var parameter in model.parameters())
                parameter.requires_grad = false;
            var prompts = Enumerable
                .Range(0, Args.Int(args, "--large-prompts", 2))
                .Select(k => new AttributionRequest(
                    Enumerable.Range(0, 12).Select(i => (long)(1000 + 37 * i + 101 * k)).ToArray(),
                    [464L + k]
                ))
                .ToList();
            rows.AddRange(Measure($"random gpt2-small shape, {layers} layers", model, prompts, rules, repeats));
        }

        var report = Report(rows, rules, dtype, threads, repeats);
        Console.WriteLine(report);
        if (Args.Text(args, "--out") is { } path)
            File.WriteAllText(path, report);
        return 0;
    }

    /// <summary>The golden manifest's three sequences and targets.</summary>
    static List<AttributionRequest> GoldenPrompts(string shared)
    {
        var manifestPath = Path.Combine(shared, "golden", "manifest.json");
        var manifest = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(manifestPath))!;
        var sequences = manifest["sequences"]!.AsArray();
        return Enumerable
            .Range(0, sequences.Count)
            .Select(s => new AttributionRequest(
                sequences[s]!.AsArray().Select(n => n!.GetValue<long>()).ToArray(),
                [manifest["targets"]![s]!.GetValue<long>()]
            ))
            .ToList();
    }

    /// <summary>Story prompts whose answers stories260K predicts (its documented greedy sample and its neighbours).
    /// </summary>
    static List<AttributionRequest> StoryPrompts(ITextTokenizer tokenizer) =>
        [
            .. new (string Prompt, string Answer)[]
            {
                ("Once upon a time, there was a little girl named", "Lily"),
                ("There was a little girl named", "Lily"),
                ("She loved to", "play"),
                ("One day, she wanted to", "play"),
                ("She liked to play outside in the", "park"),
                ("They went to the", "park"),
                ("She was very", "happy"),
                ("The little girl was", "happy"),
            }.Select(p => new AttributionRequest(
                PromptEncoding.Prompt(tokenizer, p.Prompt),
                PromptEncoding.Answer(tokenizer, p.Answer, AnswerEncoding.Natural)
            )),
        ];

    /// <summary>Rows evaluated per layer and answer token: the points, a baseline row where the grid lacks α = 0, and
    /// for an adaptive rule every count it tried before the one it kept.</summary>
    static int RowsEvaluated(AttributionOptions options, int used) =>
        AdaptiveSteps
            .Schedule(options)
            .TakeWhile(n => n <= used)
            .Sum(n => n + (options.Grid is PathGrid.LeftRiemann or PathGrid.Linspace ? 0 : 1));

    static IEnumerable<Row> Measure(
        string name,
        CausalLm model,
        List<AttributionRequest> prompts,
        IReadOnlyList<Rule> rules,
        int repeats
    )
    {
        var referenceClock = Stopwatch.StartNew();
        var referenceOptions = AttributionOptions.Default with { Steps = 512 };
        var referenceResults = prompts.Select(p => IntegratedGradients.Attribute(model, p, referenceOptions)).ToList();
        double referenceSeconds = referenceClock.Elapsed.TotalSeconds / prompts.Count;
        var reference = referenceResults.Select(r => r.Scores).ToList();
        var perRule = rules.ToDictionary(
            r => r.Name,
            _ => new List<(
                double Error,
                double Completeness,
                double Top10,
                double Jaccard,
                double Points,
                double Rows,
                double Seconds
            )>()
        );
        var eleuther = new List<double>(); // median seconds of the eleuther preset, per prompt
        for (int p = 0; p < prompts.Count; p++)
        {
            var referenceKns = KnowledgeNeurons(reference[p]);
            double scale = reference[p].SelectMany(r => r).Max(Math.Abs);
            // Rules alternate within each prompt, so drifting machine load hits all of them alike.
            var times = rules.ToDictionary(r => r.Name, _ => new List<double>());
            var results = new Dictionary<string, AttributionResult>();
            var eleutherTimes = new List<double>();
            for (int k = 0; k < repeats; k++)
            {
                foreach (var rule in rules)
                {
                    var watch = Stopwatch.StartNew();
                    results[rule.Name] = IntegratedGradients.Attribute(model, prompts[p], rule.Options);
                    times[rule.Name].Add(watch.Elapsed.TotalSeconds);
                }
                // EleutherAI's algorithm (the eleuther preset: its site, baseline, multiplier and 20-point grid), timed
                // in the same loop for the time ratio; its scores answer another question, so they are not compared.
                var eleutherWatch = Stopwatch.StartNew();
                IntegratedGradients.Attribute(model, prompts[p], AttributionOptions.Eleuther);
                eleutherTimes.Add(eleutherWatch.Elapsed.TotalSeconds);
            }
            eleuther.Add(Statistics.Quantile(eleutherTimes, 0.5));
            foreach (var rule in rules)
            {
                var r = results[rule.Name];
                double error = r
                    .Scores.Zip(reference[p])
                    .Max(q => q.First.Zip(q.Second).Max(v => Math.Abs(v.First - v.Second)));
                perRule[rule.Name]
                    .Add(
                        (
                            error / scale,
                            r.RelativeCompletenessError,
                            RankAgreement.TopKOverlap(reference[p], r.Scores, 10),
                            Statistics.Jaccard(referenceKns, KnowledgeNeurons(r.Scores)),
                            r.PathPointsUsed.Average(),
                            r.PathPointsUsed.Average(n => RowsEvaluated(rule.Options, n)),
                            Statistics.Quantile(times[rule.Name], 0.5)
                        )
                    );
            }
        }
        // The reference's own completeness error is the float32 floor the measures are read against.
        yield return new Row(
            name,
            Reference,
            0,
            referenceResults.Max(r => r.RelativeCompletenessError),
            1,
            1,
            512,
            513,
            referenceSeconds,
            eleuther.Average()
        );
        foreach (
            var row in rules.Select(rule =>
            {
                var m = perRule[rule.Name];
                return new Row(
                    name,
                    rule.Name,
                    m.Max(x => x.Error),
                    m.Max(x => x.Completeness),
                    m.Min(x => x.Top10),
                    m.Min(x => x.Jaccard),
                    m.Average(x => x.Points),
                    m.Average(x => x.Rows),
                    m.Average(x => x.Seconds),
                    eleuther.Average()
                );
            })
        )
            yield return row;
    }

    static IEnumerable<Neuron> KnowledgeNeurons(double[][] scores) =>
        NeuronSelection.Coarse(scores, CoarseThreshold.RatioOfMax(0.2)).Select(n => n.Neuron);

    /// <summary>Errors at or below these count as equal: float32 rounding, not quadrature. Score error: 1e-5 (the
    /// converged Gauss rules reach 1e-7–1e-6 on the golden models). Completeness: twice the reference's own error
    /// (1.5e-4 on the 36,864 neurons of the GPT-2-small shape, where every rule sits at it), at least 1e-5.</summary>
    static (double Score, double Completeness) Floor(IEnumerable<Row> modelRows) =>
        (1e-5, Math.Max(1e-5, 2 * modelRows.Single(r => r.Rule == Reference).Completeness));

    /// <summary>At least as close as the better of the bar rules on this model by every measure (errors within the
    /// float32 floor tie).</summary>
    static bool AtLeastAsClose(Row row, IEnumerable<Row> modelRows, string[] bar)
    {
        var peers = modelRows.Where(r => bar.Contains(r.Rule)).ToList();
        var floor = Floor(modelRows);
        double scoreBar = Math.Max(peers.Min(p => p.ScoreError), floor.Score);
        double completenessBar = Math.Max(peers.Min(p => p.Completeness), floor.Completeness);
        return row.ScoreError <= scoreBar
            && row.Completeness <= completenessBar
            && row.Top10 >= peers.Max(p => p.Top10)
            && row.Jaccard >= peers.Max(p => p.Jaccard);
    }

    static string Verdict(Row r, IEnumerable<Row> group) =>
        Peers.Contains(r.Rule) ? "peer"
        : r.Rule == Reference ? "ref"
        : AtLeastAsClose(r, group, Peers) ? "yes"
        : "no";

    static string Report(List<Row> rows, IReadOnlyList<Rule> rules, string dtype, int threads, int repeats)
    {
        var text = new StringBuilder();
        var c = CultureInfo.InvariantCulture;
        text.AppendLine(
            $"dtype {dtype}, {threads} threads, median of {repeats} repeats per prompt; "
                + "reference: 512-point midpoint"
        );
        text.AppendLine();
        text.AppendLine(
            "| model | rule | points | rows/layer | score error (max) | completeness (max) "
                + "| top-10 (min) | KN Jaccard (min) | ms/prompt | time ÷ eleuther | ≥ peers |"
        );
        text.AppendLine("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|:-:|");
        foreach (var group in rows.GroupBy(r => r.Model))
        foreach (var r in group)
            text.AppendLine(
                string.Create(
                    c,
                    $"| {r.Model} | {r.Rule} | {r.Points:0.#} | {r.Rows:0.#} | "
                        + $"{r.ScoreError:0.0E+0} | "
                        + $"{r.Completeness:0.0E+0} | {r.Top10:0.00} | {r.Jaccard:0.00} | {r.Seconds * 1000:0.0} | "
                        + $"{r.Seconds / r.EleutherSeconds:0.00} | {Verdict(r, group)} |"
                )
            );
        text.AppendLine();
        text.AppendLine(
            "time ÷ eleuther: the rule's ms/prompt over that of EleutherAI's algorithm (the `eleuther` preset: "
                + "pre-activation, zero baseline, 20-point linspace Riemann sum, multiplier a), timed in the same loop:"
        );
        foreach (var group in rows.GroupBy(r => r.Model))
            text.AppendLine(
                string.Create(c, $"- {group.Key}: eleuther {group.First().EleutherSeconds * 1000:0.0} ms/prompt")
            );
        text.AppendLine();
        var bars = new[] { (Peers, "the peers' 20-point rules"), (["midpoint-20"], "midpoint-20 (the default)") };
        foreach (var (bar, what) in bars)
        {
            // Cheapest: fewest rows evaluated, over the models, among rules that match the bar everywhere.
            var qualifying = rules
                .Where(rule =>
                    !bar.Contains(rule.Name)
                    && !Peers.Contains(rule.Name)
                    && rows.GroupBy(r => r.Model).All(g => AtLeastAsClose(g.Single(r => r.Rule == rule.Name), g, bar))
                )
                .OrderBy(rule => rows.Where(r => r.Rule == rule.Name).Average(r => r.Rows))
                .ToList();
            text.AppendLine(
                qualifying.Count == 0
                    ? $"No rule is at least as close as {what} on every model."
                    : $"Cheapest rule at least as close as {what} on every model, by every measure: "
                        + $"{qualifying[0].Name} "
                        + $"(also qualifying, by cost: {string.Join(", ", qualifying.Skip(1).Select(q => q.Name))})."
            );
        }
        return text.ToString();
    }
}
