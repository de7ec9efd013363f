using System.Diagnostics;
using System.Globalization;
using System.Text;
using MlNetDkn.Degeneracy;
using MlNetDkn.Degeneracy.Acquisition;
using MlNetDkn.Degeneracy.Planted;
using MlNetDkn.Facts;
using MlNetDkn.Modeling;
using MlNetDkn.Modeling.Tokenization;
using MlNetDkn.Perturbation;
using static TorchSharp.torch;

namespace MlNetDkn.Benchmarks;

/// <summary>
/// `acquisition`: the recommended DKN acquisition per fact (knockout rounds of joint integrated gradients, then
/// components from function with their completion), as the DKN stage runs it, on the planted benchmark's model
/// (built here, the planted pipeline's shape), each pass run from the embedding and each round on its own (the earlier
/// evaluation: <c>ShareAcrossRounds = false</c>, probes with <c>KeepsLayer0 = false</c>) and sharing what rounds and
/// passes have in common (the defaults), alternated fact by fact in one process.
/// Per path (gated, replaced activations): seconds per fact of the knockout rounds and of the whole acquisition
/// (median over repeats), the ratio, and whether both found the same candidates and components on every fact (with the
/// largest difference in a round's drop and completeness error).
/// Usage: dkn-bench acquisition [--threads 2] [--repeats 3] [--facts 40] [--dtype float32] [--seed 7]
/// [--layers 4] [--hidden 256] [--intermediate 512] [--out table.md]
/// </summary>
static class AcquisitionBenchmark
{
    sealed record Outcome(KnockoutResult Rounds, FactDknResult Dkn, double KnockoutSeconds, double Seconds);

    public static int Run(string[] args)
    {
        int threads = Args.Int(args, "--threads", 2),
            repeats = Args.Int(args, "--repeats", 3);
        string dtype = Args.Text(args, "--dtype") ?? "float32";
        set_num_threads(threads);
        var planted = new PlantedModelOptions
        {
            Seed = Args.Int(args, "--seed", 7),
            Layers = Args.Int(args, "--layers", 4),
            HiddenSize = Args.Int(args, "--hidden", 256),
            IntermediateSize = Args.Int(args, "--intermediate", 512),
        };
        string folder = Path.Combine(Path.GetTempPath(), $"dkn-bench-acquisition-{Environment.ProcessId}");
        try
        {
            var (_, facts) = PlantedModelBuilder.Build(planted, folder);
            using var session = ModelSession.Open(folder, new ModelLoadOptions { DType = dtype });
            var chosen = facts.Records.Take(Args.Int(args, "--facts", facts.Count)).ToList();
            var text = new StringBuilder();
            var c = CultureInfo.InvariantCulture;
            text.AppendLine(
                string.Create(
                    c,
                    $"planted model: {planted.Layers} layers, d {planted.HiddenSize}, d_ff {planted.IntermediateSize}, "
                        + $"seed {planted.Seed}, {dtype}; {chosen.Count} facts; {threads} threads; "
                        + $"median of {repeats} repeats, old and new alternated fact by fact"
                )
            );
            text.AppendLine();
            text.AppendLine(
                "| path | knockout s/fact (old) | knockout s/fact (new) | ratio | acquisition s/fact (old) "
                    + "| acquisition s/fact (new) | ratio | same candidates and components | max Δ drop "
                    + "| max Δ completeness |"
            );
            text.AppendLine("|---|---:|---:|---:|---:|---:|---:|:-:|---:|---:|");
            foreach (var path in new[] { JointPath.Gated, JointPath.Replace })
                text.AppendLine(Measure(session, chosen, path, repeats, c));
            Console.WriteLine(text);
            if (Args.Text(args, "--out") is { } output)
                File.WriteAllText(output, text.ToString());
            return 0;
        }
        finally
        {
            try
            {
                Directory.Delete(folder, recursive: true);
            }
            catch (IOException) { }
        }
    }

