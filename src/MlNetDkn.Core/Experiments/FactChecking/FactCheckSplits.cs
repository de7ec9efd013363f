using System.Numerics;
using MlNetDkn.Facts;
using MlNetDkn.Perturbation.Queries;

namespace MlNetDkn.Experiments.FactChecking;

/// <summary>The fact-check splits: train (learns the neuron sets), validation (thresholds), test
/// (evaluation).</summary>
public static class FactCheckSplits
{
    /// <summary>The split names as stored in <see cref="FactCheckRecord.Split"/>.</summary>
    public const string Train = "train",
        Validation = "validation",
        Test = "test";

    /// <summary>
    /// Split by subject (every fact of a subject in one split, so no entity is both learned from and tested on),
    /// each subject placed by a seeded hash; or the authors' split: per relation, ceil(share · n) facts to test
    /// (by fact, not by entity), the rest train (a fifth of it marked validation, see below).
    /// </summary>
    public static IReadOnlyDictionary<string, string> Assign(IReadOnlyList<FactRecord> facts, FactCheckOptions options)
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        if (options.AuthorsTestShare > 0)
        {
            foreach (var relation in facts.GroupBy(f => f.RelationId))
            {
                var list = relation.OrderBy(f => Unit(options.Seed, f.FactId)).ToList();
                int test = (int)Math.Ceiling(options.AuthorsTestShare * list.Count);
                // The authors have no validation split; a fifth of the rest fits the thresholds of the detectors they
                // never ran (their own two have fixed thresholds), and still teaches the sets as their code would.
                for (int i = 0; i < list.Count; i++)
                    result[list[i].FactId] =
                        i < test ? Test
                        : Unit(options.Seed, "validation:" + list[i].FactId) < 0.2 ? Validation
                        : Train;
            }
            return result;
        }
        foreach (var f in facts)
        {
            double u = Unit(options.Seed, "subject:" + f.Subject);
            result[f.FactId] =
                u < options.TrainFraction ? Train
                : u < options.TrainFraction + options.ValidationFraction ? Validation
                : Test;
        }
        return result;
    }

    /// <summary>Facts whose DKN and knowledge neurons teach the relation sets: train, and under the authors' split
    /// also the validation part (their code learns from all non-test facts).</summary>
    public static bool TeachesSets(string split, FactCheckOptions options) =>
        split == Train || (options.AuthorsTestShare > 0 && split == Validation);

    static double Unit(int seed, string key)
    {
        var digest = System.Security.Cryptography.SHA256.HashData(
            System.Text.Encoding.UTF8.GetBytes($"{seed}\u001f{key}")
        );
        return new PythonRandom(new BigInteger(digest.AsSpan(0, 8), isUnsigned: true)).NextDouble();
    }

    /// <summary>The false answer a fact is checked with (null when it has none).</summary>
    public static string? FalseAnswer(FactRecord fact, FactCheckOptions options)
    {
        var wrong = fact.FalseAnswers.Where(w => !string.Equals(w, fact.Answer, StringComparison.Ordinal)).ToList();
        if (wrong.Count == 0)
            return null;
        if (options.AuthorsFalseAnswer)
            return wrong[new PythonRandom(42).ChoiceIndex(wrong.Count)]; // random.seed(42); random.choice(wrong)
        var digest = System.Security.Cryptography.SHA256.HashData(
            System.Text.Encoding.UTF8.GetBytes($"{options.Seed}\u001ffalse\u001f{fact.FactId}")
        );
        return wrong[new PythonRandom(new BigInteger(digest.AsSpan(0, 8), isUnsigned: true)).ChoiceIndex(wrong.Count)];
    }
}
