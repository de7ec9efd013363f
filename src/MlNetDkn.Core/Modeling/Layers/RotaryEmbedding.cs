using static TorchSharp.torch;

namespace MlNetDkn.Modeling.Layers;

/// <summary>
/// Rotary position embedding in the "rotate half" layout of Hugging Face LLaMA, Qwen2 and GPT-NeoX, applied to the
/// first <c>rotaryDim</c> dimensions of each head (all of them except for NeoX's partial rotary).
/// </summary>
public sealed class RotaryEmbedding
{
    readonly int _rotaryDim;
    readonly double _theta;
    readonly RopeScaling? _scaling;

    /// <summary>Rotary encoding with the given dimensions, base frequency and scaling.</summary>
    /// <param name="rotaryDim">Leading dimensions of each head that rotate (even).</param>
    /// <param name="theta">Base frequency θ: dimension pair i turns at θ^(−2i/rotaryDim) radians per position.</param>
    /// <param name="scaling">Optional "linear" or "llama3" frequency scaling; null for none.</param>
    public RotaryEmbedding(int rotaryDim, double theta, RopeScaling? scaling = null)
    {
        _rotaryDim = rotaryDim;
        _theta = theta;
        _scaling = scaling;
    }

    /// <summary>x: [B, H, T, hd]; positions: [T] absolute positions.</summary>
    public Tensor Apply(Tensor x, Tensor positions)
    {
        using var scope = NewDisposeScope();
        // Angles in float32 whatever the computation dtype, then cast, exactly as transformers computes them.
        var invFreq = Scaled(
            1.0
                / pow(
                    _theta,
                    arange(0, _rotaryDim, 2, ScalarType.Int64, positions.device).to_type(ScalarType.Float32)
                        / _rotaryDim
                )
        );
        var freqs = outer(positions.to_type(ScalarType.Float32), invFreq); // [T, rd/2]
        var emb = cat([freqs, freqs], -1); // [T, rd]
        var cos = emb.cos().to_type(x.dtype);
        var sin = emb.sin().to_type(x.dtype);
        var rot = x[TensorIndex.Ellipsis, TensorIndex.Slice(0, _rotaryDim)];
        var pass = x[TensorIndex.Ellipsis, TensorIndex.Slice(_rotaryDim, null)];
        var rotated = (rot * cos).Plus(RotateHalf(rot) * sin);
        var result = _rotaryDim == x.shape[^1] ? rotated : cat([rotated, pass], -1);
        return result.MoveToOuterDisposeScope();
    }

    /// <summary>Frequency scaling of transformers' rope_type "linear" and "llama3" (wavelength-banded).</summary>
    Tensor Scaled(Tensor invFreq)
    {
        if (_scaling is null)
            return invFreq;
        if (_scaling.Type == "linear")
            return invFreq / _scaling.Factor;
        double lowWavelen = _scaling.OriginalMaxPositions / _scaling.LowFreqFactor;
        double highWavelen = _scaling.OriginalMaxPositions / _scaling.HighFreqFactor;
        var wavelen = 2 * Math.PI / invFreq;
        var llama = where(wavelen > lowWavelen, invFreq / _scaling.Factor, invFreq);
        var smooth =
            (_scaling.OriginalMaxPositions / wavelen - _scaling.LowFreqFactor)
            / (_scaling.HighFreqFactor - _scaling.LowFreqFactor);
        var smoothed = (1 - smooth) * llama / _scaling.Factor + smooth * llama;
        var medium = (wavelen >= highWavelen).logical_and(wavelen <= lowWavelen);
        return where(medium, smoothed, llama);
    }

    static Tensor RotateHalf(Tensor x)
    {
        long half = x.shape[^1] / 2;
        var x1 = x[TensorIndex.Ellipsis, TensorIndex.Slice(0, half)];
        var x2 = x[TensorIndex.Ellipsis, TensorIndex.Slice(half, null)];
        return cat([-x2, x1], -1);
    }
}
