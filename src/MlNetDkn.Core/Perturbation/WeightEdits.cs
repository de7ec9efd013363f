using MlNetDkn.Modeling;
using static TorchSharp.torch;

namespace MlNetDkn.Perturbation;

/// <summary>Which weights of a neuron a weight edit scales.</summary>
public enum WeightEditMode
{
    /// <summary>The authors' <c>change_weights</c>: the neuron's input vector (GPT-2 <c>c_fc</c> column, LLaMA/Qwen2
    /// <c>gate_proj</c> row, NeoX <c>dense_h_to_4h</c> row; bias and <c>up_proj</c> untouched) and its output vector
    /// (<c>c_proj</c> row, <c>down_proj</c> / <c>dense_4h_to_h</c> column). With factor 2 the output becomes
    /// 2·act(2·w·x + b), not 2·act(w·x + b).</summary>
    InputAndOutput,

    /// <summary>Only the output vector: the neuron's contribution is multiplied by exactly the factor, at every
    /// position.</summary>
    Output,
}

/// <summary>
/// Weight edits as scopes: the chosen neurons' weights are multiplied in place and restored bit for bit (the
/// original rows are copied out first) when the scope is disposed, so no edit survives an experiment.
/// </summary>
public static class WeightEdits
{
    /// <summary>Multiplies the neurons' weights (which ones: <paramref name="mode"/>) by <paramref name="factor"/> in
    /// place; disposing the result restores them exactly. Throws <see cref="DknInputException"/> for a neuron outside
    /// the model.</summary>
    public static IDisposable Scale(CausalLm model, IEnumerable<Neuron> neurons, double factor, WeightEditMode mode)
    {
        var saved = new List<(Tensor Target, Tensor Rows, Tensor Index)>();
        using var noGrad = no_grad();
        // Temporaries die with this scope; the views and saved rows are detached and live until the edit is undone.
        using var scope = NewDisposeScope();
        try
        {
            foreach (var layer in neurons.Distinct().GroupBy(n => n.Layer).OrderBy(g => g.Key))
            {
                if (layer.Key < 0 || layer.Key >= model.Config.NumLayers)
                    throw new DknInputException(
                        $"neuron {layer.First()}: layer {layer.Key} is outside the model's "
                            + $"{model.Config.NumLayers} layers"
                    );
                var bad = layer.FirstOrDefault(n => n.Index < 0 || n.Index >= model.Config.IntermediateSize);
                if (layer.Any(n => n.Index < 0 || n.Index >= model.Config.IntermediateSize))
                    throw new DknInputException(
                        $"neuron {bad}: index outside the layer's {model.Config.IntermediateSize} neurons"
                    );
                var mlp = model.Blocks[layer.Key].Mlp;
                var ids = layer.Select(n => (long)n.Index).Order().ToArray();
                var targets =
                    mode == WeightEditMode.InputAndOutput
                        ? new[] { mlp.InputVectors, mlp.OutputVectors }
                        : [mlp.OutputVectors];
                foreach (var parameter in targets) // [d_ff, d_model]
                {
                    // A view of our own (a parameter's own handle must never be disposed here).
                    var target = parameter.narrow(0, 0, parameter.shape[0]);
                    var index = tensor(ids, device: model.Device).DetachFromDisposeScope();
                    // [k, d_model], the originals
                    var rows = target.index_select(0, index).clone().DetachFromDisposeScope();
                    saved.Add((target.DetachFromDisposeScope(), rows, index));
                    target.index_copy_(0, index, rows * factor);
                }
            }
        }
        catch
        {
            Restore(saved);
            throw;
        }
        return new Scope(saved);
    }

    static void Restore(List<(Tensor Target, Tensor Rows, Tensor Index)> saved)
    {
        using var noGrad = no_grad();
        for (int i = saved.Count - 1; i >= 0; i--)
        {
            var (target, rows, index) = saved[i];
            target.index_copy_(0, index, rows);
            rows.Dispose();
            index.Dispose();
            target.Dispose(); // the view, not the parameter
        }
        saved.Clear();
    }

    sealed class Scope(List<(Tensor Target, Tensor Rows, Tensor Index)> saved) : IDisposable
    {
        bool _done;

        public void Dispose()
        {
            if (_done)
                return;
            _done = true;
            Restore(saved);
        }
    }
}
