using System.Globalization;
using System.Text.Json;

namespace MlNetDkn.ML.Output;

/// <summary>
/// DKN component columns (<c>dkn_components*</c>: one text item per component, "layer:index;layer:index") are written
/// to CSV as JSON arrays of components, each an array of <c>[layer, index]</c> pairs, the form of <c>component_list</c>
/// in <c>dkn_facts.csv</c>, and read back into the column's text items.
/// </summary>
static class ComponentCells
{
    /// <summary>True for the columns written as arrays of [layer, index] pairs.</summary>
    public static bool Applies(string column) =>
        column.StartsWith(KnowledgeNeuronColumns.DknComponents, StringComparison.Ordinal);

    /// <summary>One component ("0:12;1:7") as JSON ([[0,12],[1,7]]).</summary>
    public static string ToJson(string component) =>
        "["
        + string.Join(
            ",",
            component
                .Split(';', StringSplitOptions.RemoveEmptyEntries)
                .Select(Neuron.Parse)
                .Select(n => string.Create(CultureInfo.InvariantCulture, $"[{n.Layer},{n.Index}]"))
        )
        + "]";

    /// <summary>A component written by <see cref="ToJson"/> back to its text item.</summary>
    public static string FromJson(JsonElement component) =>
        string.Join(
            ";",
            component.EnumerateArray().Select(pair => new Neuron(pair[0].GetInt32(), pair[1].GetInt32()).ToString())
        );
}
