using System.Text.Json;
using MlNetDkn.Degeneracy;
using MlNetDkn.Modeling.Checkpoints;
using MlNetDkn.Tests.Support;

namespace MlNetDkn.Tests.Degeneracy;

/// <summary>One prompt of golden/&lt;arch&gt;/peer_dkn.json: the DKN authors' outputs on the tiny random
/// model.</summary>
public sealed record GoldenPeerDkn(string Arch, int Prompt, Neuron[] Kn, double[,] Adjacency, Neuron[][] Cluster1)
{
    static Neuron N(JsonElement e) => new(e[0].GetInt32(), e[1].GetInt32());

    public static IReadOnlyList<GoldenPeerDkn> Load(string arch)
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(SharedPaths.Golden, arch, "peer_dkn.json")));
        var result = new List<GoldenPeerDkn>();
        int p = 0;
        foreach (var item in doc.RootElement.EnumerateArray())
        {
            var kn = item.GetProperty("kn").EnumerateArray().Select(N).ToArray();
            var rows = item.GetProperty("adjacency").EnumerateArray().ToArray();
            var adj = new double[kn.Length, kn.Length];
            for (int i = 0; i < rows.Length; i++)
            {
                var cols = rows[i].EnumerateArray().ToArray();
                for (int j = 0; j < cols.Length; j++)
                    adj[i, j] = cols[j].GetDouble();
            }
            var clusters = item.GetProperty("dkn_cluster_1")
                .EnumerateArray()
                .Select(c => c.EnumerateArray().Select(N).ToArray())
                .ToArray();
            result.Add(new GoldenPeerDkn(arch, p++, kn, adj, clusters));
        }
        return result;
    }

    public static MlpNeuronVectors Vectors(string arch)
    {
        var file = SafetensorsFile.Open(Path.Combine(SharedPaths.Golden, arch, "model.safetensors"));
        return arch == "llama"
            ? MlpNeuronVectors.FromLlamaSafetensors(file)
            : MlpNeuronVectors.FromGpt2Safetensors(file);
    }
}
