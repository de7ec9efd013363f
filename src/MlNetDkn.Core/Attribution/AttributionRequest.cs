namespace MlNetDkn.Attribution;

/// <summary>
/// One prompt and its answer as token ids. A multi-token answer is teacher-forced: token t is attributed at the last
/// position of prompt + answer[..t].
/// </summary>
public sealed record AttributionRequest(IReadOnlyList<long> PromptTokens, IReadOnlyList<long> AnswerTokens)
{
    /// <summary>Throws a <see cref="DknInputException"/> for an empty prompt or answer, a token id outside [0,
    /// <paramref name="vocabularySize"/>), or a prompt and answer longer than the model's positions.</summary>
    /// <param name="maxPositions">The model's positions: prompt + answer[..^1] must fit (libtorch would otherwise
    /// stop on an index out of range).</param>
    public void Validate(int vocabularySize, int maxPositions = int.MaxValue)
    {
        if (PromptTokens.Count == 0)
            throw new DknInputException("empty prompt: attribution needs at least one prompt token");
        if (AnswerTokens.Count == 0)
            throw new DknInputException("empty answer: attribution needs at least one answer token");
        foreach (
            var (t, where) in PromptTokens.Select(t => (t, "prompt")).Concat(AnswerTokens.Select(t => (t, "answer")))
        )
            if (t < 0 || t >= vocabularySize)
                throw new DknInputException($"{where} token id {t} is out of range (vocabulary size {vocabularySize})");
        int length = PromptTokens.Count + AnswerTokens.Count - 1;
        if (length > maxPositions)
            throw new DknInputException(
                $"prompt and answer take {length} tokens, more than the model's {maxPositions} positions"
            );
    }
}
