using System.Collections.Immutable;

namespace ZfsAnsible.Domain.Pools;

/// <summary>Where a top-level vdev serves in the pool.</summary>
public enum VdevClass
{
    Data,
    Log,
    Special,
    Cache,
    Spare,
}

/// <summary>The redundancy of one top-level vdev. A "stripe" declaration is several Disk vdevs.</summary>
public enum VdevLayout
{
    Disk,
    Mirror,
    Raidz1,
    Raidz2,
    Raidz3,
}

/// <summary>One top-level vdev: its class, its layout and its leaf devices (in declared order).</summary>
public sealed record TopLevelVdev(VdevClass Class, VdevLayout Layout, ImmutableArray<string> Devices)
{
    public static TopLevelVdev Disk(VdevClass vdevClass, string device) => new(vdevClass, VdevLayout.Disk, [device]);

    /// <summary>zpool's own spelling: "mirror [a, b]", "log disk [c]".</summary>
    public override string ToString()
    {
        var prefix = Class == VdevClass.Data ? string.Empty : Class.ToString().ToLowerInvariant() + " ";
        return $"{prefix}{LayoutName(Layout)} [{string.Join(", ", Devices)}]";
    }

    /// <summary>The option vocabulary: a single-device vdev is declared (and reported) as "stripe".</summary>
    public static string LayoutName(VdevLayout layout) => layout == VdevLayout.Disk ? "stripe" : layout.ToString().ToLowerInvariant();

    /// <summary>The words zpool create/add take for this vdev, e.g. "log mirror a b".</summary>
    public IEnumerable<string> ToZpoolWords()
    {
        var classWord = Class switch
        {
            VdevClass.Data => null,
            VdevClass.Log => "log",
            VdevClass.Special => "special",
            VdevClass.Cache => "cache",
            VdevClass.Spare => "spare",
            _ => throw new InvalidOperationException($"unknown vdev class {Class}"),
        };
        if (classWord is not null)
        {
            yield return classWord;
        }

        if (Layout != VdevLayout.Disk)
        {
            yield return Layout.ToString().ToLowerInvariant();
        }

        foreach (var device in Devices)
        {
            yield return device;
        }
    }
}

/// <summary>The declared or observed shape of a pool, as a flat list of top-level vdevs.</summary>
public sealed record PoolTopology(ImmutableArray<TopLevelVdev> Vdevs)
{
    public static PoolTopology Empty { get; } = new([]);

    public IEnumerable<string> AllDevices => Vdevs.SelectMany(v => v.Devices);

    /// <summary>zpool create/add words for the whole topology; data vdevs first, as zpool expects.</summary>
    public ImmutableArray<string> ToZpoolWords() =>
        [.. Vdevs.OrderBy(v => v.Class).SelectMany(v => v.ToZpoolWords())];

    public bool Equals(PoolTopology? other) => other is not null && Vdevs.SequenceEqual(other.Vdevs, TopLevelVdevComparer.Instance);

    public override int GetHashCode() => Vdevs.Length;
}

internal sealed class TopLevelVdevComparer : IEqualityComparer<TopLevelVdev>
{
    public static TopLevelVdevComparer Instance { get; } = new();

    public bool Equals(TopLevelVdev? x, TopLevelVdev? y) =>
        x is not null && y is not null && x.Class == y.Class && x.Layout == y.Layout && x.Devices.SequenceEqual(y.Devices);

    public int GetHashCode(TopLevelVdev obj) => HashCode.Combine(obj.Class, obj.Layout, obj.Devices.Length);
}
