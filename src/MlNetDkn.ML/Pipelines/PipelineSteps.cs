using MlNetDkn.ML.Pipelines.Steps;
using MlNetDkn.Pipelines;

namespace MlNetDkn.ML.Pipelines;

/// <summary>Every step a pipeline file may use: the Core source steps and the ML.NET stage steps.</summary>
public static class PipelineSteps
{
    /// <summary>A registry with every built-in step. Add a new stage step to this list.</summary>
    public static StepRegistry CreateRegistry() =>
        StepRegistry
            .CreateSources()
            .Register(new EvaluateAccuracyStep())
            .Register(new AttributeKnowledgeNeuronsStep())
            .Register(new FindDegenerateNeuronsStep())
            .Register(new PlantedNeuronsStep())
            .Register(new ScorePlantedStep())
            .Register(new SuppressUnderPerturbationStep())
            .Register(new EnhanceOnFailuresStep())
            .Register(new FactCheckStep())
            .Register(new FineTuneNeuronsStep());
}
