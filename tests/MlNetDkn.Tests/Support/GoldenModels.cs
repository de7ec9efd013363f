using System.Text.Json.Nodes;
using MlNetDkn.Modeling;
using MlNetDkn.Modeling.Checkpoints;
using static TorchSharp.torch;

namespace MlNetDkn.Tests.Support;

/// <summary>The golden reference checkpoints and their inputs (see ../shared/golden/README.md).</summary>
public static class GoldenModels
{
    public static readonly string[] Architectures = ["gpt2", "llama", "qwen2", "gpt_neox"];

    static readonly JsonObject Manifest = (JsonObject)
        JsonNode.Parse(File.ReadAllText(Path.Combine(SharedPaths.Golden, "manifest.json")))!;

    public static long[] Sequence(int s) =>
        Manifest["sequences"]![s]!.AsArray().Select(n => n!.GetValue<long>()).ToArray();

    public static long Target(int s) => Manifest["targets"]![s]!.GetValue<long>();

    public static int SequenceCount => Manifest["sequences"]!.AsArray().Count;
    public static IReadOnlyList<Neuron> SuppressedNeurons =>
        Manifest["suppressed_neurons"]!
            .AsArray()
            .Select(n => new Neuron(n![0]!.GetValue<int>(), n[1]!.GetValue<int>()))
            .ToArray();

    public static string Folder(string arch) => Path.Combine(SharedPaths.Golden, arch);

    public static LoadedModel Load(string arch, string dtype = "float64") =>
        ModelLoader.Load(Folder(arch), new ModelLoadOptions { DType = dtype });

    static readonly Dictionary<string, Dictionary<string, Tensor>> Cache = new();

    /// <summary>refs.safetensors of an architecture, as float64 tensors.</summary>
    public static Tensor Ref(string arch, string key)
    {
        lock (Cache)
        {
            if (!Cache.TryGetValue(arch, out var refs))
            {
                refs = SafetensorsFile.Open(Path.Combine(Folder(arch), "refs.safetensors")).ReadAll();
                foreach (var k in refs.Keys.ToList())
                    refs[k] = refs[k].DetachFromDisposeScope();
                Cache[arch] = refs;
            }
            return refs[key];
        }
    }

    public static IEnumerable<object[]> ArchAndSequence() =>
        from a in Architectures
        from s in Enumerable.Range(0, 3)
        select new object[] { a, s };

    public static IEnumerable<object[]> Archs() => Architectures.Select(a => new object[] { a });

    public static double MaxAbsDiff(Tensor a, Tensor b) =>
        (a.to_type(ScalarType.Float64) - b.to_type(ScalarType.Float64)).abs().max().item<double>();
}
