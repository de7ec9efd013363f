using MlNetDkn.Degeneracy;
using MlNetDkn.Modeling;

namespace MlNetDkn.ML.Degeneracy;

/// <summary>Everything that defines a DKN stage; what a saved pipeline records for it.</summary>
internal sealed record DknStageSettings(
    string ModelPath, ModelLoadOptions Load, DknOptions Options, string StoreFolder, ClusteringMethod Method,
    bool PerMethodColumns, int MaxNeurons, string PromptsColumn);
