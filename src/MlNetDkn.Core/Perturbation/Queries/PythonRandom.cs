using System.Numerics;

namespace MlNetDkn.Perturbation.Queries;

/// <summary>
/// Python's <c>random</c> module generator (MT19937, seeded from an integer the way <c>random.seed(int)</c> does, and
/// <c>getrandbits</c> / <c>randint</c> / <c>choice</c> / <c>random</c> drawn the same way), so the authors' perturbed
/// queries (<c>random.seed(42)</c> once per process, then one <c>randint</c> per fact) are reproduced draw for draw.
/// .NET's generators have other streams; no package reimplements CPython's, so it is written here (~80 lines).
/// </summary>
public sealed class PythonRandom
{
    const int N = 624,
        M = 397;
    readonly uint[] _mt = new uint[N];
    int _index = N + 1;

    /// <summary>A generator in the state <c>random.seed(seed)</c> leaves CPython's (the sign of the seed is ignored, as
    /// there).</summary>
    public PythonRandom(BigInteger seed)
    {
        // random.seed(int): the absolute value's 32-bit words, least significant first (at least one word).
        var value = BigInteger.Abs(seed);
        var key = new List<uint>();
        do
        {
            key.Add((uint)(value & uint.MaxValue));
            value >>= 32;
        } while (value > 0);
        InitByArray(key);
    }

    void InitGenrand(uint s)
    {
        _mt[0] = s;
        for (int i = 1; i < N; i++)
            _mt[i] = unchecked(1812433253u * (_mt[i - 1] ^ (_mt[i - 1] >> 30)) + (uint)i);
        _index = N;
    }

    void InitByArray(IReadOnlyList<uint> key)
    {
        InitGenrand(19650218u);
        int i = 1,
            j = 0;
        for (int k = Math.Max(N, key.Count); k > 0; k--)
        {
            _mt[i] = unchecked((_mt[i] ^ ((_mt[i - 1] ^ (_mt[i - 1] >> 30)) * 1664525u)) + key[j] + (uint)j);
            i++;
            j++;
            if (i >= N)
            {
                _mt[0] = _mt[N - 1];
                i = 1;
            }
            if (j >= key.Count)
                j = 0;
        }
        for (int k = N - 1; k > 0; k--)
        {
            _mt[i] = unchecked((_mt[i] ^ ((_mt[i - 1] ^ (_mt[i - 1] >> 30)) * 1566083941u)) - (uint)i);
            i++;
            if (i >= N)
            {
                _mt[0] = _mt[N - 1];
                i = 1;
            }
        }
        _mt[0] = 0x80000000u;
    }

    /// <summary>genrand_uint32: the next 32-bit output.</summary>
    public uint NextUInt32()
    {
        if (_index >= N)
        {
            for (int k = 0; k < N; k++)
            {
                uint y = (_mt[k] & 0x80000000u) | (_mt[(k + 1) % N] & 0x7fffffffu);
                _mt[k] = _mt[(k + M) % N] ^ (y >> 1) ^ ((y & 1u) != 0 ? 0x9908b0dfu : 0u);
            }
            _index = 0;
        }
        uint x = _mt[_index++];
        x ^= x >> 11;
        x ^= (x << 7) & 0x9d2c5680u;
        x ^= (x << 15) & 0xefc60000u;
        x ^= x >> 18;
        return x;
    }

    /// <summary>random.getrandbits(k) for 1 ≤ k ≤ 32.</summary>
    public uint GetRandBits(int k)
    {
        if (k is < 1 or > 32)
            throw new ArgumentOutOfRangeException(nameof(k), k, "1 to 32 bits");
        return NextUInt32() >> (32 - k);
    }

    /// <summary>random.random(): 53-bit float in [0, 1).</summary>
    public double NextDouble()
    {
        uint a = NextUInt32() >> 5,
            b = NextUInt32() >> 6;
        return (a * 67108864.0 + b) * (1.0 / 9007199254740992.0);
    }

    /// <summary>random._randbelow(n) (getrandbits rejection sampling), 0 ≤ result &lt; n.</summary>
    public int RandBelow(int n)
    {
        if (n <= 0)
            throw new ArgumentOutOfRangeException(nameof(n), n, "must be positive");
        int k = 32 - BitOperations.LeadingZeroCount((uint)n);
        uint r = GetRandBits(k);
        while (r >= (uint)n)
            r = GetRandBits(k);
        return (int)r;
    }

    /// <summary>random.randint(a, b): a ≤ result ≤ b.</summary>
    public int RandInt(int a, int b) =>
        b < a ? throw new ArgumentException($"empty range for randint({a}, {b})") : a + RandBelow(b - a + 1);

    /// <summary>random.choice(seq): the index it picks.</summary>
    public int ChoiceIndex(int count) => RandBelow(count);
}
