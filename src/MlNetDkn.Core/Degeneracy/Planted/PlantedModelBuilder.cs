using MlNetDkn.Degeneracy.Internal;
using MlNetDkn.Facts;
using MlNetDkn.Modeling;
using MlNetDkn.Modeling.Checkpoints;
using MlNetDkn.Modeling.Tokenization;
using MlNetDkn.Perturbation;
using TorchSharp;
using static TorchSharp.torch;

namespace MlNetDkn.Degeneracy.Planted;

/// <summary>
/// Builds a planted-degeneracy model (see <see cref="PlantedModelOptions"/>) as a Hugging Face GPT-2 folder with a
/// word-level tokenizer, the facts it stores, and its ground truth, measured on the built model. Neurons are
/// calibrated on the model's own activations layer by layer: each reads one direction (the subject's embedding, or
/// what the previous hop wrote) with a gain that puts its pre-activation at +Gain when its fact's subject is the
/// token and near −Gain otherwise, and writes a fixed direction, so the structure is known exactly.
/// </summary>
public static class PlantedModelBuilder
{
    sealed record Hop(int Layer, int[] Slots, double[] Reads, double[] Writes, double WriteLength);

    sealed record Plan(
        int Fact,
        PlantedKind Kind,
        int Subject,
        int Answer,
        List<List<Hop>> Components,
        List<Hop> Noise
    );

    /// <summary>
    /// Fact id of planted fact <paramref name="fact"/> (0-based): "planted:" and four digits, e.g. "planted:0003".
    /// </summary>
    public static string FactId(int fact) => $"planted:{fact:D4}";

