using System.Collections.Immutable;
using ZfsAnsible.Domain.Pools;

namespace ZfsAnsible.Zfs.Parsing;

/// <summary>One node of the config tree zpool status prints: a vdev, a group, or a leaf device.</summary>
public sealed record VdevNode(string Name, string State, ImmutableArray<VdevNode> Children)
{
    public bool IsLeaf => Children.IsEmpty;

    public VdevNode WithLeafNames(Func<string, string> rename) =>
        IsLeaf ? this with { Name = rename(Name) } : this with { Children = [.. Children.Select(c => c.WithLeafNames(rename))] };

    public IEnumerable<VdevNode> Leaves => IsLeaf ? [this] : Children.SelectMany(c => c.Leaves);

    /// <summary>
    /// The devices that fill this vdev's slots. A "replacing-N" or "spare-N" group inside a vdev is one slot,
    /// filled by its first child (the device being replaced, or the one a hot spare stands in for) — the
    /// device the declaration names — so a resilver or an active spare is not a topology difference.
    /// </summary>
    public IEnumerable<VdevNode> Slots => IsLeaf ? [this] : Children.Select(c => c.IsLeaf ? c : c.Slots.First());
}

/// <summary>A pool as zpool status shows it: its state and its vdevs by class.</summary>
public sealed record PoolStatus(string Name, string State, ImmutableDictionary<VdevClass, ImmutableArray<VdevNode>> Classes)
{
    public ImmutableArray<VdevNode> VdevsOf(VdevClass vdevClass) => Classes.GetValueOrDefault(vdevClass, []);

    public PoolStatus WithLeafNames(Func<string, string> rename) =>
        this with { Classes = Classes.ToImmutableDictionary(c => c.Key, c => c.Value.Select(n => n.WithLeafNames(rename)).ToImmutableArray()) };

    public IEnumerable<VdevNode> AllLeaves => Classes.Values.SelectMany(nodes => nodes).SelectMany(n => n.Leaves);

    /// <summary>The flat topology the planner compares with a declaration.</summary>
    public PoolTopology ToTopology()
    {
        var vdevs = ImmutableArray.CreateBuilder<TopLevelVdev>();
        foreach (var (vdevClass, nodes) in Classes.OrderBy(pair => pair.Key))
        {
            foreach (var node in nodes)
            {
                vdevs.Add(new TopLevelVdev(vdevClass, LayoutOf(node), [.. node.Slots.Select(slot => slot.Name)]));
            }
        }

        return new PoolTopology(vdevs.ToImmutable());
    }

    /// <summary>The layout of a top-level vdev node: a leaf is a disk; a group is named "mirror-0", "raidz2-1" ("raidz-0" on old releases).</summary>
    public static VdevLayout LayoutOf(VdevNode node)
    {
        if (node.IsLeaf)
        {
            return VdevLayout.Disk;
        }

        var kind = node.Name.Split('-')[0];
        return kind switch
        {
            "mirror" => VdevLayout.Mirror,
            "raidz" or "raidz1" => VdevLayout.Raidz1,
            "raidz2" => VdevLayout.Raidz2,
            "raidz3" => VdevLayout.Raidz3,
            _ => VdevLayout.Disk,
        };
    }
}

/// <summary>Reads the "config:" section of zpool status (OpenZFS and zfs-fuse print the same shape).</summary>
public static class ZpoolStatusParser
{
    private static readonly ImmutableDictionary<string, VdevClass> ClassHeaders = new Dictionary<string, VdevClass>
    {
        ["logs"] = VdevClass.Log,
        ["cache"] = VdevClass.Cache,
        ["spares"] = VdevClass.Spare,
        ["special"] = VdevClass.Special,
        ["dedup"] = VdevClass.Dedup,
    }.ToImmutableDictionary();

    public static ImmutableArray<PoolStatus> Parse(string output)
    {
        var pools = ImmutableArray.CreateBuilder<PoolStatus>();
        var lines = output.Split('\n');
        for (var i = 0; i < lines.Length; i++)
        {
            if (lines[i].TrimStart().StartsWith("pool:", StringComparison.Ordinal))
            {
                var name = lines[i].Trim()["pool:".Length..].Trim();
                var (status, next) = ParsePool(name, lines, i + 1);
                pools.Add(status);
                i = next - 1;
            }
        }

        return pools.ToImmutable();
    }

    private static (PoolStatus Status, int Next) ParsePool(string name, string[] lines, int start)
    {
        var state = "UNKNOWN";
        var i = start;
        for (; i < lines.Length && !lines[i].TrimStart().StartsWith("pool:", StringComparison.Ordinal); i++)
        {
            var trimmed = lines[i].Trim();
            if (trimmed.StartsWith("state:", StringComparison.Ordinal))
            {
                state = trimmed["state:".Length..].Trim();
            }
            else if (trimmed.StartsWith("NAME", StringComparison.Ordinal) && trimmed.Contains("STATE", StringComparison.Ordinal))
            {
                var (classes, next) = ParseConfig(lines, i + 1);
                return (new PoolStatus(name, state, classes), SkipToNextPool(lines, next));
            }
        }

        return (new PoolStatus(name, state, ImmutableDictionary<VdevClass, ImmutableArray<VdevNode>>.Empty), i);
    }

    private static int SkipToNextPool(string[] lines, int i)
    {
        while (i < lines.Length && !lines[i].TrimStart().StartsWith("pool:", StringComparison.Ordinal))
        {
            i++;
        }

        return i;
    }

    /// <summary>Indentation (two spaces a level after the leading tab) gives the tree.</summary>
    private static (ImmutableDictionary<VdevClass, ImmutableArray<VdevNode>> Classes, int Next) ParseConfig(string[] lines, int start)
    {
        var rows = new List<(int Depth, string Name, string State)>();
        var i = start;
        for (; i < lines.Length; i++)
        {
            var line = lines[i].TrimEnd('\r');
            if (line.Trim().Length == 0)
            {
                break;
            }

            var body = line.TrimStart('\t');
            var indent = body.Length - body.TrimStart(' ').Length;
            var fields = body.Trim().Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries);
            rows.Add((indent / 2, fields[0], fields.Length > 1 ? fields[1] : string.Empty));
        }

        var classes = new Dictionary<VdevClass, ImmutableArray<VdevNode>>();
        var index = 0;
        while (index < rows.Count)
        {
            var (depth, name, _) = rows[index];
            index++;
            if (depth != 0)
            {
                continue;
            }

            // Depth 0 is the pool's own row (data vdevs follow) or a class header such as "logs".
            var vdevClass = ClassHeaders.GetValueOrDefault(name, VdevClass.Data);
            var children = ReadChildren(rows, ref index, 1);
            classes[vdevClass] = classes.GetValueOrDefault(vdevClass, []).AddRange(children);
        }

        return (classes.ToImmutableDictionary(), i);
    }

    private static ImmutableArray<VdevNode> ReadChildren(List<(int Depth, string Name, string State)> rows, ref int index, int depth)
    {
        var children = ImmutableArray.CreateBuilder<VdevNode>();
        while (index < rows.Count && rows[index].Depth >= depth)
        {
            var (rowDepth, name, state) = rows[index];
            index++;
            if (rowDepth > depth)
            {
                continue;
            }

            children.Add(new VdevNode(name, state, ReadChildren(rows, ref index, depth + 1)));
        }

        return children.ToImmutable();
    }
}
