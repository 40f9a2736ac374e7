using System.Collections.Immutable;
using ZfsAnsible.Domain.Properties;

namespace ZfsAnsible.Domain.Pools;

public enum PoolState
{
    Present,
    Absent,
    Exported,
    Imported,
}

/// <summary>What the task asks for, already validated.</summary>
public sealed record PoolDeclaration(
    string Name,
    PoolState State,
    PoolTopology? Topology,
    ImmutableSortedDictionary<string, string> Properties,
    ImmutableSortedDictionary<string, string> FilesystemProperties,
    string? Mountpoint = null,
    string? Altroot = null,
    bool Force = false,
    bool AllowDestroy = false,
    bool AddVdevs = false,
    ImmutableArray<string> SearchDirectories = default)
{
    public ImmutableArray<string> SearchDirectories { get; init; } = SearchDirectories.IsDefault ? [] : SearchDirectories;

    public static PoolDeclaration Named(string name, PoolState state = PoolState.Present) =>
        new(name, state, null, ImmutableSortedDictionary<string, string>.Empty, ImmutableSortedDictionary<string, string>.Empty);
}

/// <summary>Is the pool there, and how.</summary>
public enum PoolPresence
{
    Imported,
    Exported,
    Absent,
}

/// <summary>What the ZFS layer saw of the pool and the declared devices, enough to plan without more I/O.</summary>
public sealed record PoolObservation(
    PoolPresence Presence,
    PoolTopology Topology,
    IReadOnlyDictionary<string, ObservedProperty> Properties,
    IReadOnlyDictionary<string, ObservedProperty> FilesystemProperties,
    IReadOnlyDictionary<string, DeviceReport> Devices,
    IReadOnlyDictionary<string, string> Identities)
{
    public static PoolObservation Absent(IReadOnlyDictionary<string, DeviceReport> devices) =>
        new(PoolPresence.Absent, PoolTopology.Empty, Empty, Empty, devices, ImmutableDictionary<string, string>.Empty);

    public static PoolObservation Exported(IReadOnlyDictionary<string, DeviceReport> devices) =>
        new(PoolPresence.Exported, PoolTopology.Empty, Empty, Empty, devices, ImmutableDictionary<string, string>.Empty);

    private static IReadOnlyDictionary<string, ObservedProperty> Empty { get; } = ImmutableDictionary<string, ObservedProperty>.Empty;

    /// <summary>
    /// The disk a path stands for when comparing topologies: links resolved, and the partition zpool made
    /// on a declared whole disk folded onto that disk.
    /// </summary>
    public string IdentityOf(string path) =>
        Identities.TryGetValue(path, out var identity) ? identity
        : Devices.TryGetValue(path, out var report) ? report.Identity
        : path;
}
