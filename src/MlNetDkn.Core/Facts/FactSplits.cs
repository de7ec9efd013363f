namespace MlNetDkn.Facts;

/// <summary>Split names used by the importers and the synthetic world. Other names are allowed.</summary>
public static class FactSplits
{
    public const string Train = "train";
    public const string Validation = "val";
    public const string Heldout = "heldout";
}