    /// <summary>
    /// Builds the model and writes it to <paramref name="folder"/>: GPT-2 weights and config, word-level tokenizer,
    /// <see cref="PlantedTruth.FileName"/> and the ROME export; returns the truth and the facts.
    /// </summary>
    /// <exception cref="DknInputException">
    /// The options are invalid or the hidden size cannot hold the directions.
    /// </exception>
    public static (PlantedTruth Truth, FactDataset Facts) Build(PlantedModelOptions o, string folder)
    {
        o.Validate();
        var rng = new Random(o.Seed);
        int d = o.HiddenSize;
        var orthogonal = new OrthogonalDirections(rng, d);
        var subjectWords = Enumerable.Range(0, o.Facts).Select(i => $"s{i:D3}").ToArray();
        var answerWords = Enumerable.Range(0, o.Answers).Select(i => $"a{i:D2}").ToArray();
        var fillerWords = Enumerable.Range(0, 4).Select(i => $"w{i}").ToArray();
        var tokenizer = WordLevelTokenizer.Build(subjectWords.Concat(answerWords).Concat(fillerWords));
        int vocabulary = tokenizer.VocabularySize;
        // Every direction some neuron or the head reads is orthogonal to every other one, so nothing fires by accident.
        var embedding = Enumerable.Range(0, vocabulary).Select(_ => orthogonal.Next()).ToArray();
        int Id(string word) => tokenizer.Encode(word)[0];

        // Noise neurons write directions no neuron reads, orthogonal to everything read, so they cannot leak into the
        // facts.
        var junk = Enumerable.Range(0, 4).Select(_ => orthogonal.Next()).ToArray();
        var kinds = Enumerable
            .Repeat(PlantedKind.Degenerate, o.DegenerateFacts)
            .Concat(Enumerable.Repeat(PlantedKind.Additive, o.AdditiveFacts))
            .Concat(Enumerable.Repeat(PlantedKind.Single, o.SingleFacts))
            .OrderBy(_ => rng.Next())
            .ToArray();
        var nextSlot = new int[o.Layers];
        int[] Take(int layer, int width) => Enumerable.Range(0, width).Select(_ => nextSlot[layer]++).ToArray();
        var plans = new List<Plan>();
        var features = Enumerable.Range(0, vocabulary).Select(_ => new List<double[]>()).ToArray();
        for (int f = 0; f < kinds.Length; f++)
        {
            int subject = Id(subjectWords[f]),
                answer = Id(answerWords[rng.Next(o.Answers)]);
            int n = kinds[f] == PlantedKind.Single ? 1 : rng.Next(o.MinComponents, o.MaxComponents + 1);
            var components = new List<List<Hop>>();
            for (int c = 0; c < n; c++)
            {
                int depth = rng.Next(o.MinDepth, o.MaxDepth + 1);
                int width = rng.Next(o.Width, o.WidestHop + 1);
                // The first hop reads the subject (in layer 0, or anywhere with room after it); the later hops sit in
                // distinct later layers, gaps allowed (the residual stream carries them).
                int first = o.AnyStartLayer ? rng.Next(0, o.Layers - depth + 1) : 0;
                var layers = new[] { first }
                    .Concat(
                        Enumerable
                            .Range(first + 1, o.Layers - first - 1)
                            .OrderBy(_ => rng.Next())
                            .Take(depth - 1)
                            .Order()
                    )
                    .ToArray();
                var hops = new List<Hop>();
                double[] reads = embedding[subject];
                if (o.DistinctReads)
                {
                    // The component reads a feature of its own that the subject's embedding carries (added below).
                    reads = orthogonal.Next();
                    features[subject].Add(reads);
                }
                for (int h = 0; h < depth; h++)
                {
                    bool last = h == depth - 1;
                    var writes = last ? embedding[answer] : orthogonal.Next();
                    hops.Add(
                        new Hop(layers[h], Take(layers[h], width), reads, writes, last ? o.AnswerWrite : o.RelayWrite)
                    );
                    reads = writes;
                }
                components.Add(hops);
            }
            var noise = Enumerable
                .Range(0, o.NoiseNeurons)
                .Select(_ => new Hop(0, [nextSlot[0]++], embedding[subject], junk[rng.Next(junk.Length)], 0.5))
                .ToList();
            plans.Add(new Plan(f, kinds[f], subject, answer, components, noise));
        }
        // A subject's embedding is its own direction plus one feature per component that reads it, unit length again.
        for (int t = 0; t < vocabulary; t++)
            if (features[t].Count > 0)
            {
                var sum = embedding[t].ToArray();
                foreach (var feature in features[t])
                    for (int i = 0; i < d; i++)
                        sum[i] += feature[i];
                double norm = Math.Sqrt(sum.Sum(x => x * x));
                embedding[t] = sum.Select(x => x / norm).ToArray();
            }
        for (int l = 0; l < o.Layers; l++)
            if (nextSlot[l] > o.IntermediateSize)
                throw new DknInputException(
                    $"planted model: layer {l} needs {nextSlot[l]} neurons but the intermediate size is "
                        + $"{o.IntermediateSize}"
                );

        var config = new ModelConfig
        {
            Family = ModelFamily.Gpt2,
            VocabSize = vocabulary,
            HiddenSize = d,
            IntermediateSize = o.IntermediateSize,
            NumLayers = o.Layers,
            NumHeads = 1,
            NumKvHeads = 1,
            HeadDim = d,
            MaxPositions = 8,
            NormEps = 1e-5,
            Activation = "gelu_new",
            TieWordEmbeddings = true,
            AttentionBias = true,
            MlpBias = true,
            BosTokenId = tokenizer.BosId,
            EosTokenId = tokenizer.EosId,
        };
        using var model = ModelLoader.Create(config);
        model.to(ScalarType.Float64);
        foreach (var p in model.parameters())
            p.requires_grad = false;
        Initialize(model, embedding);
        var hopsByLayer = plans
            .SelectMany(p =>
                p.Components.SelectMany(c => c.Select(h => (Plan: p, Hop: h)))
                    .Concat(p.Noise.Select(h => (Plan: p, Hop: h)))
            )
            .GroupBy(x => x.Hop.Layer)
            .ToDictionary(g => g.Key, g => g.ToList());
        for (int l = 0; l < o.Layers; l++)
            if (hopsByLayer.TryGetValue(l, out var hops))
                Calibrate(model, l, hops.Select(x => (x.Plan.Subject, x.Hop)).ToList(), o);
        foreach (var plan in plans.Where(p => p.Kind == PlantedKind.Additive))
            TuneAdditive(model, plan, o);

        // Filler words before the subject make prompts of several tokens; attention is off, so they change nothing.
        string Prompt(int fact) =>
            string.Join(
                ' ',
                Enumerable
                    .Range(0, o.PromptWords - 1)
                    .Select(k => fillerWords[(fact + k) % fillerWords.Length])
                    .Append(subjectWords[fact])
            );
        var facts = plans
            .Select(p => new FactRecord
            {
                FactId = FactId(p.Fact),
                RelationId = $"planted-{p.Kind.ToString().ToLowerInvariant()}",
                Subject = subjectWords[p.Fact],
                Answer = tokenizer.Tokens[p.Answer],
                Prompts = [Prompt(p.Fact)],
                Split = FactSplits.Train,
                Source = "planted",
                FalseAnswers = answerWords.Where(a => a != tokenizer.Tokens[p.Answer]).Take(3).ToList(),
            })
            .ToList();
        var truth = new PlantedTruth(
            o,
            plans
                .Select(
                    (p, i) =>
                        Measure(
                            model,
                            p,
                            facts[i],
                            tokenizer.Encode(facts[i].Prompts[0]).Select(t => (long)t).ToArray()
                        )
                )
                .ToList()
        );

        Directory.CreateDirectory(folder);
        HuggingFaceExport.Save(model, folder);
        tokenizer.Save(Path.Combine(folder, "tokenizer.json")); // the Hugging Face name
        truth.Save(Path.Combine(folder, PlantedTruth.FileName));
        PlantedRomeExport.Write(facts, folder);
        return (truth, new FactDataset(facts, "planted facts"));
    }

