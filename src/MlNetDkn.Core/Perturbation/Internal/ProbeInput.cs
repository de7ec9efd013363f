using MlNetDkn.Modeling;

namespace MlNetDkn.Perturbation.Internal;

/// <summary>Input checks shared by every probe, so each names the same problem the same way.</summary>
internal static class ProbeInput
{
    public static void Check(CausalLm model, IReadOnlyList<long> prompt, IReadOnlyList<long> answer)
    {
        if (prompt.Count == 0)
            throw new DknInputException("empty prompt: the probe needs at least one prompt token");
        if (answer.Count == 0)
            throw new DknInputException("empty answer: the probe needs at least one answer token");
        int vocabulary = model.Config.VocabSize;
        foreach (var (t, where) in prompt.Select(t => (t, "prompt")).Concat(answer.Select(t => (t, "answer"))))
            if (t < 0 || t >= vocabulary)
                throw new DknInputException($"{where} token id {t} is out of range (vocabulary size {vocabulary})");
        int length = prompt.Count + answer.Count - 1;
        if (length > model.Config.MaxPositions)
            throw new DknInputException(
                $"prompt + answer need {length} positions but the model has {model.Config.MaxPositions}"
            );
    }

    public static void CheckNeuron(CausalLm model, Neuron neuron)
    {
        if (neuron.Layer >= model.Config.NumLayers || neuron.Index >= model.Config.IntermediateSize)
            throw new DknInputException(
                $"neuron {neuron} is outside the model ({model.Config.NumLayers} layers × "
                    + $"{model.Config.IntermediateSize} neurons)"
            );
    }
}
