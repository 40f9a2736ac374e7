using System.Collections.Immutable;
using System.Globalization;
using ZfsAnsible.Domain;
using ZfsAnsible.Domain.Properties;
using ZfsAnsible.Domain.Snapshots;
using ZfsAnsible.Zfs;

namespace ZfsAnsible.Api.Collection;

/// <summary>The last replication a pull or push recorded on this dataset (it is a replica: the properties live on the target).</summary>
public sealed record ReplicationState(DateTimeOffset LastSuccess, TimeSpan LastDuration, long LastBytes);

/// <summary>One filesystem or volume as the API reports it.</summary>
/// <param name="Policy">The managed policy (a replica's label on a backup server), or null when unmanaged.</param>
public sealed record DatasetState(
    string Name,
    string Pool,
    long Used,
    long Available,
    long Referenced,
    string? Policy,
    bool Replica,
    int SnapshotCount,
    DateTimeOffset? NewestSnapshot,
    ReplicationState? Replication);

/// <summary>Everything one collection saw on the host: pools, datasets, their snapshots and compliance.</summary>
public sealed record HostState(
    DateTimeOffset CollectedAt,
    TimeSpan Duration,
    string Implementation,
    ImmutableArray<PoolSummary> Pools,
    ImmutableArray<DatasetState> Datasets,
    ImmutableDictionary<string, ImmutableArray<Snapshot>> Snapshots,
    ImmutableArray<Compliance> Compliance,
    ImmutableArray<string> PolicyProblems)
{
    /// <summary>The properties each dataset is read with, besides the policy ones the snapshot timer reads.</summary>
    public static ImmutableArray<string> DatasetProperties { get; } =
        ["type", "used", "available", "referenced", ZfsAnsibleProperties.LastSuccess, ZfsAnsibleProperties.LastDurationMs, ZfsAnsibleProperties.LastBytes];

    /// <summary>
    /// Builds the state from the two listings (pure: the clock and the listings are given). A dataset whose policy
    /// properties cannot be read is reported unmanaged, with the problem in <see cref="PolicyProblems"/> (the snapshot
    /// timer refuses to run until it is mended).
    /// </summary>
    public static HostState From(DateTimeOffset now, TimeSpan duration, string implementation, ImmutableArray<PoolSummary> pools, SnapshotInventory inventory)
    {
        var (readable, problems) = ManagedDatasets.Read(inventory.Datasets);
        var managed = readable.ToDictionary(m => m.Name, StringComparer.Ordinal);
        var datasets = inventory.Datasets
            .Where(d => d.Value.TryGetValue("type", out var type) && type.Value is "filesystem" or "volume")
            .OrderBy(d => d.Key, StringComparer.Ordinal)
            .Select(d =>
            {
                var snapshots = inventory.Snapshots.GetValueOrDefault(d.Key, []);
                var policy = managed.GetValueOrDefault(d.Key);
                return new DatasetState(
                    d.Key,
                    d.Key.Split('/')[0],
                    Number(d.Value, "used") ?? 0,
                    Number(d.Value, "available") ?? 0,
                    Number(d.Value, "referenced") ?? 0,
                    policy?.Policy,
                    policy?.Replica ?? false,
                    snapshots.Length,
                    snapshots.IsEmpty ? null : snapshots.Max(s => s.Creation),
                    Replication(d.Value));
            })
            .ToImmutableArray();
        var compliance = SnapshotPlanner.ComplianceOf(now, [.. managed.Values.OrderBy(m => m.Name, StringComparer.Ordinal)], inventory.Snapshots);
        return new HostState(now, duration, implementation, pools, datasets, inventory.Snapshots, compliance, problems);
    }

    /// <summary>The age of a compliance entry's newest snapshot at <paramref name="now"/>: it keeps growing between collections, and while they fail.</summary>
    public TimeSpan? NewestAgeAt(Compliance compliance, DateTimeOffset now) => compliance.NewestAge + (now - CollectedAt);

    /// <summary>What the last pull recorded; a value nobody could have written (a year past 9999) reads as none.</summary>
    private static ReplicationState? Replication(IReadOnlyDictionary<string, ObservedProperty> properties)
    {
        var at = Number(properties, ZfsAnsibleProperties.LastSuccess, localOnly: true);
        var milliseconds = Number(properties, ZfsAnsibleProperties.LastDurationMs, localOnly: true) ?? 0;
        return at is >= 0 and <= MaxUnixSeconds && milliseconds <= MaxUnixSeconds * 1000
            ? new ReplicationState(DateTimeOffset.FromUnixTimeSeconds(at.Value), TimeSpan.FromMilliseconds(milliseconds), Number(properties, ZfsAnsibleProperties.LastBytes, localOnly: true) ?? 0)
            : null;
    }

    private const long MaxUnixSeconds = 253_402_300_799;

    /// <summary>An exact number (zfs get -p); a user property counts only where it was set on the dataset itself.</summary>
    private static long? Number(IReadOnlyDictionary<string, ObservedProperty> properties, string name, bool localOnly = false) =>
        properties.TryGetValue(name, out var value) && (!localOnly || value.IsLocal)
            && long.TryParse(value.Value, NumberStyles.None, CultureInfo.InvariantCulture, out var number)
            ? number
            : null;
}
