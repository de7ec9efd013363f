using Microsoft.ML;
using MlNetDkn.Facts;

namespace MlNetDkn.ML.Internal;

/// <summary>
/// Reads a fact row back into a <see cref="FactRecord"/>: the required text columns, the prompts column the stage
/// was told to use, and any other fact column the row happens to carry (missing lists read as empty).
/// </summary>
internal static class FactRowReader
{
    public static RequiredColumn[] Required(string stage, string promptsColumn) =>
        [
            new(FactColumns.FactId, false, stage),
            new(FactColumns.RelationId, false, stage),
            new(FactColumns.Answer, false, stage),
            new(promptsColumn, true, stage),
        ];

    /// <summary>Optional fact columns present in <paramref name="schema"/> with the right type.</summary>
    public static IEnumerable<string> Optional(DataViewSchema schema, string promptsColumn) =>
        FactColumns
            .All.Where(c =>
                c != FactColumns.FactId && c != FactColumns.RelationId && c != FactColumns.Answer && c != promptsColumn
            )
            .Where(c =>
                schema.GetColumnOrNull(c) is { } col && new RequiredColumn(c, FactColumns.IsList(c), "").Accepts(col)
            );

    public static Func<FactRecord> Bind(DataViewRow row, string promptsColumn)
    {
        var id = RowText.Scalar(row, FactColumns.FactId);
        var relation = RowText.Scalar(row, FactColumns.RelationId);
        var answer = RowText.Scalar(row, FactColumns.Answer);
        var prompts = RowText.Vector(row, promptsColumn);
        var scalars = new List<(string Name, Func<string> Get)>();
        var lists = new List<(string Name, Func<string[]> Get)>();
        foreach (var name in Optional(row.Schema, promptsColumn).Where(n => row.IsColumnActive(row.Schema[n])))
        {
            if (FactColumns.IsList(name))
                lists.Add((name, RowText.Vector(row, name)));
            else
                scalars.Add((name, RowText.Scalar(row, name)));
        }
        return () =>
        {
            var fact = new FactRecord
            {
                FactId = id(),
                RelationId = relation(),
                Answer = answer(),
                Prompts = [.. prompts()],
            };
            foreach (var (name, get) in scalars)
                Facts.Internal.FactRecordAccess.SetString(fact, name, get());
            foreach (var (name, get) in lists)
                Facts.Internal.FactRecordAccess.SetList(fact, name, [.. get()]);
            return fact;
        };
    }

    /// <summary>A key identifying everything of the fact a stage reads.</summary>
    public static string Key(FactRecord fact) =>
        string.Join(
            "\u001f",
            [
                fact.FactId,
                fact.RelationId,
                fact.Answer,
                fact.Split,
                fact.Subject,
                .. fact.Prompts,
                "\u001e",
                .. fact.HeldoutPrompts,
                "\u001e",
                .. fact.PerturbedPrompts,
                "\u001e",
                .. fact.FalseAnswers,
            ]
        );
}
