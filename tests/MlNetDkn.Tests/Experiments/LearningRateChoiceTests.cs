using MlNetDkn.Experiments.Evolvability;

namespace MlNetDkn.Tests.Experiments;

/// <summary>The learning rate is chosen on held-out new-fact accuracy plus retention, ties going to the smaller
/// rate.</summary>
public class LearningRateChoiceTests
{
    [Fact]
    public void ATieGoesToTheSmallerRate()
    {
        // Validation accuracy 1.0 at both rates and the same retention: the old rule's probability tie-break picked
        // 0.03.
        var chosen = LearningRateChoice.Choose(
            [new(0.03, 1.0, 0.5), new(0.01, 1.0, 0.5), new(0.1, 0.9, 0.5)],
            retentionWeight: 1
        );
        Assert.Equal(0.01, chosen.LearningRate);
    }

    [Fact]
    public void RetentionDecidesBetweenRatesThatLearnTheNewFactsEqually()
    {
        // 0.03 learns as well as 0.01 but forgets the old facts; 0.003 learns less but keeps far more.
        LearningRateTrial[] grid = [new(0.003, 0.9, 0.8), new(0.01, 1.0, 0.3), new(0.03, 1.0, 0.05)];
        Assert.Equal(0.003, LearningRateChoice.Choose(grid, retentionWeight: 1).LearningRate); // 1.7 > 1.3 > 1.05
        // Without the retention term accuracy alone ties at 1.0; the smaller rate of the tie wins.
        Assert.Equal(0.01, LearningRateChoice.Choose(grid, retentionWeight: 0).LearningRate);
    }

    [Fact]
    public void WithoutValidationOldFactsTheNewFactAccuracyDecides()
    {
        var chosen = LearningRateChoice.Choose(
            [new(0.001, 0.5, double.NaN), new(0.01, 0.9, double.NaN)],
            retentionWeight: 1
        );
        Assert.Equal(0.01, chosen.LearningRate);
        Assert.Throws<ArgumentException>(() => LearningRateChoice.Choose([], 1));
    }
}
