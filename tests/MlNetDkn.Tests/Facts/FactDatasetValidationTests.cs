using System.Text.Json.Serialization;
using MlNetDkn.Facts;
using MlNetDkn.Tests.Support;
using Parquet.Serialization;

namespace MlNetDkn.Tests.Facts;

/// <summary>Bad files must fail with one message naming the file, the row and the column.</summary>
public class FactDatasetValidationTests
{
    // Rows written straight with Parquet.Net, bypassing FactDataset's own checks, as another tool might.
    static string WriteRaw<T>(IEnumerable<T> rows, string name = "facts.parquet")
    {
        var path = Path.Combine(SharedPaths.TempDir("facts-invalid"), name);
        ParquetSerializer.SerializeAsync(rows, path).GetAwaiter().GetResult();
        return path;
    }

    static List<FactRecord> TwentyFacts() => Enumerable.Range(0, 20).Select(i => FactFixtures.Fact($"t:{i}")).ToList();

    [Fact]
    public void NameFileRowAndColumnForAnEmptyPromptList()
    {
        var rows = TwentyFacts();
        rows[17].Prompts = [];
        var path = WriteRaw(rows);

        var e = Assert.Throws<DknInputException>(() => FactDataset.Read(path));

        Assert.Equal($"{path}: row 17, column 'prompts': empty prompt list (expected at least one prompt)", e.Message);
    }

    [Fact]
    public void RejectAnEmptyAnswer()
    {
        var rows = TwentyFacts();
        rows[4].Answer = "";
        var path = WriteRaw(rows);

        var e = Assert.Throws<DknInputException>(() => FactDataset.Read(path));

        Assert.Equal($"{path}: row 4, column 'answer': empty answer (expected a non-blank string)", e.Message);
    }

    [Fact]
    public void RejectAPromptWithATrailingSpace()
    {
        var rows = TwentyFacts();
        rows[3].Prompts = ["The capital of France is", "France's capital is "];
        var path = WriteRaw(rows);

        var e = Assert.Throws<DknInputException>(() => FactDataset.Read(path));

        Assert.StartsWith($"{path}: row 3, column 'prompts': prompt 1 ends with whitespace", e.Message);
    }

    [Fact]
    public void RejectDuplicateFactIdsNamingBothRows()
    {
        var rows = TwentyFacts();
        rows[9].FactId = "t:2";
        var path = WriteRaw(rows);

        var e = Assert.Throws<DknInputException>(() => FactDataset.Read(path));

        Assert.Equal($"{path}: row 9, column 'fact_id': duplicate fact id 't:2' (first used in row 2)", e.Message);
    }

    [Fact]
    public void RejectPerturbedPromptsWithoutOneKindEach()
    {
        var rows = TwentyFacts();
        rows[5].PerturbedPrompts = ["In 2010, France [ADDED] capital is"];
        var path = WriteRaw(rows);

        var e = Assert.Throws<DknInputException>(() => FactDataset.Read(path));

        Assert.StartsWith($"{path}: row 5, column 'perturbed_kinds': 0 kinds for 1 perturbed prompts", e.Message);
    }

    [Fact]
    public void RejectAFileWithoutTheAnswerColumn()
    {
        var path = WriteRaw([new NoAnswerRow()]);

        var e = Assert.Throws<DknInputException>(() => FactDataset.Read(path));

        Assert.Equal($"{path}: missing column 'answer' (expected string)", e.Message);
    }

    [Fact]
    public void RejectPromptsStoredAsAPlainString()
    {
        var path = WriteRaw([new PromptsAsStringRow()]);

        var e = Assert.Throws<DknInputException>(() => FactDataset.Read(path));

        Assert.Equal($"{path}: column 'prompts' has type string (expected list<string>)", e.Message);
    }

    [Fact]
    public void RejectAnAnswerStoredAsANumber()
    {
        var path = WriteRaw([new AnswerAsIntRow()]);

        var e = Assert.Throws<DknInputException>(() => FactDataset.Read(path));

        Assert.Equal($"{path}: column 'answer' has type Int32 (expected string)", e.Message);
    }

