using System.Text;
using System.Text.Json.Nodes;

namespace MlNetDkn.Tests.Hostile;

/// <summary>
/// A seeded mutation fuzzer with a time budget: mutates valid inputs (bytes, or JSON values where the format is JSON),
/// hands each to a reader on its own thread, and fails on anything but success or a <see cref="DknInputException"/>:
/// another exception (a crash), a case that does not finish in time (a hang), or one that allocates more than a bound
/// on its thread (an allocation driven by a hostile length field). DKN_FUZZ_SECONDS sets the budget per reader
/// (default 2 s, what CI runs); DKN_FUZZ_SEED replays one seed.
/// </summary>
internal static class MutationFuzzer
{
    public const long MaxAllocatedBytes = 512L << 20;
    static readonly TimeSpan PerCaseLimit = TimeSpan.FromSeconds(20);

    public static double BudgetSeconds =>
        double.TryParse(Environment.GetEnvironmentVariable("DKN_FUZZ_SECONDS"), out var s) && s > 0 ? s : 2;

    static int BaseSeed => int.TryParse(Environment.GetEnvironmentVariable("DKN_FUZZ_SEED"), out var s) ? s : 20261207;

    /// <summary>Runs mutated copies of <paramref name="seeds"/> through <paramref name="read"/> for the budget;
    /// returns how many cases ran and how many the reader accepted.</summary>
    public static (int Cases, int Accepted) Run(
        string name,
        IReadOnlyList<byte[]> seeds,
        Action<byte[]> read,
        Func<Random, byte[], byte[]>? mutate = null
    )
    {
        mutate ??= MutateBytes;
        var random = new Random(BaseSeed ^ StableHash(name));
        var clock = System.Diagnostics.Stopwatch.StartNew();
        int cases = 0,
            accepted = 0;
        while (clock.Elapsed.TotalSeconds < BudgetSeconds || cases < 20)
        {
            int caseSeed = random.Next();
            var caseRandom = new Random(caseSeed);
            var input = mutate(caseRandom, seeds[caseRandom.Next(seeds.Count)]);
            if (RunOne(name, caseSeed, input, read))
                accepted++;
            cases++;
        }
        return (cases, accepted);
    }

    /// <summary>Replays one case of <see cref="Run"/> by its case seed (as a failure names it): the same mutation of
    /// the same seed input, under the same hang, crash and allocation bounds; true when the reader accepted it.
    /// DKN_FUZZ_DUMP names a file to write the mutated input to.</summary>
    public static bool Replay(
        string name,
        int caseSeed,
        IReadOnlyList<byte[]> seeds,
        Action<byte[]> read,
        Func<Random, byte[], byte[]>? mutate = null
    )
    {
        mutate ??= MutateBytes;
        var caseRandom = new Random(caseSeed);
        var input = mutate(caseRandom, seeds[caseRandom.Next(seeds.Count)]);
        var dump = Environment.GetEnvironmentVariable("DKN_FUZZ_DUMP");
        if (!string.IsNullOrEmpty(dump))
            File.WriteAllBytes(dump, input);
        return RunOne(name, caseSeed, input, read);
    }

    static bool RunOne(string name, int caseSeed, byte[] input, Action<byte[]> read)
    {
        Exception? failure = null;
        long allocated = 0;
        bool ok = false;
        var thread = new Thread(
            () =>
            {
                long before = GC.GetAllocatedBytesForCurrentThread();
                try
                {
                    read(input);
                    ok = true;
                }
                catch (DknInputException) { }
                catch (Exception e)
                {
                    failure = e;
                }
                allocated = GC.GetAllocatedBytesForCurrentThread() - before;
            },
            16 << 20
        )
        {
            IsBackground = true,
        };
        thread.Start();
        string where = $"{name}, case seed {caseSeed} ({input.Length} bytes; replay with MutationFuzzer.Replay)";
        if (!thread.Join(PerCaseLimit))
            throw new Xunit.Sdk.XunitException($"{where}: no answer in {PerCaseLimit.TotalSeconds} s (a hang)");
        if (failure != null)
            throw new Xunit.Sdk.XunitException(
                $"{where}: {failure.GetType().Name} instead of DknInputException: "
                    + $"{failure.Message}\n{failure.StackTrace}"
            );
        if (allocated > MaxAllocatedBytes)
            throw new Xunit.Sdk.XunitException(
                $"{where}: allocated {allocated >> 20} MiB reading it (bound {MaxAllocatedBytes >> 20} MiB)"
            );
        return ok;
    }

