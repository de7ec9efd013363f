using MlNetDkn.Facts.Importers;

namespace MlNetDkn.Tests.Facts.Importers;

public class RomeImporterTests
{
    [Fact]
    public void ImportEveryKnownFactWithItsPromptAndAttribute()
    {
        var result = new RomeImporter().Import(RawDatasets.Rome);
        var first = result.Dataset.Records[0];

        Assert.Equal(1_209, result.Report.Facts);
        // 33 distinct relation_id values: python3 len({k['relation_id'] for k in known_1000.json}).
        Assert.Equal(33, result.Report.Relations);
        Assert.Empty(result.Report.Dropped);
        Assert.Equal("rome:0", first.FactId);
        Assert.Equal("Vinson Massif", first.Subject);
        Assert.Equal("P30", first.RelationId);
        Assert.Equal(["Vinson Massif is located in the continent of"], first.Prompts);
        Assert.Equal("Antarctica", first.Answer);
    }
}
