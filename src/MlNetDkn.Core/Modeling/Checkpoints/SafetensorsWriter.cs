using System.Text;
using System.Text.Json.Nodes;
using static TorchSharp.torch;

namespace MlNetDkn.Modeling.Checkpoints;

/// <summary>Writes tensors in the safetensors format (names sorted, data contiguous, 8-byte aligned header).</summary>
public static class SafetensorsWriter
{
    /// <summary>
    /// Writes <paramref name="tensors"/> (detached, copied to the CPU, each in its own dtype) to
    /// <paramref name="path"/>, with optional "__metadata__" strings.
    /// </summary>
    public static void Write(
        string path,
        IReadOnlyDictionary<string, Tensor> tensors,
        IReadOnlyDictionary<string, string>? metadata = null
    )
    {
        var header = new JsonObject();
        if (metadata is { Count: > 0 })
            header["__metadata__"] = new JsonObject(
                metadata.Select(kv => KeyValuePair.Create(kv.Key, (JsonNode?)kv.Value))
            );
        var payloads = new List<byte[]>();
        long offset = 0;
        foreach (var name in tensors.Keys.OrderBy(n => n, StringComparer.Ordinal))
        {
            using var contiguous = tensors[name].detach().cpu().contiguous();
            var bytes = contiguous.bytes.ToArray();
            header[name] = new JsonObject
            {
                ["dtype"] = DTypeName(contiguous.dtype),
                ["shape"] = new JsonArray(contiguous.shape.Select(s => (JsonNode)s).ToArray()),
                ["data_offsets"] = new JsonArray(offset, offset + bytes.Length),
            };
            payloads.Add(bytes);
            offset += bytes.Length;
        }
        var headerBytes = Encoding.UTF8.GetBytes(header.ToJsonString());
        int padding = (8 - headerBytes.Length % 8) % 8;
        var padded = headerBytes.Concat(Enumerable.Repeat((byte)' ', padding)).ToArray();
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        var temporary = path + ".tmp";
        using (var stream = File.Create(temporary))
        {
            stream.Write(BitConverter.GetBytes((long)padded.Length));
            stream.Write(padded);
            foreach (var p in payloads)
                stream.Write(p);
        }
        File.Move(temporary, path, overwrite: true);
    }

    static string DTypeName(ScalarType t) =>
        t switch
        {
            ScalarType.Float64 => "F64",
            ScalarType.Float32 => "F32",
            ScalarType.Float16 => "F16",
            ScalarType.BFloat16 => "BF16",
            ScalarType.Int64 => "I64",
            ScalarType.Int32 => "I32",
            ScalarType.Int16 => "I16",
            ScalarType.Int8 => "I8",
            ScalarType.Byte => "U8",
            ScalarType.Bool => "BOOL",
            _ => throw new ArgumentException($"dtype {t} cannot be written to safetensors"),
        };
}
