using System.Globalization;
using System.Numerics;

namespace MlNetDkn.Pipelines;

/// <summary>
/// One of n shards of a run: the facts whose id hashes to this index (SHA-256 of the id, so the split is the same on
/// every machine and does not depend on the order or number of other facts). Each shard writes into
/// <c>&lt;output&gt;/shard-i-of-n/</c>; `dkn merge` joins their stores and writes the tables of the whole run.
/// </summary>
public sealed record Shard(int Index, int Count)
{
    /// <summary>The shard's folder inside the run's output: <c>shard-i-of-n</c>.</summary>
    public string FolderName => $"shard-{Index}-of-{Count}";

    /// <summary>Whether the fact with this id belongs to this shard (its SHA-256 modulo <see cref="Count"/> equals
    /// <see cref="Index"/>).</summary>
    public bool Contains(string factId)
    {
        var digest = System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(factId));
        return (int)(new BigInteger(digest.AsSpan(0, 8), isUnsigned: true) % Count) == Index;
    }

    /// <summary>"i/n" with 0 ≤ i &lt; n.</summary>
    public static Shard Parse(string text, string source = "--shard")
    {
        var parts = text.Split('/');
        if (
            parts.Length == 2
            && int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var i)
            && int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var n)
            && n >= 1
            && i < n
        )
            return new Shard(i, n);
        throw new DknInputException($"{source} {text}: expected i/n with 0 ≤ i < n (e.g. 0/4)");
    }

    /// <summary>
    /// The shard a cluster scheduler gives this process: a SLURM array task (SLURM_ARRAY_TASK_ID, numbered from
    /// SLURM_ARRAY_TASK_MIN, of SLURM_ARRAY_TASK_COUNT) or a Kubernetes indexed Job (JOB_COMPLETION_INDEX, with the
    /// count in DKN_SHARDS); null when neither is set.
    /// </summary>
    public static Shard? FromEnvironment(Func<string, string?>? environment = null)
    {
        environment ??= Environment.GetEnvironmentVariable;
        int? Int(string name) =>
            int.TryParse(environment(name), NumberStyles.Integer, CultureInfo.InvariantCulture, out var v) ? v : null;
        if (Int("SLURM_ARRAY_TASK_ID") is int id && Int("SLURM_ARRAY_TASK_COUNT") is int count)
        {
            int index = id - (Int("SLURM_ARRAY_TASK_MIN") ?? 0);
            return index >= 0 && index < count
                ? new Shard(index, count)
                : throw new DknInputException(
                    $"SLURM_ARRAY_TASK_ID {id} (min {Int("SLURM_ARRAY_TASK_MIN") ?? 0}) is outside an array of "
                        + $"{count} tasks"
                );
        }
        if (Int("JOB_COMPLETION_INDEX") is int k)
        {
            var total = Int("DKN_SHARDS")
                ?? throw new DknInputException(
                    "JOB_COMPLETION_INDEX is set but DKN_SHARDS (the number of completions) is not"
                );
            return k >= 0 && k < total
                ? new Shard(k, total)
                : throw new DknInputException($"JOB_COMPLETION_INDEX {k} is outside DKN_SHARDS {total}");
        }
        return null;
    }
}
