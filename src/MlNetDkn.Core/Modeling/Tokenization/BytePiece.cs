using System.Globalization;

namespace MlNetDkn.Modeling.Tokenization;

/// <summary>SentencePiece's byte-fallback pieces, written "&lt;0x41&gt;" in both tokenizer.model and llama2.c
/// files.</summary>
internal static class BytePiece
{
    public static bool TryParse(string piece, out byte value)
    {
        value = 0;
        return piece.Length == 6
            && piece.StartsWith("<0x", StringComparison.Ordinal)
            && piece[5] == '>'
            && byte.TryParse(
                piece.AsSpan(3, 2),
                NumberStyles.AllowHexSpecifier,
                CultureInfo.InvariantCulture,
                out value
            );
    }
}
