using System.Text.Json.Nodes;

namespace MlNetDkn.Tests.Support;

/// <summary>One prompt of golden/&lt;arch&gt;/peer_dkn.json: the DKN authors' own outputs on the golden
/// weights.</summary>
public sealed record PeerDknPrompt(
    string Prompt,
    string Target,
    double[][] Scores,
    Neuron[] Kn,
    double[][] Adjacency,
    Neuron[][] Cluster1,
    Neuron[][] Cluster2,
    double Prob
)
{
    public long[] PromptTokens => Prompt.Split(' ').Select(w => long.Parse(w[1..])).ToArray();
    public long TargetToken => long.Parse(Target[1..]);

    public static IReadOnlyList<PeerDknPrompt> Load(string arch)
    {
        var root = JsonNode.Parse(File.ReadAllText(Path.Combine(SharedPaths.Golden, arch, "peer_dkn.json")))!.AsArray();
        return root.Select(n => new PeerDknPrompt(
                n!["prompt"]!.GetValue<string>(),
                n["target"]!.GetValue<string>(),
                Matrix(n["scores"]!),
                Neurons(n["kn"]!),
                Matrix(n["adjacency"]!),
                Clusters(n["dkn_cluster_1"]!),
                Clusters(n["dkn_cluster_2"]!),
                n["prob"]!.GetValue<double>()
            ))
            .ToList();
    }

    // Some fields are stored as JSON text inside a string; accept both.
    static JsonNode Unwrap(JsonNode n) => n is JsonValue v && v.TryGetValue<string>(out var s) ? JsonNode.Parse(s)! : n;

    static double[][] Matrix(JsonNode n) =>
        Unwrap(n).AsArray().Select(r => r!.AsArray().Select(x => x!.GetValue<double>()).ToArray()).ToArray();

    static Neuron[] Neurons(JsonNode n) =>
        Unwrap(n).AsArray().Select(p => new Neuron(p![0]!.GetValue<int>(), p[1]!.GetValue<int>())).ToArray();

    static Neuron[][] Clusters(JsonNode n) => Unwrap(n).AsArray().Select(c => Neurons(c!)).ToArray();
}