    /// <summary>Random zero-mean unit vectors, each orthogonal to all before it (Gram–Schmidt against the constant
    /// vector and them).</summary>
    sealed class OrthogonalDirections(Random rng, int d)
    {
        readonly List<double[]> _basis = [Enumerable.Repeat(1 / Math.Sqrt(d), d).ToArray()];

        public double[] Next()
        {
            if (_basis.Count >= d)
                throw new DknInputException(
                    $"planted model: hidden size {d} holds only {d - 1} orthogonal directions; the facts need more "
                        + $"(raise the hidden size or lower facts, components or depth)"
                );
            for (int attempt = 0; ; attempt++)
            {
                var v = Enumerable.Range(0, d).Select(_ => Gaussian(rng)).ToArray();
                foreach (var b in _basis)
                {
                    double dot = Dot(v, b);
                    for (int i = 0; i < d; i++)
                        v[i] -= dot * b[i];
                }
                double norm = Math.Sqrt(v.Sum(x => x * x));
                if (norm < 1e-6 && attempt < 10)
                    continue;
                var unit = v.Select(x => x / norm).ToArray();
                _basis.Add(unit);
                return unit;
            }
        }
    }

    static double Gaussian(Random rng) =>
        Math.Sqrt(-2 * Math.Log(1 - rng.NextDouble())) * Math.Cos(2 * Math.PI * rng.NextDouble());

    /// <summary>Everything zero (attention off, no biases), norms the identity, embeddings the given
    /// directions.</summary>
    static void Initialize(CausalLm model, double[][] embedding)
    {
        using var noGrad = no_grad();
        foreach (var (name, p) in model.named_parameters())
        {
            if (name.EndsWith("ln_1.weight") || name.EndsWith("ln_2.weight") || name.EndsWith("ln_f.weight"))
                p.fill_(1.0);
            else if (name.EndsWith("wte.weight"))
                p.copy_(
                    tensor(
                        embedding.SelectMany(r => r).ToArray(),
                        [embedding.Length, embedding[0].Length],
                        ScalarType.Float64
                    )
                );
            else
                p.zero_();
        }
    }

    /// <summary>
    /// Sets layer <paramref name="layer"/>'s planted neurons from the activations of the model built so far: each
    /// reads its direction with a gain that gives pre-activation +Gain on its subject and −Gain where the direction is
    /// absent, and writes its direction (an equal share per parallel neuron) with the planned length.
    /// </summary>
    static void Calibrate(CausalLm model, int layer, List<(int Subject, Hop Hop)> hops, PlantedModelOptions o)
    {
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        var subjects = hops.Select(h => h.Subject).Distinct().ToArray();
        var inputs = MlpInputs(model, layer, subjects); // subject → [d]
        var (fcWeight, fcBias, projWeight) = Parameters(model, layer);
        double on = Gelu(o.Gain);
        foreach (var (subject, hop) in hops)
        {
            var x = inputs[subject];
            double projection = Dot(x, hop.Reads); // |LN x|·cos
            double scale = 2 * o.Gain / projection;
            foreach (var slot in hop.Slots)
            {
                fcWeight[slot] = tensor(hop.Reads.Select(r => r * scale).ToArray(), ScalarType.Float64);
                fcBias[slot] = -o.Gain;
                projWeight[TensorIndex.Colon, slot] = tensor(
                    hop.Writes.Select(w => w * hop.WriteLength / (on * hop.Slots.Length)).ToArray(),
                    ScalarType.Float64
                );
            }
        }
    }

    static (Tensor FcWeight, Tensor FcBias, Tensor ProjWeight) Parameters(CausalLm model, int layer)
    {
        var named = model.named_parameters().ToDictionary(p => p.name, p => p.parameter);
        string prefix = $"transformer.h.{layer}.mlp.";
        return (named[prefix + "c_fc.weight"], named[prefix + "c_fc.bias"], named[prefix + "c_proj.weight"]);
    }

