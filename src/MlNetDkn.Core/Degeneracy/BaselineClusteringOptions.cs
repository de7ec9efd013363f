namespace MlNetDkn.Degeneracy;

/// <summary>Average-linkage hierarchical baseline (method.md §3.5).</summary>
public sealed record HierarchicalOptions
{
    /// <summary>The cut height is this quantile of all condensed distances, sentinels included.</summary>
    public double CutQuantile { get; init; } = 0.7;
}

/// <summary>DBSCAN baseline on the precomputed distance matrix.</summary>
public sealed record DbscanOptions
{
    /// <summary>eps = this quantile over rows of each row's smallest non-zero distance (0.5: the median).</summary>
    public double EpsQuantile { get; init; } = 0.5;

    /// <summary>min_samples = max(MinSamplesFloor, int(MinSamplesFraction·K)); a point counts itself.</summary>
    public double MinSamplesFraction { get; init; } = 0.03;

    /// <summary>Lower bound of min_samples, whatever the number of neurons K.</summary>
    public int MinSamplesFloor { get; init; } = 2;
}

/// <summary>K-means baseline: PCA of the rows of D, then k-means++ / Lloyd.</summary>
public sealed record KMeansOptions
{
    /// <summary>Keep the fewest principal components whose cumulative explained variance reaches this.</summary>
    public double VarianceThreshold { get; init; } = 0.95;

    /// <summary>k = max(MinClusters, int(ClusterFraction·K)).</summary>
    public double ClusterFraction { get; init; } = 0.1;

    /// <summary>Lower bound of k, whatever the number of neurons K.</summary>
    public int MinClusters { get; init; } = 2;

    /// <summary>Seed of the k-means++ seeding (the same seed gives the same clusters).</summary>
    public int Seed { get; init; } = 0;

    /// <summary>Independent seedings, best inertia kept (scikit-learn ≥ 1.4 uses 1 with k-means++).</summary>
    public int Restarts { get; init; } = 1;

    /// <summary>Most Lloyd iterations per seeding (scikit-learn's max_iter).</summary>
    public int MaxIterations { get; init; } = 300;

    /// <summary>Stop when the squared centre shift is at most Tolerance × mean feature variance (scikit-learn's
    /// tol).</summary>
    public double Tolerance { get; init; } = 1e-4;
}
