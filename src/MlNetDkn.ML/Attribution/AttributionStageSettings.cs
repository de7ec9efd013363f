using MlNetDkn.Attribution;
using MlNetDkn.Modeling;

namespace MlNetDkn.ML.Attribution;

/// <summary>Everything that defines an attribution stage; what a saved pipeline records for it.</summary>
internal sealed record AttributionStageSettings(
    string ModelPath, ModelLoadOptions Load, FactAttributionOptions Options, string StoreFolder, string PromptsColumn);
