using MlNetDkn.Tests.Support;

namespace MlNetDkn.Tests.Pipelines;

/// <summary>Pipeline JSON written to a temporary file, so error messages name a real path.</summary>
internal static class PipelineFiles
{
    public static string Write(string json, string name = "pipeline")
    {
        var path = Path.Combine(SharedPaths.TempDir("pipelines"), name + ".json");
        File.WriteAllText(path, json);
        return path;
    }

    /// <summary>The tiny world and model of the training tests as a three-step pipeline.</summary>
    public const string Tiny = """
        {
          "name": "tiny",
          "seed": 7,
          "output": "runs/tiny",
          "steps": [
            { "step": "synthetic-world", "options": { "entities": 20, "relations": 2 } },
            { "step": "train-fact-model", "options": { "layers": 2, "hidden_size": 64, "heads": 4,
              "intermediate_size": 128,
                "max_positions": 16, "epochs": 40, "batch_size": 32, "learning_rate": 0.005, "loss": "all" } },
            { "step": "evaluate-accuracy" }
          ]
        }
        """;
}
