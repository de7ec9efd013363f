using MlNetDkn.Attribution;

namespace MlNetDkn.ML.Attribution;

/// <summary>One fact's knowledge neurons in column form, computed once and served to every getter.</summary>
internal sealed class AttributedFact
{
    public AttributedFact(FactKnowledgeNeurons result, AttributionObjective objective)
    {
        Result = result;
        Neurons = result.Neurons.Select(n => n.Neuron.ToString()).ToArray();
        Scores = result.Neurons.Select(n => (float)n.Score).ToArray();
        double meanObjective = result.Prompts.Count == 0 ? double.NaN : result.Prompts.Average(p => p.Objective);
        AnswerProbability = (float)(objective == AttributionObjective.LogProbability ? Math.Exp(meanObjective) : meanObjective);
        CompletenessError = result.Prompts.Count == 0 ? float.NaN : (float)result.Prompts.Average(p => p.RelativeCompletenessError);
    }

    public FactKnowledgeNeurons Result { get; }
    public string[] Neurons { get; }
    public float[] Scores { get; }
    public float AnswerProbability { get; }
    public float CompletenessError { get; }

    public static IReadOnlyList<Internal.OutputColumn<AttributedFact>> Columns { get; } =
    [
        Internal.OutputColumns.TextVector<AttributedFact>(KnowledgeNeuronColumns.KnowledgeNeurons, f => f.Neurons),
        Internal.OutputColumns.Vector<AttributedFact, float>(KnowledgeNeuronColumns.KnowledgeNeuronScores, Microsoft.ML.Data.NumberDataViewType.Single, f => f.Scores),
        Internal.OutputColumns.Scalar<AttributedFact, int>(KnowledgeNeuronColumns.KnowledgeNeuronCount, Microsoft.ML.Data.NumberDataViewType.Int32, f => f.Neurons.Length),
        Internal.OutputColumns.Scalar<AttributedFact, float>(KnowledgeNeuronColumns.AnswerProbability, Microsoft.ML.Data.NumberDataViewType.Single, f => f.AnswerProbability),
        Internal.OutputColumns.Scalar<AttributedFact, float>(KnowledgeNeuronColumns.CompletenessError, Microsoft.ML.Data.NumberDataViewType.Single, f => f.CompletenessError),
        Internal.OutputColumns.Scalar<AttributedFact, int>(KnowledgeNeuronColumns.PromptsAttributed, Microsoft.ML.Data.NumberDataViewType.Int32, f => f.Result.Prompts.Count),
    ];
}
