using MlNetDkn.Facts;

namespace MlNetDkn.Tests.Facts;

/// <summary>Small hand-made fact rows exercising every column (null date, empty lists, non-ASCII text).</summary>
internal static class FactFixtures
{
    public static FactRecord Fact(string id, string answer = "Paris", List<string>? prompts = null) =>
        new()
        {
            FactId = id,
            RelationId = "P36",
            Subject = "France",
            Answer = answer,
            Prompts = prompts ?? ["The capital of France is", "France's capital city is"],
            Split = FactSplits.Train,
            Source = "test",
        };

    public static List<FactRecord> ThreeFacts() =>
        [
            Fact("t:1"),
            new()
            {
                FactId = "t:2",
                RelationId = "P54",
                Subject = "Luka Modrić",
                Answer = "Real Madrid",
                Aliases = ["Real Madrid CF", "Croatia national football team"],
                Prompts = ["In 2015, Luka Modrić plays for"],
                HeldoutPrompts = ["In 2015, the team of Luka Modrić is"],
                QuestionPrompts = ["In 2015, Which team is Luka Modrić a player for?"],
                PerturbedPrompts = ["In 2015, Which [ADDED] team is Luka Modrić a player for?"],
                PerturbedKinds = ["add"],
                FalseAnswers = ["Tottenham Hotspur"],
                Date = "2015",
                Split = FactSplits.Validation,
                Source = "test",
            },
            Fact("t:3", answer: "Lyon"),
        ];
}
