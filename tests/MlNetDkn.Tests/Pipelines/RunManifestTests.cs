using System.Text.Json.Nodes;
using MlNetDkn.Pipelines;
using MlNetDkn.Tests.Support;

namespace MlNetDkn.Tests.Pipelines;

/// <summary>A manifest field computed in the background appears once it is known and always by the end of the
/// run.</summary>
public class RunManifestTests
{
    static RunManifest NewManifest() =>
        new(
            PipelineDefinition.Parse(
                """{ "name": "m", "steps": [ { "step": "load-facts", "options": { "path": "x.parquet" } } ] }""",
                "m.json"
            ),
            []
        );

    [Fact]
    public void ADeferredFieldIsWrittenOnceKnownAndWaitedForAtTheEnd()
    {
        var folder = SharedPaths.TempDir("manifest-deferred");
        var manifest = NewManifest();
        var section = new JsonObject { ["folder"] = "model" };
        manifest.SetSection("model", section);
        var value = new TaskCompletionSource<string>();
        manifest.SetWhenKnown(section, "content_sha256", value.Task);

        manifest.Save(folder);
        Assert.Null(Saved(folder)["model"]!["content_sha256"]);

        var late = Task.Run(async () =>
        {
            await Task.Delay(200);
            value.SetResult("abc");
        });
        manifest.Finish("completed", TimeSpan.FromSeconds(1));
        manifest.Save(folder);
        Assert.Equal("abc", Saved(folder)["model"]!["content_sha256"]!.GetValue<string>());
        late.Wait();
    }

    [Fact]
    public void AFailedComputationLeavesTheFieldOutWithoutFailingTheSave()
    {
        var folder = SharedPaths.TempDir("manifest-failed");
        var manifest = NewManifest();
        var section = new JsonObject();
        manifest.SetSection("model", section);
        manifest.SetWhenKnown(section, "content_sha256", Task.FromException<string>(new IOException("disk gone")));
        manifest.Finish("failed", TimeSpan.Zero);
        manifest.Save(folder);
        Assert.Null(Saved(folder)["model"]!["content_sha256"]);
        Assert.Equal("failed", Saved(folder)["status"]!.GetValue<string>());
    }

    static JsonNode Saved(string folder) =>
        JsonNode.Parse(File.ReadAllText(Path.Combine(folder, RunManifest.FileName)))!;
}
