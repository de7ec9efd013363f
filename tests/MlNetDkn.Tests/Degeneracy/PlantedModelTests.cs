using MlNetDkn.Degeneracy;
using MlNetDkn.Degeneracy.Planted;
using MlNetDkn.Modeling;
using MlNetDkn.Tests.Support;

namespace MlNetDkn.Tests.Degeneracy;

public class PlantedModelTests(Xunit.Abstractions.ITestOutputHelper output)
{
    [Fact]
    public void TheBuiltModelHasThePlantedStructure()
    {
        var folder = SharedPaths.TempDir("planted");
        var (truth, facts) = PlantedModelBuilder.Build(new PlantedModelOptions(), folder);
        foreach (var f in truth.Facts)
            output.WriteLine($"{f.FactId} {f.Kind} n={f.Components.Count} p0={f.BaselineProbability:0.0000} worst={f.WorstProperSubsetDrop:0.000} full={f.FullDrop:0.000} ok={f.Verified}");
        Assert.True(truth.Facts.Count(f => f.Verified) >= 0.9 * truth.Facts.Count);
    }
}
