using ZfsAnsible.Domain.Collections;
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

    /// <summary>The words zpool takes for this vdev without its class word, e.g. "mirror a b".</summary>
    public IEnumerable<string> ToZpoolWords() =>
        Layout == VdevLayout.Disk ? Devices : Devices.Prepend(Layout.ToString().ToLowerInvariant());
}

/// <summary>The declared or observed shape of a pool, as a flat list of top-level vdevs.</summary>
public sealed record PoolTopology(ValueArray<TopLevelVdev> Vdevs)
{
    public static PoolTopology Empty { get; } = new([]);

    public IEnumerable<string> AllDevices => Vdevs.SelectMany(v => v.Devices);

    /// <summary>
    /// zpool create/add words for the whole topology: data vdevs first, then each class word once followed by
    /// all its vdevs ("log mirror a b mirror c d cache e f") — zpool refuses a class word given twice.
    /// </summary>
    public ImmutableArray<string> ToZpoolWords() =>
    [
        .. Vdevs.GroupBy(v => v.Class).OrderBy(g => g.Key).SelectMany(group =>
            (group.Key == VdevClass.Data ? [] : new[] { group.Key.ToString().ToLowerInvariant() })
                .Concat(group.SelectMany(v => v.ToZpoolWords()))),
    ];
}
