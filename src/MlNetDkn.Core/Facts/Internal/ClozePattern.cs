namespace MlNetDkn.Facts.Internal;

/// <summary>
/// LAMA/PARAREL patterns such as "[X] works for [Y] ." For a causal model only patterns whose object comes last are
/// usable: the prompt is the text before [Y], with [X] replaced by the subject and no trailing space.
/// </summary>
internal static class ClozePattern
{
    public const string SubjectSlot = "[X]";
    public const string ObjectSlot = "[Y]";

    /// <summary>True when the pattern, without a final "." or " .", ends with [Y] and has one [X] before it.</summary>
    public static bool EndsWithObject(string pattern)
    {
        var body = WithoutFinalPeriod(pattern);
        return body.EndsWith(ObjectSlot, StringComparison.Ordinal)
            && Count(body, ObjectSlot) == 1
            && Count(body, SubjectSlot) == 1;
    }

    /// <summary>The prompt for <paramref name="subject"/>; call only when <see cref="EndsWithObject"/> holds.</summary>
    public static string Fill(string pattern, string subject)
    {
        var body = WithoutFinalPeriod(pattern);
        return body[..^ObjectSlot.Length].Replace(SubjectSlot, subject, StringComparison.Ordinal).TrimEnd();
    }

    static string WithoutFinalPeriod(string pattern)
    {
        var body = pattern.Trim();
        return body.EndsWith('.') ? body[..^1].TrimEnd() : body;
    }

    static int Count(string text, string slot)
    {
        var n = 0;
        for (
            var i = text.IndexOf(slot, StringComparison.Ordinal);
            i >= 0;
            i = text.IndexOf(slot, i + slot.Length, StringComparison.Ordinal)
        )
            n++;
        return n;
    }
}
