namespace MlNetDkn.Degeneracy.Internal;

/// <summary>Direct connection weight w(A, B) and the hop distance |1/w| between two neurons, A earlier than
/// B.</summary>
internal sealed class ConnectionWeights(INeuronVectorSource vectors, StructuralGraphOptions options)
{
    public double Weight(Neuron a, Neuron b)
    {
        if (options.Orientation == ConnectionOrientation.AuthorsLlamaInputToOutput)
            return Dot(vectors.InputVector(a), vectors.OutputVector(b));
        var written = vectors.OutputVector(a);
        double gate = Dot(written, vectors.InputVector(b));
        if (!vectors.HasUp || options.UpProjection == UpProjectionUse.Ignore)
            return gate;
        double up = Dot(written, vectors.UpVector(b));
        return options.UpProjection == UpProjectionUse.Add ? gate + up : Math.Sqrt(gate * gate + up * up);
    }

    /// <summary>Same-layer pair: the larger of |out(A)·in(B)| and |out(B)·in(A)| (see
    /// <see cref="SameLayerRule.ResidualStream"/>).</summary>
    public double SameLayerWeight(Neuron a, Neuron b) => Math.Max(Math.Abs(Weight(a, b)), Math.Abs(Weight(b, a)));

    /// <summary>|1/w|, or the sentinel when w is exactly 0 (as the authors' code).</summary>
    public double Hop(Neuron a, Neuron b)
    {
        double w = Weight(a, b);
        return w != 0 ? Math.Abs(1 / w) : options.NoConnection;
    }

    // Plain sequential sum in double; BLAS may sum in another order, which moves results by a few ulps only.
    static double Dot(ReadOnlySpan<double> x, ReadOnlySpan<double> y)
    {
        double s = 0;
        for (int i = 0; i < x.Length; i++)
            s += x[i] * y[i];
        return s;
    }
}
