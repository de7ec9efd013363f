using System.Globalization;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace MlNetDkn.Tests.ML;

/// <summary>Every visible column of a data view as exact text (floats by their bits), for bit-for-bit comparisons.</summary>
static class DataViewDump
{
    public static IReadOnlyList<string> Of(IDataView data) =>
        data.Schema.Where(c => !c.IsHidden).Select(c => c.Name + "=" + string.Join("|", Column(data, c))).ToList();

    static IEnumerable<string> Column(IDataView data, DataViewSchema.Column column) => column.Type switch
    {
        TextDataViewType => data.GetColumn<ReadOnlyMemory<char>>(column).Select(v => v.ToString()),
        NumberDataViewType t when t.RawType == typeof(float) => data.GetColumn<float>(column).Select(Bits),
        NumberDataViewType t when t.RawType == typeof(int) => data.GetColumn<int>(column).Select(v => v.ToString(CultureInfo.InvariantCulture)),
        BooleanDataViewType => data.GetColumn<bool>(column).Select(v => v.ToString()),
        VectorDataViewType { ItemType: TextDataViewType } => data.GetColumn<VBuffer<ReadOnlyMemory<char>>>(column).Select(v => string.Join(",", v.DenseValues())),
        VectorDataViewType { ItemType: NumberDataViewType t } when t.RawType == typeof(float) => data.GetColumn<VBuffer<float>>(column).Select(v => string.Join(",", v.DenseValues().Select(Bits))),
        _ => throw new NotSupportedException($"column {column.Name} of type {column.Type}"),
    };

    static string Bits(float v) => BitConverter.SingleToInt32Bits(v).ToString("x8");
}