    /// <summary>The MLP input (LayerNorm output) of layer <paramref name="layer"/> at each subject's one-token
    /// prompt.</summary>
    static Dictionary<int, double[]> MlpInputs(CausalLm model, int layer, int[] subjects)
    {
        var tokens = tensor(subjects.Select(s => (long)s).ToArray()).unsqueeze(1); // [S, 1]
        var positions = model.PositionsFor(0, 1);
        var x = model.Embed(tokens, positions);
        for (int l = 0; l < layer; l++)
            x = model.ForwardBlock(l, x, null, positions, 0);
        var (_, mlpInput) = model.Blocks[layer].Attend(x, null, layer, positions); // [S, 1, d]
        var rows = mlpInput[TensorIndex.Colon, 0].contiguous().data<double>().ToArray();
        int d = (int)mlpInput.shape[2];
        return subjects.Select((s, i) => (s, rows[(i * d)..((i + 1) * d)])).ToDictionary(x => x.s, x => x.Item2);
    }

    /// <summary>Scales an additive fact's answer writes so that P(answer) with every component on is the
    /// target.</summary>
    static void TuneAdditive(CausalLm model, Plan plan, PlantedModelOptions o)
    {
        var lastHops = plan.Components.Select(c => c[^1]).ToList();
        double Probability(double t)
        {
            using var noGrad = no_grad();
            using var scope = NewDisposeScope();
            var saved = lastHops
                .SelectMany(h =>
                    h.Slots.Select(s =>
                        (h.Layer, s, Parameters(model, h.Layer).ProjWeight[TensorIndex.Colon, s].clone())
                    )
                )
                .ToList();
            foreach (var (layer, slot, column) in saved)
                Parameters(model, layer).ProjWeight[TensorIndex.Colon, slot] = column * t;
            var p = new FullRecomputationProbe(model, [plan.Subject], [plan.Answer]).Baseline.Probability;
            foreach (var (layer, slot, column) in saved)
                Parameters(model, layer).ProjWeight[TensorIndex.Colon, slot] = column;
            return p;
        }
        double low = 0,
            high = 1;
        for (int i = 0; i < 40; i++)
        {
            double mid = (low + high) / 2;
            if (Probability(mid) < o.AdditiveTarget)
                low = mid;
            else
                high = mid;
        }
        using var noGrad2 = no_grad();
        foreach (var h in lastHops)
        foreach (var s in h.Slots)
        {
            var w = Parameters(model, h.Layer).ProjWeight;
            w[TensorIndex.Colon, s] = w[TensorIndex.Colon, s] * high;
        }
    }

    /// <summary>The planted fact as the built model answers it: P0, the worst proper subset and the full
    /// suppression.</summary>
    static PlantedFact Measure(CausalLm model, Plan plan, FactRecord fact, long[] prompt)
    {
        var components = plan
            .Components.Select(c =>
                (IReadOnlyList<Neuron>)c.SelectMany(h => h.Slots.Select(s => new Neuron(h.Layer, s))).ToArray()
            )
            .ToList();
        var noise = plan.Noise.SelectMany(h => h.Slots.Select(s => new Neuron(h.Layer, s))).ToArray();
        var probe = new FullRecomputationProbe(model, prompt, [plan.Answer]);
        int n = components.Count;
        var subsets = SubsetPlan.All(n);
        var sets = subsets
            .Select(s => (IReadOnlyCollection<Neuron>)Suppression.Union(s.Select(i => components[i])))
            .Append(Suppression.Union(components))
            .ToList();
        var drops = Suppression.RelativeDrops(probe, sets);
        double worst = n > 1 ? drops[..^1].Max() : double.NaN,
            full = drops[^1];
        bool degenerate = n >= 2 && worst < 0.05 && full > 0.3;
        bool verified = plan.Kind switch
        {
            PlantedKind.Degenerate => degenerate,
            PlantedKind.Additive => !degenerate && full > 0.3,
            _ => full > 0.3,
        };
        return new PlantedFact(
            fact.FactId,
            plan.Kind,
            fact.Subject,
            fact.Answer,
            components,
            noise,
            probe.BaselineProbability(),
            worst,
            full
        )
        {
            Verified = verified,
        };
    }

    static double Dot(double[] a, double[] b)
    {
        double s = 0;
        for (int i = 0; i < a.Length; i++)
            s += a[i] * b[i];
        return s;
    }

    static double Gelu(double x) => 0.5 * x * (1 + Math.Tanh(Math.Sqrt(2 / Math.PI) * (x + 0.044715 * x * x * x)));
}
