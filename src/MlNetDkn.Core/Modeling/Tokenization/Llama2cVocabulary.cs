using System.Text;

namespace MlNetDkn.Modeling.Tokenization;

/// <summary>
/// The pieces and merge scores of a llama2.c tokenizer file (<c>tokenizer.bin</c>, <c>tok512.bin</c>): int32
/// max_token_length, then per token a float32 score, an int32 byte length and the bytes. The file does not store
/// the token count, so tokens are read to the end of the file.
/// </summary>
internal sealed class Llama2cVocabulary
{
    /// <summary>llama2.c's fixed layout (SentencePiece with byte fallback): 0 unk, 1 BOS, 2 EOS, 3..258
    /// bytes.</summary>
    public const int BosId = 1,
        EosId = 2,
        FirstByteId = 3;

    /// <summary>Raw piece bytes held one char per byte (Latin-1), so that concatenating keys concatenates
    /// bytes.</summary>
    public required string[] Pieces { get; init; }
    public required float[] Scores { get; init; }
    public required int MaxTokenLength { get; init; }

    public static Llama2cVocabulary Read(string path)
    {
        if (!File.Exists(path))
            throw new DknInputException($"llama2.c tokenizer file {path} does not exist.");
        var bytes = File.ReadAllBytes(path);
        var pieces = new List<string>();
        var scores = new List<float>();
        int pos = 0;
        int ReadInt()
        {
            Need(4);
            var v = BitConverter.ToInt32(bytes, pos);
            pos += 4;
            return v;
        }
        void Need(int n)
        {
            if (bytes.Length - pos < n)
                throw new DknInputException(
                    $"{path} is truncated at byte {pos} (token {pieces.Count}); expected a llama2.c tokenizer file."
                );
        }

        var maxLen = ReadInt();
        if (maxLen <= 0 || maxLen > 1024)
            throw new DknInputException(
                $"{path} starts with max_token_length {maxLen}; expected a llama2.c tokenizer file (is this a "
                    + $"model checkpoint?)."
            );
        while (pos < bytes.Length)
        {
            Need(4);
            var score = BitConverter.ToSingle(bytes, pos);
            pos += 4;
            var len = ReadInt();
            if (len < 0 || len > maxLen)
                throw new DknInputException(
                    $"{path}: token {pieces.Count} has length {len}, outside [0, {maxLen}]; the file is corrupt."
                );
            Need(len);
            pieces.Add(Encoding.Latin1.GetString(bytes, pos, len));
            scores.Add(score);
            pos += len;
        }
        CheckLayout(path, pieces);
        return new Llama2cVocabulary
        {
            Pieces = pieces.ToArray(),
            Scores = scores.ToArray(),
            MaxTokenLength = maxLen,
        };
    }

    /// <summary>run.c hard-codes byte b as id b + 3; refuse files where that would silently pick wrong
    /// pieces.</summary>
    static void CheckLayout(string path, List<string> pieces)
    {
        if (pieces.Count < FirstByteId + 256)
            throw new DknInputException(
                $"{path} has {pieces.Count} tokens; a llama2.c tokenizer has at least 259 (unk, BOS, EOS, 256 bytes)."
            );
        for (int b = 0; b < 256; b++)
            if (pieces[FirstByteId + b] != $"<0x{b:X2}>")
                throw new DknInputException(
                    $"{path}: token {FirstByteId + b} is \"{pieces[FirstByteId + b]}\", expected byte piece <0x{b:X2}>."
                );
    }
}
