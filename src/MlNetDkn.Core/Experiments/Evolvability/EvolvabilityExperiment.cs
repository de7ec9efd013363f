using MlNetDkn.Facts;
using MlNetDkn.Modeling;
using MlNetDkn.Modeling.Checkpoints;
using MlNetDkn.Modeling.Tokenization;
using MlNetDkn.Perturbation;

namespace MlNetDkn.Experiments.Evolvability;

/// <summary>An old fact as the experiment reads it: the fact and its DKN and knowledge neurons.</summary>
public sealed record OldFact(
    FactRecord Fact,
    IReadOnlyCollection<Neuron> Dkn,
    IReadOnlyCollection<Neuron> KnowledgeNeurons
);

/// <summary>Accuracy (greedy on the gold tokens) and mean answer probability on one query set, and per fact (the unit
/// of analysis) the share of its prompts answered, in the set's fact order.</summary>
public sealed record QueryScore(int Queries, double Accuracy, double MeanProbability)
{
    /// <summary>Per fact of the set, the share of its prompts answered (greedy on the gold tokens), in [0,
    /// 1].</summary>
    public double[] PerFact { get; init; } = [];
}

/// <summary>One fine-tune: variant, learning rate, seed, what could move, and the query sets after it.</summary>
public sealed record FineTuneRun
{
    /// <summary>The store key: a hash of the model, options, updates and pools, then "/variant/learning
    /// rate/seed".</summary>
    public required string Key { get; init; }

    /// <summary>The variant's name ("dkn", "kn", "random", "random-kn", "kn-subset", "all").</summary>
    public required string Variant { get; init; }

    /// <summary>Adam's learning rate for this run.</summary>
    public required double LearningRate { get; init; }

    /// <summary>The seed of the run's shuffling and torch initialisation.</summary>
    public required int Seed { get; init; }

    /// <summary>Parameter entries the optimizer could change (masked to the variant's neurons; every entry for
    /// "all").</summary>
    public required long TrainableParameters { get; init; }

    /// <summary>Optimizer steps taken (two per batch under the authors' double step).</summary>
    public required int OptimizerSteps { get; init; }

    /// <summary>Mean teacher-forced cross-entropy of the answer tokens over the last epoch.</summary>
    public required double FinalLoss { get; init; }

    /// <summary>The updated facts on their held-out last training paraphrase (the learning-rate criterion's new-fact
    /// part).</summary>
    public required QueryScore Validation { get; init; }

    /// <summary>Unrelated old facts kept apart from Q_old: the retention part of the learning-rate criterion.</summary>
    public required QueryScore ValidationRetention { get; init; }

    /// <summary>Q_new: the updated facts on the prompts trained on.</summary>
    public required QueryScore New { get; init; }

    /// <summary>Q_au: the updated facts on held-out paraphrases never trained on.</summary>
    public required QueryScore Paraphrases { get; init; }

    /// <summary>Q_old: unrelated old facts (subjects not updated) on their first prompt.</summary>
    public required QueryScore Retention { get; init; }

    /// <summary>The saved fine-tuned model (the chosen learning rate, first seed), else null.</summary>
    public string? ModelFolder { get; init; }
}

/// <summary>What E1 and E2 found.</summary>
public sealed record EvolvabilityResult
{
    /// <summary>New facts that update a fact of the input.</summary>
    public required int UpdatedFacts { get; init; }

    /// <summary>The neuron pools by variant name ("dkn", "kn", "random", "random-kn", "kn-subset"); an empty pool is
    /// skipped.</summary>
    public required Dictionary<string, Neuron[]> Pools { get; init; }

    /// <summary>Q_new scored on the model before any fine-tune.</summary>
    public required QueryScore BaselineNew { get; init; }

    /// <summary>Q_au scored on the model before any fine-tune.</summary>
    public required QueryScore BaselineParaphrases { get; init; }

    /// <summary>Q_old scored on the model before any fine-tune.</summary>
    public required QueryScore BaselineRetention { get; init; }

    /// <summary>Per variant, the learning rate chosen on the held-out criterion
    /// (<see cref="LearningRateChoice"/>).</summary>
    public required Dictionary<string, double> ChosenLearningRates { get; init; }

    /// <summary>Fact ids of each query set (Q_new, Q_au, Q_old, ...), in the order of
    /// <see cref="QueryScore.PerFact"/>.</summary>
    public required Dictionary<string, string[]> QueryFacts { get; init; }

    /// <summary>What is smaller than asked, and why.</summary>
    public required string[] Notes { get; init; }

    /// <summary>Every fine-tune: the grid's other learning rates at the first seed, then every seed at the chosen
    /// rate.</summary>
    public required FineTuneRun[] Runs { get; init; }

