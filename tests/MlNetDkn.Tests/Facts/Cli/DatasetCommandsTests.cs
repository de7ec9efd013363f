using MlNetDkn.Cli;
using MlNetDkn.Facts;
using MlNetDkn.Tests.Facts.Importers;
using MlNetDkn.Tests.Support;

namespace MlNetDkn.Tests.Facts.Cli;

/// <summary>Runs `dkn datasets ...` in-process and checks exit codes, files and the printed lines.</summary>
public class DatasetCommandsTests
{
    static (int Exit, string Out, string Error) Dkn(params string[] args)
    {
        var (oldOut, oldError) = (Console.Out, Console.Error);
        using var output = new StringWriter();
        using var error = new StringWriter();
        Console.SetOut(output);
        Console.SetError(error);
        try
        {
            return (DknApp.Run(args), output.ToString(), error.ToString());
        }
        finally
        {
            Console.SetOut(oldOut);
            Console.SetError(oldError);
        }
    }

    [Fact]
    public void SynthWritesTheRequestedWorldAndPrintsItsCounts()
    {
        var path = Path.Combine(SharedPaths.TempDir("cli-synth"), "world.parquet");

        var (exit, output, _) = Dkn(
            "datasets",
            "synth",
            "--out",
            path,
            "--entities",
            "5",
            "--relations",
            "2",
            "--seed",
            "3"
        );

        Assert.Equal(0, exit);
        var world = FactDataset.Read(path);
        Assert.Equal(10, world.Count);
        Assert.Equal(SyntheticHash(5, 2, 3), world.ContentHash());
        Assert.Contains(
            $"synthetic: 10 facts, 2 relations, 40 training prompts, 20 held-out prompts -> {path}",
            output
        );
        Assert.Contains($"content sha256: {world.ContentHash()}", output);
    }

    static string SyntheticHash(int entities, int relations, int seed) =>
        MlNetDkn
            .Facts.Synthetic.SyntheticWorldGenerator.Generate(
                new MlNetDkn.Facts.Synthetic.SyntheticWorldOptions
                {
                    Entities = entities,
                    Relations = relations,
                    Seed = seed,
                }
            )
            .ContentHash();

    [Fact]
    public void SynthWithoutOutFailsWithExitCode2AndOneLine()
    {
        var (exit, _, error) = Dkn("datasets", "synth", "--entities", "5");

        Assert.Equal(2, exit);
        Assert.Equal("error: datasets synth: missing --out (expected the Parquet file to write)", error.TrimEnd());
    }

    [Fact]
    public void ImportConvertsRomeAndPrintsCounts()
    {
        var path = Path.Combine(SharedPaths.TempDir("cli-import"), "rome.parquet");

        var (exit, output, _) = Dkn("datasets", "import", "rome", RawDatasets.Rome, path);

        Assert.Equal(0, exit);
        Assert.Equal(1_209, FactDataset.Read(path).Count);
        Assert.Contains($"rome: 1,209 facts, 33 relations -> {path}", output);
        Assert.Contains("dropped nothing", output);
    }

    [Fact]
    public void ImportOfAnUnknownFormatOrMissingFolderExits2()
    {
        var output = Path.Combine(SharedPaths.TempDir("cli-import-bad"), "x.parquet");
        var missing = Path.Combine(SharedPaths.TempDir("cli-import-bad"), "nothing-here");

        var unknown = Dkn("datasets", "import", "lama", RawDatasets.Rome, output);
        var absent = Dkn("datasets", "import", "pararel", missing, output);

        Assert.Equal(2, unknown.Exit);
        Assert.Equal(
            "error: unknown dataset format 'lama' (expected one of: pararel, dai, templama, rome)",
            unknown.Error.TrimEnd()
        );
        Assert.Equal(2, absent.Exit);
        Assert.StartsWith($"error: {missing}: input folder not found", absent.Error);
        Assert.False(File.Exists(output));
    }

    [Fact]
    public void ShowPrintsTheFirstRowsAndTheCounts()
    {
        var dir = SharedPaths.TempDir("cli-show");
        var path = Path.Combine(dir, "facts.parquet");
        new FactDataset(FactFixtures.ThreeFacts()).Write(path);

        var (exit, output, _) = Dkn("datasets", "show", path, "--rows", "2");

        Assert.Equal(0, exit);
        Assert.Contains("Luka Modrić", output);
        Assert.DoesNotContain("Lyon", output);
        Assert.Contains(
            $"{path}: 3 facts, 2 relations, 5 prompts, 1 held-out prompts, 1 question prompts, 1 perturbed prompts",
            output
        );
        Assert.Contains("split train: 2 facts", output);
        Assert.Contains("split val: 1 facts", output);
    }

    [Fact]
    public void ShowOfAFileThatIsNotParquetExits2WithTheFileName()
    {
        var path = Path.Combine(SharedPaths.TempDir("cli-show-bad"), "facts.parquet");
        File.WriteAllText(path, "not parquet");

        var (exit, _, error) = Dkn("datasets", "show", path);

        Assert.Equal(2, exit);
        Assert.StartsWith($"error: {path}: not a readable Parquet fact dataset", error);
        Assert.Single(error.TrimEnd().Split('\n'));
    }
}
