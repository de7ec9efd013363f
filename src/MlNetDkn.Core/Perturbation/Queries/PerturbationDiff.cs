namespace MlNetDkn.Perturbation.Queries;

/// <summary>
/// What a perturbed query changed, read off the two strings' whitespace words: one word replaced, one inserted, one
/// deleted, or something else (a paraphrase). Works for perturbations drawn here and for those a dataset brings.
/// </summary>
public static class PerturbationDiff
{
    /// <summary>Describes how <paramref name="perturbed"/> differs from <paramref name="clean"/> (word index −1, no
    /// words, when they are equal word for word).</summary>
    /// <param name="kind">The kind recorded; the diff itself only reads the words.</param>
    /// <param name="draw">The draw number recorded.</param>
    public static PerturbedQuery Describe(
        string factId,
        string subject,
        string clean,
        string perturbed,
        PerturbationKind kind,
        int draw
    )
    {
        var a = clean.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
        var b = perturbed.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
        var span = QueryPerturber.SubjectSpan(a, subject);
        bool Inside(int i) => span is var (s, e) && i >= s && i < e;
        if (a.SequenceEqual(b, StringComparer.Ordinal))
            return new(factId, kind, draw, clean, perturbed, -1, null, null, false);
        if (a.Length == b.Length)
        {
            var differing = Enumerable.Range(0, a.Length).Where(i => a[i] != b[i]).ToArray();
            if (differing.Length == 1)
                return new(
                    factId,
                    kind,
                    draw,
                    clean,
                    perturbed,
                    differing[0],
                    a[differing[0]],
                    b[differing[0]],
                    Inside(differing[0])
                );
        }
        else if (
            b.Length == a.Length + 1
            && FirstDifference(a, b) is var i
            && b.Take(i).Concat(b.Skip(i + 1)).SequenceEqual(a, StringComparer.Ordinal)
        )
            return new(factId, kind, draw, clean, perturbed, i, null, b[i], span is var (s, e) && i > s && i < e);
        else if (
            a.Length == b.Length + 1
            && FirstDifference(b, a) is var j
            && a.Take(j).Concat(a.Skip(j + 1)).SequenceEqual(b, StringComparer.Ordinal)
        )
            return new(factId, kind, draw, clean, perturbed, j, a[j], null, Inside(j));
        return new(factId, kind, draw, clean, perturbed, -1, null, perturbed, false);
    }

    /// <summary>First index where the shorter list stops matching the longer one.</summary>
    static int FirstDifference(string[] shorter, string[] longer)
    {
        int i = 0;
        while (i < shorter.Length && shorter[i] == longer[i])
            i++;
        return i;
    }
}
