using MlNetDkn.Facts;
using MlNetDkn.Modeling;
using MlNetDkn.Modeling.Tokenization;

namespace MlNetDkn.Pipelines;

/// <summary>
/// Encodes every fact's answer and prompts with a model's tokenizer the way the stages do, and refuses what a stage
/// would stop on later: an answer the vocabulary does not hold, a token id beyond the model's embedding table, a
/// prompt and answer longer than the model's positions.
/// </summary>
public static class FactEncodingCheck
{
    /// <param name="source">The facts' file, named in messages.</param>
    public static void Check(FactDataset dataset, string source, ModelConfig config, ITextTokenizer tokenizer)
    {
        foreach (var fact in dataset.Records)
        {
            string where = $"{source}: fact '{fact.FactId}'";
            long[] answer;
            try
            {
                answer = PromptEncoding.Answer(tokenizer, fact.Answer);
            }
            catch (DknInputException e)
            {
                throw new DknInputException($"{where}: {e.Message}");
            }
            RequireInVocabulary(answer, config, $"{where}: answer '{fact.Answer}'");
            for (int i = 0; i < fact.Prompts.Count; i++)
            {
                long[] prompt;
                try
                {
                    prompt = PromptEncoding.Prompt(tokenizer, fact.Prompts[i]);
                }
                catch (DknInputException e)
                {
                    throw new DknInputException($"{where}, prompt {i}: {e.Message}");
                }
                RequireInVocabulary(prompt, config, $"{where}, prompt {i}");
                // The answer is teacher-forced: its last token is predicted from prompt + answer[..^1].
                int length = prompt.Length + answer.Length - 1;
                if (length > config.MaxPositions)
                    throw new DknInputException(
                        $"{where}, prompt {i}: prompt and answer take {length} tokens, "
                            + $"more than the model's {config.MaxPositions} positions; shorten the prompt"
                    );
            }
        }
    }

    static void RequireInVocabulary(long[] ids, ModelConfig config, string what)
    {
        foreach (var id in ids)
            if (id < 0 || id >= config.VocabSize)
                throw new DknInputException(
                    $"{what}: token id {id} is outside the model's vocabulary of "
                        + $"{config.VocabSize} (is this the model's own tokenizer?)"
                );
    }
}