    static int StableHash(string text) => text.Aggregate(17, (h, c) => unchecked(h * 31 + c));

    static readonly long[] Interesting =
    [
        0,
        1,
        -1,
        255,
        256,
        65535,
        int.MaxValue,
        int.MinValue,
        long.MaxValue,
        long.MinValue,
        1L << 40,
    ];

    /// <summary>Flips bits, overwrites with boundary values (also 8-byte little-endian lengths), truncates, cuts,
    /// duplicates and inserts, one to four times.</summary>
    public static byte[] MutateBytes(Random random, byte[] seed)
    {
        var bytes = new List<byte>(seed);
        int edits = 1 + random.Next(4);
        for (int e = 0; e < edits && bytes.Count > 0; e++)
        {
            int at = random.Next(bytes.Count);
            switch (random.Next(7))
            {
                case 0:
                    bytes[at] ^= (byte)(1 << random.Next(8));
                    break;
                case 1:
                    bytes[at] = (byte)Interesting[random.Next(Interesting.Length)];
                    break;
                case 2:
                    var value = BitConverter.GetBytes(Interesting[random.Next(Interesting.Length)]);
                    for (int i = 0; i < 8 && at + i < bytes.Count; i++)
                        bytes[at + i] = value[i];
                    break;
                case 3:
                    bytes.RemoveRange(at, bytes.Count - at);
                    break;
                case 4:
                    bytes.RemoveRange(at, Math.Min(bytes.Count - at, 1 + random.Next(64)));
                    break;
                case 5:
                    bytes.InsertRange(at, bytes.GetRange(at, Math.Min(bytes.Count - at, 1 + random.Next(64))));
                    break;
                default:
                    bytes.Insert(at, (byte)random.Next(256));
                    break;
            }
        }
        return [.. bytes];
    }

    static readonly string[] HostileJson =
    [
        "null",
        "0",
        "-1",
        "1e308",
        "-1e308",
        "2147483648",
        "9223372036854775808",
        "1.5",
        "\"\"",
        "\"x\"",
        "\"../../etc/passwd\"",
        "\"/etc\"",
        "true",
        "[]",
        "[1]",
        "{}",
        "{\"a\":1}",
        "\"\\u0000\"",
    ];

    /// <summary>For JSON: half the time a structural edit (a value replaced by another type or a boundary value, a key
    /// removed or renamed, an array emptied), else the byte mutations.</summary>
    public static byte[] MutateJson(Random random, byte[] seed)
    {
        if (random.Next(2) == 0)
            return MutateBytes(random, seed);
        var root = JsonNode.Parse(seed)!;
        var nodes = new List<JsonNode>();
        void Walk(JsonNode? n)
        {
            if (n is null)
                return;
            nodes.Add(n);
            if (n is JsonObject o)
                foreach (var (_, v) in o.ToList())
                    Walk(v);
            if (n is JsonArray a)
                foreach (var v in a.ToList())
                    Walk(v);
        }
        Walk(root);
        int edits = 1 + random.Next(3);
        for (int e = 0; e < edits; e++)
        {
            var target = nodes[random.Next(nodes.Count)];
            if (target.Parent is not { } parent)
                continue;
            var replacement = JsonNode.Parse(HostileJson[random.Next(HostileJson.Length)]);
            switch (parent, random.Next(3))
            {
                case (JsonObject o, 0):
                    o.Remove(target.GetPropertyName());
                    break;
                case (JsonObject o, 1):
                    var key = target.GetPropertyName();
                    o.Remove(key);
                    o[key + "_"] = replacement;
                    break;
                case (JsonObject o, _):
                    o[target.GetPropertyName()] = replacement;
                    break;
                case (JsonArray a, 0):
                    a.Clear();
                    break;
                case (JsonArray a, _):
                    a[a.IndexOf(target)] = replacement;
                    break;
            }
        }
        return Encoding.UTF8.GetBytes(root.ToJsonString());
    }
}
