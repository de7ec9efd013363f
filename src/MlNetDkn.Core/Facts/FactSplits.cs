namespace MlNetDkn.Facts;

/// <summary>Split names used by the importers and the synthetic world. Other names are allowed.</summary>
public static class FactSplits
{
    /// <summary>Facts a model is trained on.</summary>
    public const string Train = "train";

    /// <summary>Facts kept for validation during training.</summary>
    public const string Validation = "val";

    /// <summary>Facts kept out of training entirely.</summary>
    public const string Heldout = "heldout";
}
