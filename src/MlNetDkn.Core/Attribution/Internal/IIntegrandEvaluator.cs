using static TorchSharp.torch;

namespace MlNetDkn.Attribution.Internal;

/// <summary>
/// Evaluates the objective, and optionally its gradient, with the site of layer <c>rowLayers[r]</c> replaced at the
/// last position by row r of <c>points</c>; every other layer is left as it is.
/// </summary>
interface IIntegrandEvaluator : IDisposable
{
    /// <param name="rowLayers">[n] layer of each row, ascending</param>
    /// <param name="points">[n, d_ff]</param>
    /// <returns>objective [n] and gradient [n, d_ff] (null without gradient)</returns>
    (Tensor Objective, Tensor? Gradient) Evaluate(int[] rowLayers, Tensor points, long target, bool withGradient);
}