    [Fact]
    public void ReadFilesWithoutTheOptionalPromptColumnsAsEmptyLists()
    {
        var path = WriteRaw([new CoreColumnsRow()]);

        var fact = Assert.Single(FactDataset.Read(path).Records);

        Assert.Equal(["X was born in"], fact.Prompts);
        Assert.Empty(fact.HeldoutPrompts);
        Assert.Empty(fact.QuestionPrompts);
        Assert.Empty(fact.PerturbedPrompts);
    }

    [Fact]
    public void ReportAMissingOrNonParquetFileAsInputError()
    {
        var dir = SharedPaths.TempDir("facts-notparquet");
        var text = Path.Combine(dir, "facts.parquet");
        File.WriteAllText(text, "fact_id,answer\n1,Paris\n");

        var notParquet = Assert.Throws<DknInputException>(() => FactDataset.Read(text));
        var missing = Assert.Throws<DknInputException>(() => FactDataset.Read(Path.Combine(dir, "nope.parquet")));

        Assert.StartsWith($"{text}: not a readable Parquet fact dataset", notParquet.Message);
        Assert.Equal(
            $"{Path.Combine(dir, "nope.parquet")}: file not found (expected a fact dataset in Parquet)",
            missing.Message
        );
    }

    [Fact]
    public void RefuseToBuildAnInvalidDatasetInMemory()
    {
        var rows = TwentyFacts();
        rows[0].Subject = "  ";

        var e = Assert.Throws<DknInputException>(() => new FactDataset(rows, "mine"));

        Assert.Equal("mine: row 0, column 'subject': empty subject (expected a non-blank string)", e.Message);
    }

    class CoreColumnsRow
    {
        [JsonPropertyName("fact_id")]
        public string FactId { get; set; } = "x:1";

        [JsonPropertyName("relation_id")]
        public string RelationId { get; set; } = "P19";

        [JsonPropertyName("subject")]
        public string Subject { get; set; } = "X";

        [JsonPropertyName("answer")]
        public string Answer { get; set; } = "Rome";

        [JsonPropertyName("aliases")]
        public List<string> Aliases { get; set; } = [];

        [JsonPropertyName("prompts")]
        public List<string> Prompts { get; set; } = ["X was born in"];

        [JsonPropertyName("false_answers")]
        public List<string> FalseAnswers { get; set; } = [];

        [JsonPropertyName("date")]
        public string? Date { get; set; }

        [JsonPropertyName("split")]
        public string Split { get; set; } = "train";

        [JsonPropertyName("source")]
        public string Source { get; set; } = "test";
    }

    class NoAnswerRow
    {
        [JsonPropertyName("fact_id")]
        public string FactId { get; set; } = "x:1";

        [JsonPropertyName("relation_id")]
        public string RelationId { get; set; } = "P19";

        [JsonPropertyName("subject")]
        public string Subject { get; set; } = "X";

        [JsonPropertyName("aliases")]
        public List<string> Aliases { get; set; } = [];

        [JsonPropertyName("prompts")]
        public List<string> Prompts { get; set; } = ["X was born in"];
    }

    class PromptsAsStringRow
    {
        [JsonPropertyName("fact_id")]
        public string FactId { get; set; } = "x:1";

        [JsonPropertyName("relation_id")]
        public string RelationId { get; set; } = "P19";

        [JsonPropertyName("subject")]
        public string Subject { get; set; } = "X";

        [JsonPropertyName("answer")]
        public string Answer { get; set; } = "Rome";

        [JsonPropertyName("aliases")]
        public List<string> Aliases { get; set; } = [];

        [JsonPropertyName("prompts")]
        public string Prompts { get; set; } = "X was born in";
    }

    class AnswerAsIntRow
    {
        [JsonPropertyName("fact_id")]
        public string FactId { get; set; } = "x:1";

        [JsonPropertyName("relation_id")]
        public string RelationId { get; set; } = "P19";

        [JsonPropertyName("subject")]
        public string Subject { get; set; } = "X";

        [JsonPropertyName("answer")]
        public int Answer { get; set; } = 7;
    }
}