    static string Measure(
        ModelSession session,
        IReadOnlyList<FactRecord> facts,
        JointPath path,
        int repeats,
        CultureInfo c
    )
    {
        var stage = DknStageOptions.Default with { Knockout = DknStageOptions.Default.Knockout with { Path = path } };
        var shared = Share(stage, true);
        var alone = Share(stage, false);
        // Warm-up: libtorch and the JIT on one fact each way.
        Acquire(session, facts[0], shared);
        Acquire(session, facts[0], alone);
        var oldTotals = new List<(double Knockout, double All)>();
        var newTotals = new List<(double Knockout, double All)>();
        bool same = true;
        double dropDelta = 0,
            completenessDelta = 0;
        for (int r = 0; r < repeats; r++)
        {
            double oldKnockout = 0,
                oldAll = 0,
                newKnockout = 0,
                newAll = 0;
            foreach (var fact in facts)
            {
                // Alternate which goes first, so drifting load hits both alike.
                Outcome before,
                    after;
                if ((r + facts.Count) % 2 == 0)
                {
                    before = Acquire(session, fact, alone);
                    after = Acquire(session, fact, shared);
                }
                else
                {
                    after = Acquire(session, fact, shared);
                    before = Acquire(session, fact, alone);
                }
                oldKnockout += before.KnockoutSeconds;
                oldAll += before.Seconds;
                newKnockout += after.KnockoutSeconds;
                newAll += after.Seconds;
                if (!Same(before, after))
                {
                    same = false;
                    Console.Error.WriteLine(
                        $"{path} {fact.FactId}: candidates {string.Join(",", before.Rounds.Candidates)} | "
                            + $"{string.Join(",", after.Rounds.Candidates)}; components "
                            + string.Join(" / ", before.Dkn.Methods.Select(m => Components(m.Check.Dkn)))
                            + " | "
                            + string.Join(" / ", after.Dkn.Methods.Select(m => Components(m.Check.Dkn)))
                    );
                }
                foreach (var (a, b) in before.Rounds.Rounds.Zip(after.Rounds.Rounds))
                {
                    dropDelta = Math.Max(dropDelta, Math.Abs(a.MinDropAfter - b.MinDropAfter));
                    completenessDelta = Math.Max(
                        completenessDelta,
                        Math.Abs(a.CompletenessError - b.CompletenessError)
                    );
                }
            }
            oldTotals.Add((oldKnockout / facts.Count, oldAll / facts.Count));
            newTotals.Add((newKnockout / facts.Count, newAll / facts.Count));
        }
        double Median(IEnumerable<double> xs) => Statistics.Quantile(xs.ToList(), 0.5);
        double ok = Median(oldTotals.Select(t => t.Knockout)),
            nk = Median(newTotals.Select(t => t.Knockout)),
            oa = Median(oldTotals.Select(t => t.All)),
            na = Median(newTotals.Select(t => t.All));
        return string.Create(
            c,
            $"| {path.ToString().ToLowerInvariant()} | {ok:0.0000} | {nk:0.0000} | {ok / nk:0.00}× | {oa:0.0000} "
                + $"| {na:0.0000} | {oa / na:0.00}× | {(same ? "yes" : "no")} | {dropDelta:0.0E+0} "
                + $"| {completenessDelta:0.0E+0} |"
        );
    }

    static DknStageOptions Share(DknStageOptions stage, bool share) =>
        stage with
        {
            Knockout = stage.Knockout with { ShareAcrossRounds = share },
            Dkn = stage.Dkn with
            {
                Functional = stage.Dkn.Functional with
                {
                    Attribution = stage.Dkn.Functional.Attribution with { ShareAcrossRounds = share },
                },
            },
        };

    /// <summary>Same candidates in the same order, same rounds and stop, same components and verdict per
    /// method.</summary>
    static bool Same(Outcome a, Outcome b) =>
        a.Rounds.Candidates.SequenceEqual(b.Rounds.Candidates)
        && a.Rounds.StopReason == b.Rounds.StopReason
        && a.Rounds.Rounds.Count == b.Rounds.Rounds.Count
        && a.Dkn.Methods.Count == b.Dkn.Methods.Count
        && a.Dkn.Methods.Zip(b.Dkn.Methods)
            .All(m =>
                m.First.Check.IsDkn == m.Second.Check.IsDkn
                && Components(m.First.Check.Dkn) == Components(m.Second.Check.Dkn)
                && Components(m.First.Candidates) == Components(m.Second.Candidates)
            );

    static string Components(IReadOnlyList<IReadOnlyList<Neuron>> components) =>
        string.Join(";", components.Select(c => string.Join(",", c)));

    /// <summary>What the DKN stage times per fact (<c>AcquisitionSeconds</c>): knockout rounds, then the
    /// search for DKNs among the candidates; the probes are built before the clock starts.</summary>
    static Outcome Acquire(ModelSession session, FactRecord fact, DknStageOptions options)
    {
        var answer = PromptEncoding.Answer(session.Tokenizer, fact.Answer, options.Answer);
        var probes = fact
            .Prompts.Select(p => new PrefixCacheProbe(
                session.Model,
                PromptEncoding.Prompt(session.Tokenizer, p),
                answer,
                options.Dkn.Site
            )
            {
                KeepsLayer0 = options.Knockout.ShareAcrossRounds,
            })
            .ToList();
        try
        {
            var clock = Stopwatch.StartNew();
            var rounds = KnockoutAttribution.Run(probes, options.Knockout);
            double knockout = clock.Elapsed.TotalSeconds;
            var neurons = rounds.Candidates.Take(options.MaxNeurons > 0 ? options.MaxNeurons : int.MaxValue).ToList();
            var dkn = DknFinder.Find(
                new ModelNeuronVectors(session.Model),
                session.Config.Family,
                probes,
                neurons,
                options.Dkn,
                fact.FactId,
                fact.Prompts[0]
            );
            return new Outcome(rounds, dkn, knockout, clock.Elapsed.TotalSeconds);
        }
        finally
        {
            foreach (var p in probes)
                p.Dispose();
        }
    }
}
