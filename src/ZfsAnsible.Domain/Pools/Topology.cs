using System.Collections.Immutable;
using ZfsAnsible.Domain.Collections;

namespace ZfsAnsible.Domain.Pools;

/// <summary>Where a top-level vdev serves in the pool.</summary>
public enum VdevClass
{
    Data,
    Log,
    Special,
    Cache,
    Spare,
    Dedup,
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
public sealed record TopLevelVdev(VdevClass Class, VdevLayout Layout, ValueArray<string> Devices)
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
}

/// <summary>The declared or observed shape of a pool, as a flat list of top-level vdevs.</summary>
public sealed record PoolTopology(ValueArray<TopLevelVdev> Vdevs)
{
    public static PoolTopology Empty { get; } = new([]);

    public IEnumerable<string> AllDevices => Vdevs.SelectMany(v => v.Devices);
}
