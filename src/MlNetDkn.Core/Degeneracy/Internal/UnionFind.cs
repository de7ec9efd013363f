namespace MlNetDkn.Degeneracy.Internal;

/// <summary>
/// The authors' union-find: path compression, union by rank where the x root joins the y root unless x has the higher
/// rank (then the roles swap). Which point ends as root matters: their persistence test reads the root's birth.
/// </summary>
internal sealed class UnionFind
{
    readonly int[] _parent,
        _rank,
        _size;

    public UnionFind(int n)
    {
        _parent = Enumerable.Range(0, n).ToArray();
        _rank = new int[n];
        _size = Enumerable.Repeat(1, n).ToArray();
    }

    public int Find(int x)
    {
        if (_parent[x] != x)
            _parent[x] = Find(_parent[x]);
        return _parent[x];
    }

    public int SizeOf(int x) => _size[Find(x)];

    public void Union(int x, int y)
    {
        int rx = Find(x),
            ry = Find(y);
        if (rx == ry)
            return;
        if (_rank[rx] > _rank[ry])
            (rx, ry) = (ry, rx);
        _parent[rx] = ry;
        if (_rank[rx] == _rank[ry])
            _rank[ry]++;
        _size[ry] += _size[rx];
    }

    /// <summary>Components as point lists, ordered by their smallest point, points ascending (Python dict insertion
    /// order).</summary>
    public List<(int Root, List<int> Points)> Components()
    {
        var byRoot = new Dictionary<int, List<int>>();
        var order = new List<int>();
        for (int i = 0; i < _parent.Length; i++)
        {
            int r = Find(i);
            if (!byRoot.TryGetValue(r, out var list))
            {
                byRoot[r] = list = [];
                order.Add(r);
            }
            list.Add(i);
        }
        return order.Select(r => (r, byRoot[r])).ToList();
    }
}
