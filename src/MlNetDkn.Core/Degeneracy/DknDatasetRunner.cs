using MlNetDkn.Attribution;
using MlNetDkn.Modeling;

namespace MlNetDkn.Degeneracy;

/// <summary>
/// DKN acquisition over every fact of an attribution run, one stored line per fact (keyed by model hash, fact,
/// knowledge neurons and options), so a killed run resumes where it stopped. The fact's first prompt is the one
/// whose answer probability the functional check measures, as in the authors' pipeline.
/// </summary>
public sealed class DknDatasetRunner(LoadedModel model, DknOptions options, JsonLinesStore<DknRecord> store)
{
    public const string StoreFileName = "dkn.jsonl";

    /// <summary>At most this many knowledge neurons (highest-ranked first) enter the graph of a fact (0 = all).</summary>
    public int MaxNeurons { get; init; } = 64;
    public int Computed { get; private set; }
    public int Reused { get; private set; }

    public IEnumerable<DknRecord> RunAll(IReadOnlyList<FactKnowledgeNeurons> facts, CancellationToken cancellationToken = default)
    {
        foreach (var fact in facts)
        {
            cancellationToken.ThrowIfCancellationRequested();
            yield return Run(fact);
        }
    }

    public DknRecord Run(FactKnowledgeNeurons fact)
    {
        var neurons = fact.Neurons.Select(n => n.Neuron).Take(MaxNeurons > 0 ? MaxNeurons : int.MaxValue).ToList();
        var first = fact.Prompts[0];
        var key = ContentHashing.Sha256OfText(string.Join("\u001f", model.ContentHash, fact.FactId, first.Prompt, fact.Answer,
            string.Join(",", neurons), OptionsFingerprint()))[..32];
        if (store.TryGet(key, out var stored))
        {
            Reused++;
            return stored;
        }
        var result = DknFinder.Find(model.Model, first.PromptTokens, first.AnswerTokens, neurons, options, fact.FactId, first.Prompt);
        var record = DknRecord.From(result, key, fact.RelationId);
        store.Add(record);
        Computed++;
        return record;
    }

    string OptionsFingerprint() => System.Text.Json.JsonSerializer.Serialize(new
    {
        Graph = options.GraphFor(model.Config.Family), options.Ntc, options.Check, options.Evaluation,
        Methods = options.Methods.Select(m => m.ToString()), Site = options.Site.ToString(), options.EvaluateDegeneracy,
    });
}
