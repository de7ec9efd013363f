using System.Diagnostics;
using MlNetDkn.Degeneracy;
using MlNetDkn.Facts;
using MlNetDkn.Metrics;
using MlNetDkn.Modeling;
using MlNetDkn.Modeling.Tokenization;

namespace MlNetDkn.Attribution.Agreement;

/// <summary>What to compare: the reference, the variants, and how knowledge neurons and DKNs are read from
/// scores.</summary>
public sealed record AgreementOptions
{
    /// <summary>The exact reference: 20-step integrated gradients (the default preset) in float32.</summary>
    public AgreementVariant Reference { get; init; } =
        new("ig-20@float32", AttributionOptions.Default with { Steps = 20 }, "float32");

    /// <summary>The variants compared with the reference, in <see cref="AgreementVariant.Parse"/>'s syntax ("ig-5",
    /// "bfloat16", "preset@dtype").</summary>
    public IReadOnlyList<string> Variants { get; init; } =
    ["grad-x-act", "baseline-gradient", "ig-5", "ig-10", "bfloat16", "float16"];

    /// <summary>How knowledge neurons are read from every variant's scores: the coarse cut and
    /// the refinement.</summary>
    public FactAttributionOptions Selection { get; init; } = new();

    /// <summary>DKN acquisition on each variant's knowledge neurons, in the variant's dtype (what a user of it
    /// gets).</summary>
    public DknOptions Dkn { get; init; } =
        DknOptions.Default with
        {
            Methods = [ClusteringMethod.Ntc],
            EvaluateDegeneracy = false,
        };

    /// <summary>Prompts per fact (0 = all).</summary>
    public int MaxPrompts { get; init; } = 3;

    /// <summary>Seed of the bootstrap intervals of the per-variant means.</summary>
    public int Seed { get; init; } = 7;

    /// <summary><see cref="Variants"/> parsed against <see cref="Reference"/>; throws on an unknown
    /// preset or dtype.</summary>
    public IReadOnlyList<AgreementVariant> ParsedVariants() =>
        Variants.Select(v => AgreementVariant.Parse(v, Reference)).ToArray();

    /// <summary>Throws a <see cref="DknInputException"/> naming the first invalid option (no variants, bad preset,
    /// negative prompts, ...).</summary>
    public void Validate()
    {
        if (Variants.Count == 0)
            throw new DknInputException("agreement: give at least one variant to compare with the reference");
        foreach (var v in ParsedVariants())
            v.Attribution.Validate();
        Reference.Attribution.Validate();
        Selection.Validate();
        Dkn.Validate();
        if (MaxPrompts < 0)
            throw new DknInputException($"agreement: max prompts must be 0 (all) or more (got {MaxPrompts})");
    }
}

/// <summary>What an agreement run measured, as the three tables <see cref="AgreementReport"/> writes.</summary>
/// <param name="Prompts">Per prompt and variant: top-k overlap and rank correlation of the scores
/// with the reference.</param>
/// <param name="Facts">Per fact and variant: knowledge-neuron set overlap and whether the DKN verdict matches.</param>
/// <param name="Variants">Per variant: the means over prompts and facts with intervals, the
/// speed and the verdict.</param>
public sealed record AgreementResult(
    IReadOnlyList<PromptAgreementRow> Prompts,
    IReadOnlyList<FactAgreementRow> Facts,
    IReadOnlyList<VariantAgreementRow> Variants
);

