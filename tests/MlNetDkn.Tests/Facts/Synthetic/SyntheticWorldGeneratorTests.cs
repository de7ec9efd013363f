using System.Text.RegularExpressions;
using MlNetDkn.Facts;
using MlNetDkn.Facts.Synthetic;
using MlNetDkn.Tests.Support;

namespace MlNetDkn.Tests.Facts.Synthetic;

public class SyntheticWorldGeneratorTests
{
    static readonly Lazy<FactDataset> DefaultWorld = new(() =>
        SyntheticWorldGenerator.Generate(new SyntheticWorldOptions())
    );
    static readonly Regex PlainWords = new("^[A-Za-z0-9]+( [A-Za-z0-9]+)*$");

    [Fact]
    public void DefaultWorldHasOneFactPerSubjectAndRelationWithFourPlusTwoParaphrases()
    {
        var world = DefaultWorld.Value;

        Assert.Equal(200 * 4, world.Count);
        Assert.Equal(["birthplace", "profession", "colour", "instrument"], world.Relations);
        Assert.Equal(200, world.Records.Select(r => r.Subject).Distinct().Count());
        Assert.All(world.Records, r =>
        {
            Assert.Equal(4, r.Prompts.Count);
            Assert.Equal(2, r.HeldoutPrompts.Count);
            Assert.Equal(3, r.FalseAnswers.Count);
            Assert.Null(r.Date);
            Assert.Equal(FactSplits.Train, r.Split);
        });
    }

    [Fact]
    public void EveryPromptAndAnswerIsPlainSpaceSeparatedWords()
    {
        var records = DefaultWorld.Value.Records;

        Assert.All(records, r =>
        {
            Assert.All(r.Prompts.Concat(r.HeldoutPrompts), p => Assert.Matches(PlainWords, p));
            Assert.Matches("^[A-Za-z]+$", r.Answer);
            Assert.Matches("^[A-Z][a-z]+$", r.Subject);
            Assert.All(r.Prompts, p => Assert.Contains(r.Subject, p.Split(' ')));
        });
    }

    [Fact]
    public void DefaultWorldNeedsOnlyAFewHundredWordTokens()
    {
        var records = DefaultWorld.Value.Records;
        var subjects = records.Select(r => r.Subject).ToHashSet();
        var answers = records.SelectMany(r => r.FalseAnswers.Append(r.Answer)).ToHashSet();
        var templateWords = records
            .SelectMany(r => r.Prompts.Concat(r.HeldoutPrompts))
            .SelectMany(p => p.Split(' '))
            .Where(w => !subjects.Contains(w))
            .ToHashSet();
        var vocabulary = subjects.Concat(answers).Concat(templateWords).ToHashSet();

        Assert.Equal(200, subjects.Count);
        Assert.Equal(4 * 12, answers.Count);
        // Subjects, answers and template words never share a word, so each token has one role.
        Assert.Equal(subjects.Count + answers.Count + templateWords.Count, vocabulary.Count);
        Assert.InRange(vocabulary.Count, 250, 350);
    }

    [Fact]
    public void HeldoutTemplatesNeverAppearAmongTrainingTemplatesOfTheRelation()
    {
        foreach (var relation in DefaultWorld.Value.Records.GroupBy(r => r.RelationId))
        {
            // Replace the subject by a slot to compare templates, not sentences.
            var train = relation.SelectMany(r => r.Prompts.Select(p => p.Replace(r.Subject, "{s}"))).ToHashSet();
            var heldout = relation
                .SelectMany(r => r.HeldoutPrompts.Select(p => p.Replace(r.Subject, "{s}")))
                .ToHashSet();

            Assert.Equal(4, train.Count);
            Assert.Equal(2, heldout.Count);
            Assert.Empty(train.Intersect(heldout));
        }
    }

    [Fact]
    public void AnswersComeFromASmallPerRelationSetAndFalseAnswersFromTheSameSet()
    {
        foreach (var relation in DefaultWorld.Value.Records.GroupBy(r => r.RelationId))
        {
            var answers = relation.Select(r => r.Answer).ToHashSet();

            Assert.InRange(answers.Count, 10, 12);
            Assert.All(relation, r =>
            {
                Assert.DoesNotContain(r.Answer, r.FalseAnswers);
                Assert.Equal(r.FalseAnswers.Count, r.FalseAnswers.Distinct().Count());
            });
            Assert.Equal(12, answers.Union(relation.SelectMany(r => r.FalseAnswers)).Count());
        }
        var subjects = DefaultWorld.Value.Records.Select(r => r.Subject).ToHashSet(StringComparer.OrdinalIgnoreCase);
        Assert.DoesNotContain(DefaultWorld.Value.Records, r => subjects.Contains(r.Answer));
    }

