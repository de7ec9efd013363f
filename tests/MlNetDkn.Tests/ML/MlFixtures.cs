using Microsoft.ML;
using Microsoft.ML.Data;
using MlNetDkn.Attribution;
using MlNetDkn.Degeneracy;

namespace MlNetDkn.Tests.ML;

/// <summary>Options and column readers shared by the ML.NET stage tests (stories260K, 4 facts, 8 steps).</summary>
static class MlFixtures
{
    public static FactAttributionOptions KnOptions { get; } =
        new() { Attribution = AttributionOptions.Default with { Steps = 8 } };

    /// <summary>The authors' lenient check finds DKNs on stories260K (the strict default finds none there, which would
    /// make comparisons vacuous); two methods keep the tests quick while exercising per-method columns.</summary>
    public static DknOptions DknOpts { get; } =
        DknOptions.DknAuthors with
        {
            Methods = [ClusteringMethod.Ntc, ClusteringMethod.KMeans],
            EvaluateDegeneracy = false,
        };

    /// <summary>SchemaShape.Create is internal; estimators' GetOutputSchema needs a shape of the input
    /// schema.</summary>
    public static SchemaShape ShapeOf(DataViewSchema schema) =>
        (SchemaShape)
            typeof(SchemaShape)
                .GetMethod(
                    "Create",
                    System.Reflection.BindingFlags.NonPublic
                        | System.Reflection.BindingFlags.Public
                        | System.Reflection.BindingFlags.Static
                )!
                .Invoke(null, [schema])!;

    public static DataViewType ItemType(DataViewType type) => type is VectorDataViewType v ? v.ItemType : type;

    public static T[] Column<T>(IDataView data, string name) => data.GetColumn<T>(name).ToArray();

    public static string[] Texts(IDataView data, string name) =>
        data.GetColumn<ReadOnlyMemory<char>>(name).Select(m => m.ToString()).ToArray();

    public static string[][] TextVectors(IDataView data, string name) =>
        data.GetColumn<VBuffer<ReadOnlyMemory<char>>>(name)
            .Select(v => v.DenseValues().Select(m => m.ToString()).ToArray())
            .ToArray();

    public static float[][] FloatVectors(IDataView data, string name) =>
        data.GetColumn<VBuffer<float>>(name).Select(v => v.DenseValues().ToArray()).ToArray();

    public static int StoreLines(string folder, string file) =>
        File.Exists(Path.Combine(folder, file)) ? File.ReadAllLines(Path.Combine(folder, file)).Length : 0;
}