/// <summary>
/// Measures how far cheap estimators and reduced compute dtypes agree with exact float32 integrated gradients on a
/// model and facts: per prompt the top-k overlap and rank correlation of the scores, per fact the knowledge-neuron set
/// and the DKN verdict they lead to, per variant the means with intervals and the speed. Reference and variants run
/// prompt by prompt in turn, so load drift hits every variant alike.
/// </summary>
public static class AttributionAgreement
{
    /// <summary>Attributes the first <see cref="AgreementOptions.MaxPrompts"/> prompts of every fact with the reference
    /// and every variant, and compares them.</summary>
    /// <param name="modelPath">A Hugging Face model folder or a llama2.c checkpoint file.</param>
    /// <param name="load">Device and threads; each variant's dtype replaces the dtype given here.</param>
    public static AgreementResult Run(
        string modelPath,
        ModelLoadOptions load,
        IReadOnlyList<FactRecord> facts,
        AgreementOptions options,
        IProgress<string>? progress = null,
        CancellationToken cancellationToken = default
    )
    {
        options.Validate();
        if (facts.Count == 0)
            throw new DknInputException("agreement: no facts to attribute");
        var variants = options.ParsedVariants().ToArray();
        var sessions = new Dictionary<string, ModelSession>();
        try
        {
            ModelSession Session(string dtype) =>
                sessions.TryGetValue(dtype, out var s)
                    ? s
                    : sessions[dtype] = ModelSession.Open(modelPath, load with { DType = dtype });
            var reference = Session(options.Reference.DType);
            foreach (var v in variants)
                Session(v.DType);

            var promptRows = new List<PromptAgreementRow>();
            var factRows = new List<FactAgreementRow>();
            for (int f = 0; f < facts.Count; f++)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var fact = facts[f];
                var prompts = options.MaxPrompts > 0 ? fact.Prompts.Take(options.MaxPrompts).ToList() : fact.Prompts;
                var answer = PromptEncoding.Answer(reference.Tokenizer, fact.Answer);
                var requests = prompts
                    .Select(p => new AttributionRequest(PromptEncoding.Prompt(reference.Tokenizer, p), answer))
                    .ToList();
                var referenceScores = new List<AttributionResult>();
                var referenceSeconds = new List<double>();
                var variantScores = variants
                    .Select(_ => new List<(AttributionResult Result, double Seconds)>())
                    .ToArray();
                foreach (var request in requests)
                {
                    referenceScores.Add(Timed(reference, request, options.Reference.Attribution, out var seconds));
                    referenceSeconds.Add(seconds);
                    for (int v = 0; v < variants.Length; v++)
                        variantScores[v]
                            .Add((Timed(Session(variants[v].DType), request, variants[v].Attribution, out var s), s));
                }
                var referenceKn = KnowledgeNeurons(referenceScores, options.Selection);
                var referenceDkn = Dkn(reference, requests[0], referenceKn, options.Dkn, fact);
                for (int v = 0; v < variants.Length; v++)
                {
                    for (int p = 0; p < requests.Count; p++)
                    {
                        var (result, seconds) = variantScores[v][p];
                        var exact = referenceScores[p];
                        promptRows.Add(
                            new PromptAgreementRow(
                                variants[v].Name,
                                fact.FactId,
                                p,
                                RankAgreement.TopKOverlap(exact.Scores, result.Scores, 10),
                                RankAgreement.TopKOverlap(exact.Scores, result.Scores, 50),
                                RankAgreement.Spearman(exact.Scores, result.Scores),
                                result.Aggregate(result.ObjectiveAtActivation)
                                    - exact.Aggregate(exact.ObjectiveAtActivation),
                                seconds,
                                referenceSeconds[p]
                            )
                        );
                    }
                    var kn = KnowledgeNeurons(variantScores[v].Select(x => x.Result).ToList(), options.Selection);
                    var dkn = Dkn(Session(variants[v].DType), requests[0], kn, options.Dkn, fact);
                    factRows.Add(
                        new FactAgreementRow(
                            variants[v].Name,
                            fact.FactId,
                            referenceKn.Count,
                            kn.Count,
                            Statistics.Jaccard(referenceKn, kn),
                            referenceDkn.Count > 0,
                            dkn.Count > 0,
                            referenceDkn.Count > 0 || dkn.Count > 0 ? Statistics.Jaccard(referenceDkn, dkn) : double.NaN
                        )
                    );
                }
                progress?.Report($"{f + 1}/{facts.Count} facts ({fact.FactId})");
            }
            var summary = variants
                .Select(v =>
                    Summarize(
                        v,
                        promptRows.Where(r => r.Variant == v.Name).ToList(),
                        factRows.Where(r => r.Variant == v.Name).ToList(),
                        options.Seed
                    )
                )
                .ToList();
            return new AgreementResult(promptRows, factRows, summary);
        }
        finally
        {
            foreach (var s in sessions.Values)
                s.Dispose();
        }
    }

    static AttributionResult Timed(
        ModelSession session,
        AttributionRequest request,
        AttributionOptions options,
        out double seconds
    )
    {
        var watch = Stopwatch.StartNew();
        var result = IntegratedGradients.Attribute(session.Model, request, options);
        seconds = watch.Elapsed.TotalSeconds;
        return result;
    }

    static IReadOnlyList<Neuron> KnowledgeNeurons(
        IReadOnlyList<AttributionResult> prompts,
        FactAttributionOptions selection
    )
    {
        var coarse = prompts.Select(p => NeuronSelection.Coarse(p.Scores, selection.Coarse)).ToList();
        return selection.Refine(coarse).Select(n => n.Neuron).ToList();
    }

    /// <summary>The neurons of the fact's DKN (the first method's; one-component sets are not DKNs), empty when it has
    /// none.</summary>
    static IReadOnlyList<Neuron> Dkn(
        ModelSession session,
        AttributionRequest request,
        IReadOnlyList<Neuron> knowledgeNeurons,
        DknOptions options,
        FactRecord fact
    )
    {
        if (knowledgeNeurons.Count < 2)
            return [];
        var found = DknFinder.Find(
            session.Model,
            request.PromptTokens,
            request.AnswerTokens,
            knowledgeNeurons,
            options,
            fact.FactId
        );
        var dkn = found.Methods[0].Check.Dkn;
        return dkn.Count >= 2 ? dkn.SelectMany(c => c).Distinct().ToList() : [];
    }

    static VariantAgreementRow Summarize(
        AgreementVariant v,
        IReadOnlyList<PromptAgreementRow> prompts,
        IReadOnlyList<FactAgreementRow> facts,
        int seed
    )
    {
        var top10 = MeanEstimate.Of(prompts.Select(p => p.TopOverlap10), seed);
        var jaccard = MeanEstimate.Of(facts.Select(f => f.KnowledgeNeuronJaccard), seed);
        double dknAgreement = facts.Count(f => f.HasDkn == f.ReferenceHasDkn) / (double)facts.Count;
        var bothDkn = facts.Where(f => !double.IsNaN(f.DknJaccard)).Select(f => f.DknJaccard).ToList();
        double seconds = Statistics.Quantile(prompts.Select(p => p.Seconds), 0.5),
            referenceSeconds = Statistics.Quantile(prompts.Select(p => p.ReferenceSeconds), 0.5);
        var spearman = prompts.Select(p => p.Spearman).Where(s => !double.IsNaN(s)).ToList();
        return new VariantAgreementRow(
            v.Name,
            v.Attribution.Preset,
            v.DType,
            v.Attribution.Steps,
            prompts.Count,
            facts.Count,
            top10.Mean,
            top10.CiLow,
            top10.CiHigh,
            prompts.Average(p => p.TopOverlap50),
            spearman.Count > 0 ? spearman.Average() : double.NaN,
            spearman.Count > 0 ? spearman.Min() : double.NaN,
            jaccard.Mean,
            jaccard.CiLow,
            jaccard.CiHigh,
            dknAgreement,
            facts.Count(f => f.ReferenceHasDkn),
            facts.Count(f => f.HasDkn),
            bothDkn.Count > 0 ? bothDkn.Average() : double.NaN,
            seconds,
            referenceSeconds,
            referenceSeconds / seconds,
            AgreementVerdict.Of(facts.Min(f => f.KnowledgeNeuronJaccard), jaccard.Mean, dknAgreement)
        );
    }
}
