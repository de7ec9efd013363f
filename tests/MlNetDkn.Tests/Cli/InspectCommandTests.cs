using System.Text.Json.Nodes;
using MlNetDkn.Tests.Support;

namespace MlNetDkn.Tests.Cli;

public class InspectCommandTests
{
    [Theory]
    [MemberData(nameof(GoldenModels.Archs), MemberType = typeof(GoldenModels))]
    public void JsonMatchesTheReferences(string arch)
    {
        var seq = GoldenModels.Sequence(1);
        var (code, stdout, _) = CliRunner.Run(
            "inspect",
            "--model",
            GoldenModels.Folder(arch),
            "--tokens",
            string.Join(",", seq),
            "--json",
            "--greedy",
            "6"
        );
        Assert.Equal(0, code);
        var json = JsonNode.Parse(stdout)!;
        var logits = json["next_token_logits"]!.AsArray().Select(v => v!.GetValue<double>()).ToArray();
        var reference = GoldenModels.Ref(arch, "seq1.logits")[-1].data<double>().ToArray();
        Assert.Equal(reference.Length, logits.Length);
        Assert.True(logits.Zip(reference).Max(p => Math.Abs(p.First - p.Second)) <= 1e-4);
        for (int l = 0; l < 3; l++)
        {
            var pre = json["mlp_pre"]![l]!.AsArray().Select(v => v!.GetValue<double>()).ToArray();
            var post = json["mlp_post"]![l]!.AsArray().Select(v => v!.GetValue<double>()).ToArray();
            Assert.True(
                pre.Zip(GoldenModels.Ref(arch, $"seq1.pre.layer{l}").data<double>().ToArray())
                    .Max(p => Math.Abs(p.First - p.Second)) <= 1e-4
            );
            Assert.True(
                post.Zip(GoldenModels.Ref(arch, $"seq1.post.layer{l}").data<double>().ToArray())
                    .Max(p => Math.Abs(p.First - p.Second)) <= 1e-4
            );
        }
        Assert.Equal(
            GoldenModels.Ref(arch, "seq1.greedy").data<long>().ToArray(),
            json["greedy"]!.AsArray().Select(v => v!.GetValue<long>()).ToArray()
        );
    }

    [Fact]
    public void BadInputGivesOneLineAndNonZeroExit()
    {
        void Fails(string expected, params string[] args)
        {
            var (code, stdout, stderr) = CliRunner.Run(args);
            Assert.NotEqual(0, code);
            Assert.Contains(expected, stderr);
            Assert.Single(stderr.Trim().Split('\n'));
            Assert.DoesNotContain("   at ", stderr);
        }

        Fails("no such file or folder", "inspect", "--model", "/nonexistent/model", "--tokens", "1");
        Fails("out of range", "inspect", "--model", GoldenModels.Folder("gpt2"), "--tokens", "3,256");
        Fails("empty prompt", "inspect", "--model", GoldenModels.Folder("gpt2"), "--text", "");
        Fails("not a token id", "inspect", "--model", GoldenModels.Folder("gpt2"), "--tokens", "3,x");

        var bert = SharedPaths.TempDir("bert");
        File.WriteAllText(Path.Combine(bert, "config.json"), """{"model_type": "bert", "hidden_size": 8}""");
        Fails("supported: gpt2, llama, qwen2, gpt_neox", "inspect", "--model", bert, "--tokens", "1");

        var truncated = SharedPaths.TempDir("truncated-model");
        File.Copy(Path.Combine(GoldenModels.Folder("gpt2"), "config.json"), Path.Combine(truncated, "config.json"));
        var bytes = File.ReadAllBytes(Path.Combine(GoldenModels.Folder("gpt2"), "model.safetensors"));
        File.WriteAllBytes(Path.Combine(truncated, "model.safetensors"), bytes[..(bytes.Length - 1000)]);
        Fails("truncated", "inspect", "--model", truncated, "--tokens", "1");
    }
}
