using System.Numerics;
using System.Text.RegularExpressions;
using MlNetDkn.Facts;

namespace MlNetDkn.Perturbation.Queries;

/// <summary>
/// Draws perturbed versions of each fact's clean query (its first prompt), as the authors' <c>interfere_query</c>
/// does (split on whitespace; replace or delete one word at index 1..n−2, or insert at index 1..n) and with natural
/// replacements (a real word, a paraphrase). <see cref="Perturb"/> walks the facts in dataset order, which the
/// authors' stream needs; every draw is recorded with the word hit and whether it lies in the subject.
/// </summary>
public sealed partial class QueryPerturber
{
    readonly QueryPerturbationOptions _options;
    readonly IReadOnlyList<string> _vocabulary;
    readonly Dictionary<PerturbationKind, PythonRandom> _streams = [];

    /// <param name="vocabulary">Real words for replace-word and add-word (see <see cref="VocabularyOf"/>).</param>
    public QueryPerturber(QueryPerturbationOptions options, IReadOnlyList<string> vocabulary)
    {
        options.Validate();
        _options = options;
        _vocabulary = vocabulary;
        if (
            _vocabulary.Count == 0
            && options.Kinds.Any(k => k is PerturbationKind.ReplaceWord or PerturbationKind.AddWord)
        )
            throw new DknInputException(
                "query perturbation: replace-word and add-word need a vocabulary of real words, and the dataset's "
                    + "prompts have none"
            );
        if (options.AuthorsStream)
            foreach (var kind in options.Kinds)
                _streams[kind] = new PythonRandom(options.Seed);
    }

    [GeneratedRegex("^[A-Za-z]+$")]
    private static partial Regex PlainWord();

    /// <summary>The alphabetic words of every prompt in the facts, distinct and in ordinal order.</summary>
    public static IReadOnlyList<string> VocabularyOf(IEnumerable<FactRecord> facts) =>
        facts
            .SelectMany(f => f.Prompts.Concat(f.HeldoutPrompts))
            .SelectMany(p => p.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries))
            .Where(w => PlainWord().IsMatch(w))
            .Distinct(StringComparer.Ordinal)
            .Order(StringComparer.Ordinal)
            .ToArray();

    /// <summary>Every fact's perturbations, facts in the given order, kinds in the options' order.</summary>
    public IReadOnlyList<PerturbedQuery> Perturb(IEnumerable<FactRecord> facts)
    {
        var result = new List<PerturbedQuery>();
        foreach (var fact in facts)
        {
            if (fact.Prompts.Count == 0)
                throw new DknInputException($"fact '{fact.FactId}' has no prompts to perturb");
            foreach (var kind in _options.Kinds)
                for (int draw = 0; draw < _options.PerFact; draw++)
                    result.Add(One(fact, kind, draw, Stream(fact, kind, draw)));
        }
        return result;
    }

    PythonRandom Stream(FactRecord fact, PerturbationKind kind, int draw)
    {
        if (_options.AuthorsStream)
            return _streams[kind];
        // Independent of the other facts: a seed from (seed, fact, kind, draw).
        var digest = System.Security.Cryptography.SHA256.HashData(
            System.Text.Encoding.UTF8.GetBytes($"{_options.Seed}\u001f{fact.FactId}\u001f{kind}\u001f{draw}")
        );
        return new PythonRandom(new BigInteger(digest.AsSpan(0, 8), isUnsigned: true));
    }

    PerturbedQuery One(FactRecord fact, PerturbationKind kind, int draw, PythonRandom rng)
    {
        var clean = fact.Prompts[0];
        var words = clean.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries).ToList();
        var subject = SubjectSpan(words, fact.Subject);
        bool Inside(int i) => subject is var (s, e) && i >= s && i < e;
        PerturbedQuery Made(string perturbed, int index, string? word, string? put, bool hits) =>
            new(fact.FactId, kind, draw, clean, perturbed, index, word, put, hits);
        switch (kind)
        {
            case PerturbationKind.Replace or PerturbationKind.ReplaceWord or PerturbationKind.Delete:
            {
                // The authors leave queries of two words or fewer unchanged (no draw is made for them).
                if (words.Count <= 2)
                    return Made(clean, -1, null, null, false);
                int i = rng.RandInt(1, words.Count - 2);
                var word = words[i];
                if (kind == PerturbationKind.Delete)
                {
                    words.RemoveAt(i);
                    return Made(string.Join(' ', words), i, word, null, Inside(i));
                }
                var put = kind == PerturbationKind.Replace ? _options.ReplaceMarker : RealWord(rng, fact, word);
                words[i] = put;
                return Made(string.Join(' ', words), i, word, put, Inside(i));
            }
            case PerturbationKind.Add or PerturbationKind.AddWord:
            {
                int i = rng.RandInt(1, words.Count);
                var put = kind == PerturbationKind.Add ? _options.AddMarker : RealWord(rng, fact, null);
                words.Insert(i, put);
                // Inserted between two subject words.
                return Made(string.Join(' ', words), i, null, put, subject is var (s, e) && i > s && i < e);
            }
            default:
            {
                var others = fact
                    .Prompts.Skip(1)
                    .Concat(fact.HeldoutPrompts)
                    .Where(p => p != clean)
                    .Distinct(StringComparer.Ordinal)
                    .ToList();
                if (others.Count == 0)
                    return Made(clean, -1, null, null, false);
                var p = others[rng.ChoiceIndex(others.Count)];
                return Made(p, -1, null, p, false);
            }
        }
    }

    string RealWord(PythonRandom rng, FactRecord fact, string? replaced)
    {
        // Not a word of the subject or the answer (that would leak or remove the fact), not the word replaced.
        var excluded = (fact.Subject + " " + fact.Answer)
            .Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries)
            .ToHashSet(StringComparer.OrdinalIgnoreCase);
        if (replaced != null)
            excluded.Add(replaced);
        for (int attempt = 0; attempt < 64; attempt++)
        {
            var w = _vocabulary[rng.ChoiceIndex(_vocabulary.Count)];
            if (!excluded.Contains(w))
                return w;
        }
        throw new DknInputException(
            $"fact '{fact.FactId}': no real word outside its subject and answer in a vocabulary of {_vocabulary.Count}"
        );
    }

    /// <summary>Word span [start, end) of the subject in the query's words, or null when it is not found
    /// whole.</summary>
    public static (int Start, int End)? SubjectSpan(IReadOnlyList<string> words, string subject)
    {
        var parts = subject.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
        if (parts.Length == 0)
            return null;
        for (int s = 0; s + parts.Length <= words.Count; s++)
        {
            bool all = true;
            for (int k = 0; k < parts.Length && all; k++)
                all = string.Equals(Trim(words[s + k]), Trim(parts[k]), StringComparison.OrdinalIgnoreCase);
            if (all)
                return (s, s + parts.Length);
        }
        return null;
    }

    static string Trim(string word) => word.Trim('.', ',', ';', ':', '!', '?', '"', '\'', '(', ')');
}