    [Fact]
    public void SameSeedGivesByteIdenticalParquetAndAnotherSeedADifferentWorld()
    {
        var dir = SharedPaths.TempDir("synth-determinism");
        SyntheticWorldGenerator.Generate(new SyntheticWorldOptions { Seed = 11 }).Write(Path.Combine(dir, "a.parquet"));
        SyntheticWorldGenerator.Generate(new SyntheticWorldOptions { Seed = 11 }).Write(Path.Combine(dir, "b.parquet"));
        var other = SyntheticWorldGenerator.Generate(new SyntheticWorldOptions { Seed = 12 });

        Assert.Equal(
            File.ReadAllBytes(Path.Combine(dir, "a.parquet")),
            File.ReadAllBytes(Path.Combine(dir, "b.parquet"))
        );
        Assert.NotEqual(FactDataset.Read(Path.Combine(dir, "a.parquet")).ContentHash(), other.ContentHash());
    }

    [Fact]
    public void DefaultWorldContentIsPinned()
    {
        // Pinned so that a change of catalog, name generator or draw order is a deliberate, visible change:
        // worlds must stay identical across runtimes and machines for cached results to stay valid.
        Assert.Equal(
            "a1456b91a9ed9d6739cdf4d919ae07b6591486dd5a5a0340d6c78a3804e5550d",
            DefaultWorld.Value.ContentHash()
        );
    }

    [Fact]
    public void DatedWorldHasOneFactPerYearWithYearPrefixedPrompts()
    {
        var world = SyntheticWorldGenerator.Generate(
            new SyntheticWorldOptions
            {
                Entities = 30,
                Relations = 2,
                DatedFacts = true,
                FirstYear = 2001,
                Years = 4,
                AnswerChangeProbability = 1.0,
            }
        );

        Assert.Equal(30 * 2 * 4, world.Count);
        Assert.All(world.Records, r =>
        {
            Assert.Matches("^200[1-4]$", r.Date);
            Assert.All(r.Prompts.Concat(r.HeldoutPrompts), p => Assert.StartsWith($"in {r.Date} ", p));
            Assert.EndsWith(":" + r.Date, r.FactId);
        });
        // With change probability 1 every consecutive year has another answer.
        foreach (var history in world.Records.GroupBy(r => (r.RelationId, r.Subject)))
            Assert.All(history.Zip(history.Skip(1)), pair => Assert.NotEqual(pair.First.Answer, pair.Second.Answer));
    }

    [Fact]
    public void LargerAnswerSetsThanTheWordPoolAreFilledWithInventedWords()
    {
        var world = SyntheticWorldGenerator.Generate(
            new SyntheticWorldOptions
            {
                Entities = 400,
                Relations = 3,
                AnswersPerRelation = 20,
                FalseAnswersPerFact = 19,
            }
        );

        var colourAnswers = world
            .Records.Where(r => r.RelationId == "colour")
            .SelectMany(r => r.FalseAnswers.Append(r.Answer))
            .ToHashSet();

        Assert.Equal(20, colourAnswers.Count);
        // The colour pool holds 16 real words; the other 4 answers are invented capitalised names.
        Assert.Equal(16, colourAnswers.Count(a => char.IsLower(a[0])));
        Assert.Equal(4, colourAnswers.Count(a => char.IsUpper(a[0])));
    }

    [Theory]
    [InlineData(0, 4, 4, 2, "--entities")]
    [InlineData(10, 9, 4, 2, "--relations")]
    [InlineData(10, 4, 7, 2, "--templates")]
    [InlineData(10, 4, 4, -1, "--heldout-templates")]
    public void OutOfRangeOptionsNameTheOption(int entities, int relations, int templates, int heldout, string option)
    {
        var options = new SyntheticWorldOptions
        {
            Entities = entities,
            Relations = relations,
            TemplatesPerRelation = templates,
            HeldoutTemplatesPerRelation = heldout,
        };

        var e = Assert.Throws<DknInputException>(() => SyntheticWorldGenerator.Generate(options));

        Assert.StartsWith($"synthetic world option {option}: out of range", e.Message);
    }
}
