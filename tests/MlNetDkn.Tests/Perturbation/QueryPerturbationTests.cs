using MlNetDkn.Facts;
using MlNetDkn.Perturbation.Queries;

namespace MlNetDkn.Tests.Perturbation;

/// <summary>
/// Perturbed queries: Python's generator reproduced draw for draw, the authors' interfere_query reproduced string for
/// string (expected values produced by running their function under CPython 3.11), and the default draws
/// independent of the other facts.
/// </summary>
public class QueryPerturbationTests
{
    [Fact]
    public void PythonRandomMatchesCPython()
    {
        // CPython 3.11: random.seed(42); random.random() ... (values printed by the interpreter).
        Assert.Equal(0.6394267984578837, new PythonRandom(42).NextDouble());
        var r = new PythonRandom(42);
        Assert.Equal([2, 1, 5, 4, 4, 3, 2, 9], Enumerable.Range(0, 8).Select(_ => r.RandInt(1, 10)));
        var bits = new PythonRandom(42);
        Assert.Equal(2746317213u, bits.GetRandBits(32));
        Assert.Equal(14u, bits.GetRandBits(7));
        var big = new PythonRandom(123456789012);
        Assert.Equal([386, 667, 21], Enumerable.Range(0, 3).Select(_ => big.RandInt(0, 1000)));
        // random.seed(42); random.choice(range(n)) for n = 2, 3, 4, 5, 7.
        Assert.Equal([0, 2, 0, 0, 5], new[] { 2, 3, 4, 5, 7 }.Select(n => new PythonRandom(42).ChoiceIndex(n)));
    }

    static readonly string[] Queries =
    [
        "The birthplace of Mira Voss is",
        "Mira Voss works as a",
        "In 2010, Valentino Rossi plays for",
        "short one",
        "Bob plays the",
    ];

    static List<FactRecord> Facts() =>
        Queries
            .Select(
                (q, i) =>
                    new FactRecord
                    {
                        FactId = $"f{i}",
                        RelationId = "r",
                        Subject =
                            i < 2 ? "Mira Voss"
                            : i == 2 ? "Valentino Rossi"
                            : "Bob",
                        Answer = "x",
                        Prompts = [q],
                    }
            )
            .ToList();

    [Theory]
    [InlineData(
        PerturbationKind.Replace,
        new[]
        {
            "The [REPLACED] of Mira Voss is",
            "Mira [REPLACED] works as a",
            "In 2010, Valentino [REPLACED] plays for",
            "short one",
            "Bob [REPLACED] the",
        }
    )]
    [InlineData(
        PerturbationKind.Add,
        new[]
        {
            "The birthplace of Mira Voss is [ADDED]",
            "Mira [ADDED] Voss works as a",
            "In [ADDED] 2010, Valentino Rossi plays for",
            "short one [ADDED]",
            "Bob [ADDED] plays the",
        }
    )]
    [InlineData(
        PerturbationKind.Delete,
        new[] { "The of Mira Voss is", "Mira works as a", "In 2010, Valentino plays for", "short one", "Bob the" }
    )]
    public void TheAuthorsStreamGivesTheirStrings(PerturbationKind kind, string[] expected)
    {
        // Their script: random.seed(42) once, then interfere_query(query, method) for each fact in order.
        var options = QueryPerturbationOptions.Authors with { Kinds = [kind] };
        var drawn = new QueryPerturber(options, []).Perturb(Facts());
        Assert.Equal(expected, drawn.Select(d => d.Perturbed));
        Assert.Equal(kind == PerturbationKind.Add, drawn[3].Changed); // two-word queries are left alone except by add
    }

    [Fact]
    public void DrawsRecordTheWordAndTheSubject()
    {
        var drawn = new QueryPerturber(QueryPerturbationOptions.Authors, []).Perturb(Facts());
        var replace = drawn.Where(d => d.Kind == PerturbationKind.Replace).ToList();
        // "Mira [REPLACED] works as a"
        Assert.Equal((1, "Voss", true), (replace[1].WordIndex, replace[1].Word, replace[1].HitsSubject));
        Assert.Equal((1, "birthplace", false), (replace[0].WordIndex, replace[0].Word, replace[0].HitsSubject));
        var add = drawn.Where(d => d.Kind == PerturbationKind.Add).ToList();
        Assert.True(add[1].HitsSubject); // inserted between Mira and Voss
        Assert.False(add[0].HitsSubject);
        // The same descriptions read back from the strings alone.
        foreach (var d in drawn.Where(d => d.Changed))
        {
            var described = PerturbationDiff.Describe(
                d.FactId,
                Facts().First(f => f.FactId == d.FactId).Subject,
                d.Clean,
                d.Perturbed,
                d.Kind,
                d.Draw
            );
            Assert.Equal(
                (d.WordIndex, d.Word, d.HitsSubject),
                (described.WordIndex, described.Word, described.HitsSubject)
            );
        }
    }

    [Fact]
    public void DefaultDrawsAreSeededPerFactAndRealWordsAvoidTheFact()
    {
        var facts = Facts();
        var vocabulary = QueryPerturber.VocabularyOf(facts);
        var options = new QueryPerturbationOptions
        {
            Kinds = [PerturbationKind.ReplaceWord, PerturbationKind.AddWord, PerturbationKind.Delete],
            PerFact = 3,
            Seed = 5,
        };
        var all = new QueryPerturber(options, vocabulary).Perturb(facts);
        var alone = new QueryPerturber(options, vocabulary).Perturb([facts[2]]);
        Assert.Equal(alone.Select(a => a.Perturbed), all.Where(a => a.FactId == "f2").Select(a => a.Perturbed));
        Assert.Equal(
            all.Select(a => a.Perturbed),
            new QueryPerturber(options, vocabulary).Perturb(facts).Select(a => a.Perturbed)
        );
        Assert.NotEqual(
            all.Select(a => a.Perturbed),
            new QueryPerturber(options with { Seed = 6 }, vocabulary).Perturb(facts).Select(a => a.Perturbed)
        );
        foreach (var d in all.Where(d => d.Kind != PerturbationKind.Delete && d.Changed))
        {
            Assert.Contains(d.Replacement!, vocabulary);
            var fact = facts.First(f => f.FactId == d.FactId);
            Assert.DoesNotContain(d.Replacement!, (fact.Subject + " " + fact.Answer).Split(' '));
        }
    }

    [Fact]
    public void BadOptionsAreRejected()
    {
        Assert.Contains(
            "kind is listed twice",
            Assert
                .Throws<DknInputException>(() =>
                    new QueryPerturbationOptions { Kinds = [PerturbationKind.Add, PerturbationKind.Add] }.Validate()
                )
                .Message
        );
        Assert.Contains(
            "one perturbation per fact",
            Assert
                .Throws<DknInputException>(() => (QueryPerturbationOptions.Authors with { PerFact = 2 }).Validate())
                .Message
        );
        Assert.Contains(
            "unknown perturbation kind 'swap'",
            Assert.Throws<DknInputException>(() => QueryPerturbationOptions.ParseKind("swap")).Message
        );
        Assert.Contains(
            "need a vocabulary",
            Assert
                .Throws<DknInputException>(() =>
                    new QueryPerturber(new QueryPerturbationOptions { Kinds = [PerturbationKind.ReplaceWord] }, [])
                )
                .Message
        );
    }
}
