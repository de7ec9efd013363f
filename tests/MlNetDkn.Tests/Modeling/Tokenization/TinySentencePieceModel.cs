using Google.Protobuf;

namespace MlNetDkn.Tests.Modeling.Tokenization;

/// <summary>
/// Writes a minimal SentencePiece ModelProto (BPE, byte fallback, LLaMA-style normalizer) with hand-picked pieces,
/// so the tokenizer can be tested without a real tokenizer.model. Field numbers follow sentencepiece_model.proto.
/// </summary>
internal static class TinySentencePieceModel
{
    public const int Unknown = 2,
        Control = 3,
        Byte = 6,
        Normal = 1;

    /// <summary>ids 0 unk, 1 &lt;s&gt;, 2 &lt;/s&gt;, 3..258 bytes, then <paramref name="normal"/> in order.</summary>
    public static byte[] Build(params (string Piece, float Score)[] normal)
    {
        var pieces = new List<(string, float, int)>
        {
            ("<unk>", 0, Unknown),
            ("<s>", 0, Control),
            ("</s>", 0, Control),
        };
        for (int b = 0; b < 256; b++)
            pieces.Add(($"<0x{b:X2}>", 0, Byte));
        pieces.AddRange(normal.Select(p => (p.Piece, p.Score, Normal)));

        using var ms = new MemoryStream();
        var o = new CodedOutputStream(ms);
        foreach (var (piece, score, type) in pieces)
            WriteMessage(o, 1, m =>
            {
                m.WriteTag(1, WireFormat.WireType.LengthDelimited);
                m.WriteString(piece);
                m.WriteTag(2, WireFormat.WireType.Fixed32);
                m.WriteFloat(score);
                m.WriteTag(3, WireFormat.WireType.Varint);
                m.WriteEnum(type);
            });
        WriteMessage(o, 2, m =>
        {
            m.WriteTag(3, WireFormat.WireType.Varint);
            m.WriteEnum(2); // model_type = BPE
            m.WriteTag(4, WireFormat.WireType.Varint);
            m.WriteInt32(pieces.Count); // vocab_size
            m.WriteTag(35, WireFormat.WireType.Varint);
            m.WriteBool(true); // byte_fallback
            m.WriteTag(40, WireFormat.WireType.Varint);
            m.WriteInt32(0); // unk_id
            m.WriteTag(41, WireFormat.WireType.Varint);
            m.WriteInt32(1); // bos_id
            m.WriteTag(42, WireFormat.WireType.Varint);
            m.WriteInt32(2); // eos_id
            m.WriteTag(43, WireFormat.WireType.Varint);
            m.WriteInt32(-1); // pad_id
        });
        WriteMessage(o, 3, m =>
        {
            m.WriteTag(1, WireFormat.WireType.LengthDelimited);
            m.WriteString("identity");
            m.WriteTag(3, WireFormat.WireType.Varint);
            m.WriteBool(true); // add_dummy_prefix
            m.WriteTag(4, WireFormat.WireType.Varint);
            m.WriteBool(false); // remove_extra_whitespaces
            m.WriteTag(5, WireFormat.WireType.Varint);
            m.WriteBool(true); // escape_whitespaces
        });
        o.Flush();
        return ms.ToArray();
    }

    static void WriteMessage(CodedOutputStream outer, int field, Action<CodedOutputStream> body)
    {
        using var ms = new MemoryStream();
        var inner = new CodedOutputStream(ms);
        body(inner);
        inner.Flush();
        outer.WriteTag(field, WireFormat.WireType.LengthDelimited);
        outer.WriteBytes(ByteString.CopyFrom(ms.ToArray()));
    }
}
