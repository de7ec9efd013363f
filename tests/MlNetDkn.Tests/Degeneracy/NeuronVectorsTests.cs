using MlNetDkn.Degeneracy;
using MlNetDkn.Modeling.Checkpoints;
using MlNetDkn.Tests.Support;
using TorchSharp;

namespace MlNetDkn.Tests.Degeneracy;

public class NeuronVectorsTests
{
    static double At(SafetensorsFile f, string name, long i, long j)
    {
        using var t = f.Read(name).to_type(torch.ScalarType.Float64);
        return t[i, j].item<double>();
    }

    [Fact]
    public void Gpt2InputIsCFcColumnAndOutputIsCProjRow()
    {
        var f = SafetensorsFile.Open(Path.Combine(SharedPaths.Golden, "gpt2", "model.safetensors"));
        var v = MlpNeuronVectors.FromGpt2Safetensors(f);
        Assert.Equal((3, 256, 64, false), (v.LayerCount, v.IntermediateSize, v.ModelDim, v.HasUp));
        var n = new Neuron(1, 37);
        Assert.Equal(At(f, "transformer.h.1.mlp.c_fc.weight", 5, 37), v.InputVector(n)[5]);
        Assert.Equal(At(f, "transformer.h.1.mlp.c_proj.weight", 37, 5), v.OutputVector(n)[5]);
    }

    [Fact]
    public void LlamaInputIsGateRowUpIsUpRowOutputIsDownColumn()
    {
        var f = SafetensorsFile.Open(Path.Combine(SharedPaths.Golden, "llama", "model.safetensors"));
        var v = MlpNeuronVectors.FromLlamaSafetensors(f);
        Assert.Equal((3, 176, 64, true), (v.LayerCount, v.IntermediateSize, v.ModelDim, v.HasUp));
        var n = new Neuron(2, 170);
        Assert.Equal(At(f, "model.layers.2.mlp.gate_proj.weight", 170, 9), v.InputVector(n)[9]);
        Assert.Equal(At(f, "model.layers.2.mlp.up_proj.weight", 170, 9), v.UpVector(n)[9]);
        Assert.Equal(At(f, "model.layers.2.mlp.down_proj.weight", 9, 170), v.OutputVector(n)[9]);
    }

    [Fact]
    public void WrongArchitectureAndBadShapesAreReported()
    {
        var f = SafetensorsFile.Open(Path.Combine(SharedPaths.Golden, "gpt2", "model.safetensors"));
        Assert.Throws<CheckpointException>(() => MlpNeuronVectors.FromLlamaSafetensors(f));
        var ex = Assert.Throws<DknInputException>(() =>
            new MlpNeuronVectors([new double[4, 2]], null, [new double[4, 3]])
        );
        Assert.Contains("output layer 0", ex.Message);
        var v = new MlpNeuronVectors([new double[4, 2]], null, [new double[4, 2]]);
        Assert.Throws<DknInputException>(() => v.InputVector(new Neuron(0, 4)).ToArray());
    }
}
