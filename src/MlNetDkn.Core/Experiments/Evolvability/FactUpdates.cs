using System.Numerics;
using MlNetDkn.Facts;

namespace MlNetDkn.Experiments.Evolvability;

/// <summary>
/// New facts for the evolvability experiment: counterfactual updates of existing facts (same subject, relation and
/// prompts, a different answer taken from the fact's stored wrong answers), drawn across relations with a seed.
/// The updated fact keeps its id with a suffix, so its old version can be found.
/// </summary>
public static class FactUpdates
{
    /// <summary>Appended to an old fact's id to make its update's id.</summary>
    public const string Suffix = "#updated";

    /// <summary>Draws up to <paramref name="count"/> updates, round-robin over relations in seeded order, from the
    /// facts with a stored wrong answer and at least two prompts; the old answer becomes the update's false
    /// answer.</summary>
    public static FactDataset Draw(FactDataset dataset, int count, int seed)
    {
        var eligible = dataset
            .Records.Where(r => r.FalseAnswers.Any(w => w != r.Answer) && r.Prompts.Count >= 2)
            .ToList();
        if (eligible.Count == 0)
            throw new DknInputException(
                "update facts: no fact has a stored wrong answer and two prompts to update with"
            );
        var chosen = eligible
            .GroupBy(r => r.RelationId)
            .SelectMany(g => g.OrderBy(r => Key(seed, r.FactId)).Select((r, rank) => (r, rank)))
            .OrderBy(x => x.rank)
            .ThenBy(x => x.r.RelationId, StringComparer.Ordinal)
            .Take(count)
            .Select(x => x.r)
            .ToList();
        return new FactDataset(
            chosen.Select(r =>
            {
                var wrong = r.FalseAnswers.Where(w => w != r.Answer).ToList();
                return new FactRecord
                {
                    FactId = r.FactId + Suffix,
                    RelationId = r.RelationId,
                    Subject = r.Subject,
                    Answer = wrong[(int)(Key(seed, "answer" + r.FactId) % (ulong)wrong.Count)],
                    Prompts = [.. r.Prompts],
                    HeldoutPrompts = [.. r.HeldoutPrompts],
                    FalseAnswers = [r.Answer],
                    Split = r.Split,
                    Source = "update of " + r.FactId,
                };
            }),
            "updated facts"
        );
    }

    /// <summary>The id of the old version of an updated fact.</summary>
    public static string OldId(string factId) =>
        factId.EndsWith(Suffix, StringComparison.Ordinal) ? factId[..^Suffix.Length] : factId;

    static ulong Key(int seed, string text)
    {
        var digest = System.Security.Cryptography.SHA256.HashData(
            System.Text.Encoding.UTF8.GetBytes($"{seed}\u001f{text}")
        );
        return (ulong)new BigInteger(digest.AsSpan(0, 8), isUnsigned: true);
    }
}
