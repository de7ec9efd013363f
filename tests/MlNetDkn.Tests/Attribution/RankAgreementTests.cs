using MlNetDkn.Attribution;
using MlNetDkn.Attribution.Agreement;
using MlNetDkn.Tests.Support;

namespace MlNetDkn.Tests.Attribution;

public class RankAgreementTests
{
    static readonly double[][] A =
    [
        [5, 4, 3],
        [2, 1, 0],
    ];

    [Fact]
    public void TopKOverlapCountsSharedNeurons()
    {
        double[][] b =
        [
            [5, 0, 3],
            [2, 4, 1],
        ]; // top-2: A {0:0, 0:1}, b {0:0, 1:1}
        Assert.Equal(0.5, RankAgreement.TopKOverlap(A, b, 2));
        Assert.Equal(1.0, RankAgreement.TopKOverlap(A, A, 3));
    }

    [Fact]
    public void SpearmanIsOneForMonotoneAndMinusOneForReversedScores()
    {
        double[][] squared =
        [
            [25, 16, 9],
            [4, 1, 0],
        ];
        double[][] reversed =
        [
            [0, 1, 2],
            [3, 4, 5],
        ];
        Assert.Equal(1.0, RankAgreement.Spearman(A, squared), 12);
        Assert.Equal(-1.0, RankAgreement.Spearman(A, reversed), 12);
        Assert.Throws<ArgumentException>(() =>
            RankAgreement.Spearman(
                A,
                [
                    [1, 2],
                ]
            )
        );
    }

    [Fact]
    public void JaccardOfEmptySetsIsOne()
    {
        Assert.Equal(1.0, Statistics.Jaccard(Array.Empty<int>(), Array.Empty<int>()));
        Assert.Equal(1 / 3.0, Statistics.Jaccard([1, 2], [2, 3]), 12);
    }

    [Fact]
    public void VariantsParseAsPresetsDtypesOrBoth()
    {
        var reference = new AgreementVariant("ref", AttributionOptions.Default with { Steps = 20 }, "float32");
        var ig5 = AgreementVariant.Parse("ig-5", reference);
        Assert.Equal((5, PathGrid.Midpoint, "float32"), (ig5.Attribution.Steps, ig5.Attribution.Grid, ig5.DType));
        Assert.Equal(reference.Attribution.Baseline, ig5.Attribution.Baseline);
        var bf16 = AgreementVariant.Parse("bfloat16", reference);
        Assert.Equal(("bfloat16", 20), (bf16.DType, bf16.Attribution.Steps));
        var both = AgreementVariant.Parse("grad-x-act@float16", reference);
        Assert.Equal((PathGrid.Endpoint, 1, "float16"), (both.Attribution.Grid, both.Attribution.Steps, both.DType));
        Assert.Throws<DknInputException>(() => AgreementVariant.Parse("ig-5@int8", reference));
        Assert.Throws<DknInputException>(() => AgreementVariant.Parse("frobnicate", reference));
    }

    [Fact]
    public void TheReferenceAgreesWithItselfOnATrainedModelAndFewerStepsStayClose()
    {
        var options = new AgreementOptions { Variants = ["ig-20", "ig-10"], MaxPrompts = 2 };
        var result = AttributionAgreement.Run(
            StoryFacts.ModelPath,
            new MlNetDkn.Modeling.ModelLoadOptions(),
            StoryFacts.Dataset().Records,
            options
        );
        var self = result.Variants.Single(v => v.Variant == "ig-20");
        Assert.Equal(
            (1.0, 1.0, 1.0, 1.0),
            (self.TopOverlap10, self.Spearman, self.KnowledgeNeuronJaccard, self.DknAgreement)
        );
        Assert.Equal("same sets", self.Verdict);
        var ig10 = result.Variants.Single(v => v.Variant == "ig-10");
        Assert.True(ig10.Spearman > 0.99, $"ig-10 Spearman {ig10.Spearman}");
        Assert.True(ig10.KnowledgeNeuronJaccard > 0.8, $"ig-10 KN Jaccard {ig10.KnowledgeNeuronJaccard}");
        Assert.Equal(2 * 4 * 2, result.Prompts.Count); // variants × facts × prompts
        Assert.Equal(2 * 4, result.Facts.Count);
    }
}
