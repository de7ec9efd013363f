using MlNetDkn.Modeling;
using static TorchSharp.torch;

namespace MlNetDkn.Attribution.Internal;

/// <summary>
/// How many path-point rows fit a memory budget. A row's working memory is bounded by (a) the LM head in float32,
/// counted as three vocabulary-sized vectors (the sliced head holds one set of logits, so this is generous), and (b)
/// what autograd keeps for a row that starts at layer 0 and runs every block on one token: per block about 8·d_model +
/// 3·d_ff + heads·tokens values (norms, q/k/v, attention weights, MLP up/gate/activation), twice for the backward
/// pass's gradients. The estimate is an upper bound for every row, so a batch never exceeds the budget by this account.
/// </summary>
static class RowBatch
{
    public static long BytesPerRow(ModelConfig c, ScalarType dtype, int promptTokens)
    {
        long head = 3L * 4 * c.VocabSize;
        long perBlock = 8L * c.HiddenSize + 3L * c.IntermediateSize + (long)c.NumHeads * promptTokens;
        return head + 2L * c.NumLayers * perBlock * ModelLoader.ElementSize(dtype);
    }

    /// <summary>The batch for a budget in MiB: at least one row, at most 4096.</summary>
    public static int ForBudget(ModelConfig c, ScalarType dtype, int promptTokens, int budgetMib) =>
        (int)Math.Clamp(budgetMib * 1024L * 1024L / BytesPerRow(c, dtype, promptTokens), 1, 4096);
}
