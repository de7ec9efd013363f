using MlNetDkn.Degeneracy;
using MlNetDkn.Degeneracy.Acquisition;
using MlNetDkn.Degeneracy.Planted;
using MlNetDkn.Modeling;
using MlNetDkn.Perturbation;

namespace MlNetDkn.Tests.Degeneracy;

public class AcquisitionTests(SmallPlantedModel planted) : IClassFixture<SmallPlantedModel>
{
    [Fact]
    public void JointGatedAttributionIsCompleteOverTheWholeModel()
    {
        using var loaded = ModelLoader.Load(planted.Folder, new ModelLoadOptions { DType = "float64" });
        var tokenizer = MlNetDkn.Modeling.Tokenization.TokenizerLoader.FromModelFolder(planted.Folder);
        var fact = planted.Truth.Facts.First(f => f.Kind == PlantedKind.Degenerate);
        using var probe = new PrefixCacheProbe(loaded.Model, tokenizer.Encode(fact.Subject).Select(t => (long)t).ToArray(), [tokenizer.Encode(fact.Answer)[0]]);
        var result = JointIntegratedGradients.Attribute(probe, [], KnockoutOptions.Default with { Steps = 400 });
        Assert.Equal(probe.BaselineProbability(), result.OpenProbability, 9);
        Assert.True(Math.Abs(result.CompletenessError) < 0.02 * result.OpenProbability, $"completeness error {result.CompletenessError}");
    }
}
