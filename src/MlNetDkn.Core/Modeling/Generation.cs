using static TorchSharp.torch;

namespace MlNetDkn.Modeling;

/// <summary>Greedy decoding and next-token distributions, with or without a KV cache.</summary>
public static class Generation
{
    /// <summary>Argmax continuation of <paramref name="prompt"/> for <paramref name="count"/> tokens.</summary>
    public static long[] Greedy(CausalLm model, IReadOnlyList<long> prompt, int count, bool useCache = true)
    {
        if (prompt.Count == 0)
            throw new DknInputException("empty prompt: greedy decoding needs at least one token");
        if (model.Config.Family == ModelFamily.Gpt2 && prompt.Count + count - 1 > model.Config.MaxPositions)
            throw new DknInputException(
                $"{count} greedy tokens after a {prompt.Count}-token prompt exceed the model's "
                    + $"{model.Config.MaxPositions} positions (at most {model.Config.MaxPositions - prompt.Count + 1})"
            );
        using var noGrad = no_grad();
        var result = new List<long>();
        var context = prompt.ToList();
        using var cache = useCache ? new KvCache(model.Config.NumLayers) : null;
        var next = context.ToArray();
        for (int i = 0; i < count; i++)
        {
            using var scope = NewDisposeScope();
            var input = tensor(useCache ? next : context.ToArray(), device: model.Device).unsqueeze(0);
            var logits = model.Forward(input, cache); // [1, T, V]
            long token = logits[0, -1].argmax().item<long>();
            result.Add(token);
            context.Add(token);
            next = [token];
        }
        return result.ToArray();
    }
}
