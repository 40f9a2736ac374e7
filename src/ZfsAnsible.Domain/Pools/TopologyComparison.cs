using System.Collections.Immutable;

namespace ZfsAnsible.Domain.Pools;

/// <summary>What a declaration has that the pool lacks, and what the pool has that was not declared.</summary>
public sealed record TopologyDifference(ImmutableArray<TopLevelVdev> Missing, ImmutableArray<TopLevelVdev> Unexpected)
{
    public bool IsEmpty => Missing.IsEmpty && Unexpected.IsEmpty;

    public string Describe()
    {
        var parts = new List<string>();
        if (!Missing.IsEmpty)
        {
            parts.Add("declared but not in the pool: " + string.Join("; ", Missing));
        }

        if (!Unexpected.IsEmpty)
        {
            parts.Add("in the pool but not declared: " + string.Join("; ", Unexpected));
        }

        return string.Join("; ", parts);
    }
}

/// <summary>
/// Compares topologies by device identity, not by spelling: the caller supplies the function that maps
/// a path (a /dev/disk/by-id link, a partition zpool made on a whole disk) to the disk it stands for.
/// Order of vdevs and of devices inside a vdev does not matter.
/// </summary>
public static class TopologyComparison
{
    public static TopologyDifference Compare(PoolTopology declared, PoolTopology actual, Func<string, string> identity)
    {
        var unmatched = actual.Vdevs.Select(v => (Vdev: v, Key: KeyOf(v, identity))).ToList();
        var missing = ImmutableArray.CreateBuilder<TopLevelVdev>();
        foreach (var vdev in declared.Vdevs)
        {
            var key = KeyOf(vdev, identity);
            var index = unmatched.FindIndex(candidate => candidate.Key == key);
            if (index < 0)
            {
                missing.Add(vdev);
            }
            else
            {
                unmatched.RemoveAt(index);
            }
        }

        return new TopologyDifference(missing.ToImmutable(), [.. unmatched.Select(u => u.Vdev)]);
    }

    private static string KeyOf(TopLevelVdev vdev, Func<string, string> identity) =>
        $"{vdev.Class}|{vdev.Layout}|{string.Join("\n", vdev.Devices.Select(identity).Order(StringComparer.Ordinal))}";
}
