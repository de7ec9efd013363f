namespace MlNetDkn;

/// <summary>An MLP neuron: layer index and index inside the FFN intermediate vector (0 ≤ Index &lt; d_ff).</summary>
public readonly record struct Neuron(int Layer, int Index) : IComparable<Neuron>
{
    /// <summary>Orders by layer, then by index.</summary>
    public int CompareTo(Neuron other) =>
        Layer != other.Layer ? Layer.CompareTo(other.Layer) : Index.CompareTo(other.Index);

    /// <summary>"layer:index", the form <see cref="Parse"/> reads.</summary>
    public override string ToString() => $"{Layer}:{Index}";

    /// <summary>Parses "layer:index".</summary>
    public static Neuron Parse(string text)
    {
        var parts = text.Trim().Split(':');
        if (
            parts.Length != 2
            || !int.TryParse(parts[0], out var l)
            || !int.TryParse(parts[1], out var i)
            || l < 0
            || i < 0
        )
            throw new DknInputException($"neuron '{text}' is not of the form layer:index (two non-negative integers)");
        return new Neuron(l, i);
    }

    /// <summary>Parses a comma-separated list "0:12,1:7".</summary>
    public static IReadOnlyList<Neuron> ParseList(string text)
    {
        var neurons = text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(Parse)
            .ToArray();
        return neurons.Length > 0
            ? neurons
            : throw new DknInputException(
                $"neuron list '{text}' names no neuron (expected layer:index pairs, e.g. 0:12,1:7)"
            );
    }
}

/// <summary>Where in an MLP a neuron's value is read or edited.</summary>
public enum NeuronSite
{
    /// <summary>MLP pre-activation: GPT-2 c_fc output, LLaMA/Qwen2 gate_proj output, NeoX dense_h_to_4h
    /// output.</summary>
    Pre,

    /// <summary>MLP neuron output: the input of the down projection, act(pre) or act(gate)·up.</summary>
    Post,
}
