namespace MlNetDkn.Facts.Internal;

internal static class OrderedDistinct
{
    /// <summary>First occurrence of each string, in order, skipping blanks and the excluded values.</summary>
    public static List<string> Of(IEnumerable<string> items, params string[] exclude)
    {
        var seen = new HashSet<string>(exclude, StringComparer.Ordinal);
        var result = new List<string>();
        foreach (var item in items)
            if (!string.IsNullOrWhiteSpace(item) && seen.Add(item))
                result.Add(item);
        return result;
    }
}
