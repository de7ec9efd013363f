using MlNetDkn.Facts;

namespace MlNetDkn.Perturbation.Queries;

/// <summary>Puts drawn perturbations into a dataset's <c>perturbed_prompts</c> / <c>perturbed_kinds</c>
/// columns.</summary>
public static class DatasetPerturbation
{
    /// <param name="keepExisting">Keep the perturbations the dataset already brings and append the drawn ones.</param>
    public static (FactDataset Dataset, IReadOnlyList<PerturbedQuery> Drawn) Apply(
        FactDataset dataset,
        QueryPerturbationOptions options,
        bool keepExisting = false
    )
    {
        var perturber = new QueryPerturber(options, QueryPerturber.VocabularyOf(dataset.Records));
        var drawn = perturber.Perturb(dataset.Records);
        var byFact = drawn.GroupBy(q => q.FactId).ToDictionary(g => g.Key, g => g.ToList());
        var records = dataset
            .Records.Select(r =>
            {
                var copy = System.Text.Json.JsonSerializer.Deserialize<FactRecord>(
                    System.Text.Json.JsonSerializer.Serialize(r)
                )!;
                if (!keepExisting)
                {
                    copy.PerturbedPrompts = [];
                    copy.PerturbedKinds = [];
                }
                foreach (var q in byFact.GetValueOrDefault(r.FactId, []))
                {
                    copy.PerturbedPrompts.Add(q.Perturbed);
                    copy.PerturbedKinds.Add(QueryPerturbationOptions.KindName(q.Kind));
                }
                return copy;
            })
            .ToList();
        return (new FactDataset(records, "perturbed facts"), drawn);
    }
}
