using MlNetDkn.Facts;

namespace MlNetDkn.Tests.Support;

/// <summary>A few facts over stories260K (a real trained model with a tokenizer) for dataset-level tests.</summary>
public static class StoryFacts
{
    public static string ModelPath => Path.Combine(SharedPaths.Models, "stories260K");

    public static FactDataset Dataset() =>
        new(
            [
                Fact(
                    "lily",
                    "Lily",
                    "Once upon a time, there was a little girl named",
                    "There was a little girl named"
                ),
                Fact("play", "play", "She loved to", "One day, she wanted to"),
                Fact("park", "park", "She liked to play outside in the", "They went to the"),
                Fact("happy", "happy", "She was very", "The little girl was"),
            ],
            "story-facts"
        );

    static FactRecord Fact(string id, string answer, params string[] prompts) =>
        new()
        {
            FactId = id,
            RelationId = "story",
            Subject = id,
            Answer = answer,
            Prompts = [.. prompts],
            Split = FactSplits.Train,
            Source = "test",
        };
}