    /// <summary>E2's rows: each definition of "changed" against each pool (empty when the full fine-tune did not
    /// run).</summary>
    public required OverlapRow[] Overlap { get; init; }

    /// <summary>Variants that could not run, and why (e.g. no DKN among the updated facts); "random-pool" notes how
    /// the random pool had to be drawn.</summary>
    public required Dictionary<string, string> Skipped { get; init; }
}

/// <summary>
/// E1 and E2, written once for the C# API, the ML.NET estimator and the pipeline step (`pipelines/evolvability.json`).
/// The updated facts' old versions give the neuron pools (their DKNs, their knowledge neurons, random pools matched
/// in size and layers to each, and a subset of the knowledge neurons with the DKN pool's size and layers). Query sets
/// are fixed before training (<see cref="EvolvabilityQueries"/>). Every variant is fine-tuned from a fresh copy of the
/// model at each learning rate (first seed), the rate is chosen on held-out new-fact and retention accuracy
/// (<see cref="LearningRateChoice"/>), then every seed runs at it. Each run is stored as it
/// finishes, so a killed run resumes; the chosen first-seed models are saved as Hugging Face folders. E2 compares
/// the full fine-tune's per-neuron weight change with the pools.
/// </summary>
public sealed class EvolvabilityExperiment(
    string modelPath,
    ModelLoadOptions load,
    EvolvabilityOptions options,
    JsonLinesStore<FineTuneRun> store,
    string folder
)
{
    /// <summary>File name of the run store, under the output folder's store/ subfolder.</summary>
    public const string StoreFileName = "fine_tunes.jsonl";

    /// <summary>Opens (or creates) the run store at <paramref name="folder"/>/store/<see cref="StoreFileName"/>, keyed
    /// by run key.</summary>
    public static JsonLinesStore<FineTuneRun> OpenStore(string folder) =>
        new(Path.Combine(folder, "store", StoreFileName), r => r.Key);

    /// <summary>Runs E1 and E2 for the new facts that update a fact of <paramref name="oldFacts"/> (ids "old
    /// id#updated"). Throws <see cref="DknInputException"/> when none does or one has fewer than two prompts.</summary>
    /// <param name="oldFacts">The input facts with their DKNs and knowledge neurons.</param>
    /// <param name="newFacts">The updates, as <see cref="FactUpdates.Draw"/> makes them.</param>
    public EvolvabilityResult Run(
        IReadOnlyList<OldFact> oldFacts,
        FactDataset newFacts,
        IProgress<string>? progress = null,
        CancellationToken cancellation = default
    )
    {
        options.Validate();
        using var baseSession = ModelSession.Open(modelPath, load);
        var tokenizer = baseSession.Tokenizer;
        var byId = oldFacts.ToDictionary(f => f.Fact.FactId, StringComparer.Ordinal);
        var updated = newFacts.Records.Where(n => byId.ContainsKey(FactUpdates.OldId(n.FactId))).ToList();
        if (updated.Count == 0)
            throw new DknInputException(
                $"evolvability: none of the {newFacts.Count} new facts updates a fact of the input (ids '<old "
                    + $"id>{FactUpdates.Suffix}' expected)"
            );
        if (updated.Any(u => u.Prompts.Count < 2))
            throw new DknInputException(
                $"evolvability: new fact '{updated.First(u => u.Prompts.Count < 2).FactId}' needs at least two "
                    + $"prompts (one is held out to choose the learning rate)"
            );

        (long[], long[]) Encode(string prompt, string answer) =>
            (PromptEncoding.Prompt(tokenizer, prompt), PromptEncoding.Answer(tokenizer, answer, options.Answer));
        var queries = EvolvabilityQueries.Build(updated, oldFacts, options, Encode);

        var olds = updated.Select(u => byId[FactUpdates.OldId(u.FactId)]).ToList();
        var dknPool = Pool(olds.SelectMany(o => o.Dkn));
        var knPool = Pool(olds.SelectMany(o => o.KnowledgeNeurons));
        int width = baseSession.Config.IntermediateSize;
        Neuron[] randomPool = [];
        string? randomNote = null;
        if (dknPool.Length > 0)
        {
            // Outside both pools if the layers have room, else outside the DKN pool, else anywhere (said in the
            // tables).
            foreach (
                var (excluded, note) in new[]
                {
                    (dknPool.Concat(knPool).ToHashSet(), (string?)null),
                    (dknPool.ToHashSet(), "drawn outside the DKN pool only"),
                    (new HashSet<Neuron>(), "drawn from every neuron (the DKN pool fills its layers)"),
                }
            )
            {
                try
                {
                    randomPool = MatchedRandomSets.Draw(
                        dknPool,
                        excluded,
                        width,
                        1,
                        options.Seed,
                        "evolvability",
                        "pool"
                    )[0];
                    randomNote = note;
                    break;
                }
                catch (DknInputException) { }
            }
        }
        var pools = new Dictionary<string, Neuron[]>
        {
            ["dkn"] = dknPool,
            ["kn"] = knPool,
            ["random"] = randomPool,
        };
        var skipped = new Dictionary<string, string>();
        if (randomNote is not null)
            skipped["random-pool"] = randomNote;
        pools["random-kn"] = ControlPool(knPool, dknPool.Concat(knPool).ToHashSet(), width, "random-kn", skipped);
        // A subset of the knowledge-neuron pool (with the DKN pool) of the DKN pool's size and layers.
        pools["kn-subset"] =
            dknPool.Length == 0
                ? []
                : MatchedRandomSets.DrawFrom(
                    dknPool,
                    [.. knPool.Union(dknPool)],
                    1,
                    options.Seed,
                    "evolvability",
                    "kn-subset"
                )[0];

        QueryScore Score(CausalLm model, QuerySet set)
        {
            if (set.Items.Count == 0)
                return new QueryScore(0, double.NaN, double.NaN);
            var s = PromptBatchProbe.Score(model, set.Items);
            var perFact = set
                .FactIds.Select(
                    (_, f) =>
                        Enumerable.Range(0, s.Length).Where(i => set.Fact[i] == f).Average(i => s[i].Greedy ? 1.0 : 0.0)
                )
                .ToArray();
            return new QueryScore(set.Items.Count, s.Average(x => x.Greedy ? 1.0 : 0.0), s.Average(x => x.Probability))
            {
                PerFact = perFact,
            };
        }
        var (train, validation, paraphrases, retention) = (
            queries.Train,
            queries.Validation,
            queries.Paraphrases,
            queries.Retention
        );
        var baselineNew = Score(baseSession.Model, train);
        var baselineParaphrases = Score(baseSession.Model, paraphrases);
        var baselineRetention = Score(baseSession.Model, retention);
        var dataKey = ContentHashing.Sha256OfText(
            string.Join(
                "\u001f",
                baseSession.ContentHash,
                OptionsJson.Canonical(options),
                string.Join(";", updated.Select(u => u.FactId + "=" + u.Answer)),
                string.Join(",", dknPool),
                string.Join(",", knPool)
            )
        )[..24];

        var runs = new List<FineTuneRun>();
        var chosen = new Dictionary<string, double>();
        foreach (var variant in options.Variants)
        {
            var name = EvolvabilityOptions.Name(variant);
            IReadOnlyCollection<Neuron>? neurons = variant == FineTuneVariant.All ? null : pools[name];
            if (neurons is { Count: 0 })
            {
                skipped[name] = $"the updated facts' old versions have no {name} neurons";
                continue;
            }
            FineTuneRun RunOne(double lr, int seed, bool save)
            {
                cancellation.ThrowIfCancellationRequested();
                var key = $"{dataKey}/{name}/{lr:R}/{seed}";
                var modelFolder = Path.Combine(folder, "models", name);
                if (
                    store.TryGet(key, out var found)
                    && (
                        !save
                        || found.ModelFolder is not null
                            && File.Exists(Path.Combine(found.ModelFolder, HuggingFaceFolder.SingleFile))
                    )
                )
                    return found;
                progress?.Report($"fine-tuning {name} at learning rate {lr:G3}, seed {seed}");
                using var copy = ModelLoader.Load(modelPath, load);
                var result = NeuronFineTuning.Train(
                    copy.Model,
                    train.Items,
                    neurons,
                    new FineTuneOptions
                    {
                        LearningRate = lr,
                        Epochs = options.Epochs,
                        BatchSize = options.BatchSize,
                        Seed = seed,
                        AuthorsLeaky = options.AuthorsLeaky && neurons is not null,
                        AuthorsDoubleStep = options.AuthorsDoubleStep,
                    }
                );
                if (save)
                    SaveModel(copy.Model, modelFolder);
                var run = new FineTuneRun
                {
                    Key = key,
                    Variant = name,
                    LearningRate = lr,
                    Seed = seed,
                    TrainableParameters = result.TrainableParameters,
                    OptimizerSteps = result.OptimizerSteps,
                    FinalLoss = result.EpochLosses[^1],
                    Validation = Score(copy.Model, validation),
                    ValidationRetention = Score(copy.Model, queries.RetentionValidation),
                    New = Score(copy.Model, train),
                    Paraphrases = Score(copy.Model, paraphrases),
                    Retention = Score(copy.Model, retention),
                    ModelFolder = save ? modelFolder : null,
                };
                store.Add(run);
                return run;
            }
            var grid = variant == FineTuneVariant.All ? options.AllLearningRates : options.LearningRates;
            var trials = grid.Select(lr => RunOne(lr, options.Seeds[0], save: false)).ToList();
            var best = trials.Single(t =>
                t.LearningRate
                == LearningRateChoice
                    .Choose(
                        trials
                            .Select(t => new LearningRateTrial(
                                t.LearningRate,
                                t.Validation.Accuracy,
                                t.ValidationRetention.Accuracy
                            ))
                            .ToList(),
                        options.RetentionWeight
                    )
                    .LearningRate
            );
            chosen[name] = best.LearningRate;
            runs.AddRange(trials.Where(t => t.LearningRate != best.LearningRate));
            foreach (var (seed, i) in options.Seeds.Select((s, i) => (s, i)))
                runs.Add(RunOne(best.LearningRate, seed, save: i == 0));
        }

        var overlap = new List<OverlapRow>();
        var full = runs.FirstOrDefault(r => r.Variant == "all" && r.ModelFolder is not null);
        if (full is not null)
        {
            using var tuned = ModelLoader.Load(full.ModelFolder!, load);
            var change = OverlapAnalysis.RelativeChange(baseSession.Model, tuned.Model, options.AuthorsChangeFormula);
            int population = baseSession.Config.NumLayers * width;
            overlap.AddRange(
                OverlapAnalysis.Definitions(
                    change,
                    pools,
                    options.ChangedCut,
                    options.TopK,
                    options.TopKShares,
                    population
                )
            );
        }
        return new EvolvabilityResult
        {
            UpdatedFacts = updated.Count,
            Pools = pools,
            BaselineNew = baselineNew,
            BaselineParaphrases = baselineParaphrases,
            BaselineRetention = baselineRetention,
            ChosenLearningRates = chosen,
            Runs = [.. runs],
            Overlap = [.. overlap],
            Skipped = skipped,
            Notes = [.. queries.Notes],
            QueryFacts = new[] { train, validation, paraphrases, queries.RetentionValidation, retention }.ToDictionary(
                q => q.Name,
                q => q.FactIds.ToArray()
            ),
        };
    }

    /// <summary>A random pool matched to <paramref name="target"/> in size and layers, outside
    /// <paramref name="excluded"/> if the layers have room, else anywhere (said in
    /// <paramref name="skipped"/>).</summary>
    Neuron[] ControlPool(
        Neuron[] target,
        HashSet<Neuron> excluded,
        int width,
        string name,
        Dictionary<string, string> skipped
    )
    {
        if (target.Length == 0)
            return [];
        try
        {
            return MatchedRandomSets.Draw(target, excluded, width, 1, options.Seed, "evolvability", name)[0];
        }
        catch (DknInputException)
        {
            skipped[name + "-pool"] = "drawn from every neuron (the compared pools fill its layers)";
            return MatchedRandomSets.Draw(target, new HashSet<Neuron>(), width, 1, options.Seed, "evolvability", name)[
                0
            ];
        }
    }

    /// <summary>Neurons whose count over the occurrences exceeds PoolShare · max count.</summary>
    Neuron[] Pool(IEnumerable<Neuron> occurrences)
    {
        var counts = occurrences.GroupBy(n => n).ToDictionary(g => g.Key, g => g.Count());
        if (counts.Count == 0)
            return [];
        int max = counts.Values.Max();
        return [.. counts.Where(kv => kv.Value > options.PoolShare * max).Select(kv => kv.Key).Order()];
    }

    /// <summary>The fine-tuned weights as a Hugging Face folder, with the base model's tokenizer files beside
    /// them.</summary>
    void SaveModel(CausalLm model, string target)
    {
        if (Directory.Exists(target))
            Directory.Delete(target, recursive: true);
        HuggingFaceExport.Save(model, target);
        var source = Directory.Exists(modelPath) ? modelPath : Path.GetDirectoryName(Path.GetFullPath(modelPath))!;
        foreach (var file in Directory.GetFiles(source))
        {
            var name = Path.GetFileName(file);
            if (
                name == "config.json"
                || name.EndsWith(".safetensors", StringComparison.Ordinal)
                || name.EndsWith(".index.json", StringComparison.Ordinal)
            )
                continue;
            if (
                name.StartsWith("tokenizer", StringComparison.Ordinal)
                || name is "vocab.json" or "merges.txt" or "special_tokens_map.json"
            )
                File.Copy(file, Path.Combine(target, name), overwrite: true);
        }
    }
}
