using System.Collections.Immutable;
using ZfsAnsible.Api.Collection;
using ZfsAnsible.Domain.Policies;

namespace ZfsAnsible.Api.Metrics;

/// <summary>How the collections went so far: what a scrape reports about zfs-api itself.</summary>
/// <param name="LastError">The last collection's failure, or null when it succeeded.</param>
public sealed record CollectionStats(long Collections, long Errors, TimeSpan LastDuration, DateTimeOffset? LastSuccess, string? LastError);

/// <summary>
/// The metric families of docs/metrics.md from one host's state: names and units after Prometheus' conventions, every
/// series labelled with hostname and, as they apply, pool, dataset, policy and interval.
/// </summary>
public static class HostMetrics
{
    /// <summary>Pool states as zpool reports them; one series per state, 1 for the pool's current one.</summary>
    public static ImmutableArray<string> PoolStates { get; } = ["ONLINE", "DEGRADED", "FAULTED", "OFFLINE", "UNAVAIL", "REMOVED", "SUSPENDED"];

    /// <param name="now">When the scrape is answered: ages grow between collections, and keep growing while they fail.</param>
    public static ImmutableArray<MetricFamily> Of(HostState? state, CollectionStats stats, string hostname, DateTimeOffset now)
    {
        var families = ImmutableArray.CreateBuilder<MetricFamily>();
        if (state is not null)
        {
            families.AddRange(Pools(state, hostname));
            families.AddRange(Datasets(state, hostname));
            families.AddRange(Snapshots(state, hostname, now));
            families.AddRange(Replication(state, hostname));
        }

        families.AddRange(Collection(stats, hostname, state));
        return families.ToImmutable();
    }

    private static IEnumerable<MetricFamily> Pools(HostState state, string hostname)
    {
        (string, string) Host() => ("hostname", hostname);
        MetricFamily Pool(string name, string help, Func<Zfs.PoolSummary, double?> value) => new(name, help, MetricType.Gauge,
            [.. state.Pools.Select(p => (p.Name, Value: value(p))).Where(p => p.Value is not null).Select(p => Sample.Of(p.Value!.Value, Host(), ("pool", p.Name)))]);

        yield return new MetricFamily("zfs_pool_health", "1 for the pool's current health state (zpool list), 0 for the others.", MetricType.Gauge,
            [.. state.Pools.SelectMany(p => PoolStates.Append(p.Health).Distinct(StringComparer.Ordinal)
                .Select(s => Sample.Of(s == p.Health ? 1 : 0, Host(), ("pool", p.Name), ("state", s))))]);
        yield return Pool("zfs_pool_size_bytes", "Total size of the pool.", p => p.Size);
        yield return Pool("zfs_pool_allocated_bytes", "Space allocated in the pool.", p => p.Allocated);
        yield return Pool("zfs_pool_free_bytes", "Free space in the pool.", p => p.Free);
        yield return Pool("zfs_pool_capacity_ratio", "Allocated share of the pool's size (0 to 1).", p => p.CapacityRatio);
        yield return Pool("zfs_pool_fragmentation_ratio", "Free-space fragmentation of the pool (0 to 1); absent where ZFS does not report it.", p => p.Fragmentation / 100.0);
    }

    private static IEnumerable<MetricFamily> Datasets(HostState state, string hostname)
    {
        MetricFamily Dataset(string name, string help, Func<DatasetState, double> value) => new(name, help, MetricType.Gauge,
            [.. state.Datasets.Select(d => Sample.Of(value(d), ("hostname", hostname), ("pool", d.Pool), ("dataset", d.Name), ("policy", d.Policy ?? "unmanaged")))]);

        yield return Dataset("zfs_dataset_used_bytes", "Space used by the dataset and its descendants.", d => d.Used);
        yield return Dataset("zfs_dataset_available_bytes", "Space available to the dataset.", d => d.Available);
        yield return Dataset("zfs_dataset_referenced_bytes", "Data the dataset references.", d => d.Referenced);
        yield return Dataset("zfs_dataset_snapshots", "Snapshots of the dataset, whoever took them.", d => d.SnapshotCount);
    }

    private static IEnumerable<MetricFamily> Snapshots(HostState state, string hostname, DateTimeOffset now)
    {
        // Each value is computed once (the newest age is a little work); the pool is the dataset name's first part.
        MetricFamily Compliance(string name, string help, Func<Domain.Snapshots.Compliance, double?> value) => new(name, help, MetricType.Gauge,
            [.. state.Compliance.Select(c => (Compliance: c, Value: value(c))).Where(x => x.Value is not null).Select(x => Sample.Of(x.Value!.Value,
                ("hostname", hostname), ("pool", x.Compliance.Dataset.Split('/')[0]), ("dataset", x.Compliance.Dataset), ("policy", x.Compliance.Policy), ("interval", x.Compliance.Interval.YamlName())))]);

        yield return Compliance("zfs_snapshot_retention_target", "Snapshots of the interval the policy keeps.", c => c.Target);
        yield return Compliance("zfs_snapshot_retained", "Snapshots of the interval the dataset has.", c => c.Retained);
        yield return Compliance("zfs_snapshot_compliance_ratio", "Retained over target, capped at 1.", c => c.Ratio);
        yield return Compliance("zfs_snapshot_newest_age_seconds", "Age of the interval's newest snapshot; absent when there is none.", c => state.NewestAgeAt(c, now)?.TotalSeconds);
    }

    private static IEnumerable<MetricFamily> Replication(HostState state, string hostname)
    {
        MetricFamily Replica(string name, string help, Func<ReplicationState, double> value) => new(name, help, MetricType.Gauge,
            [.. state.Datasets.Where(d => d.Replication is not null).Select(d => Sample.Of(value(d.Replication!),
                ("hostname", hostname), ("pool", d.Pool), ("dataset", d.Name), ("policy", d.Policy ?? "unmanaged")))]);

        yield return Replica("zfs_replication_last_success_timestamp_seconds", "When the last replication into this dataset completed (Unix time).", r => r.LastSuccess.ToUnixTimeSeconds());
        yield return Replica("zfs_replication_last_duration_seconds", "How long the last replication into this dataset took.", r => r.LastDuration.TotalSeconds);
        yield return Replica("zfs_replication_last_bytes", "Bytes the last replication into this dataset received.", r => r.LastBytes);
    }

    private static IEnumerable<MetricFamily> Collection(CollectionStats stats, string hostname, HostState? state)
    {
        (string, string) Host() => ("hostname", hostname);
        yield return new MetricFamily("zfs_api_collection_duration_seconds", "How long the last collection of zfs and zpool listings took.", MetricType.Gauge,
            [Sample.Of(stats.LastDuration.TotalSeconds, Host())]);
        yield return new MetricFamily("zfs_api_collections_total", "Collections run since the service started.", MetricType.Counter,
            [Sample.Of(stats.Collections, Host())]);
        yield return new MetricFamily("zfs_api_collection_errors_total", "Collections that failed since the service started (the last good data is served).", MetricType.Counter,
            [Sample.Of(stats.Errors, Host())]);
        if (state is not null)
        {
            yield return new MetricFamily("zfs_api_policy_problems", "Datasets whose zfsansible: policy properties cannot be read (see /api/health); the snapshot timer refuses to run while any remains.", MetricType.Gauge,
                [Sample.Of(state.PolicyProblems.Length, Host())]);
        }

        yield return new MetricFamily("zfs_api_collection_success", "1 when the last collection succeeded, 0 when the data shown is older.", MetricType.Gauge,
            [Sample.Of(stats.LastError is null && state is not null ? 1 : 0, Host())]);
        if (stats.LastSuccess is { } success)
        {
            yield return new MetricFamily("zfs_api_last_collection_timestamp_seconds", "When the data shown was collected (Unix time).", MetricType.Gauge,
                [Sample.Of(success.ToUnixTimeSeconds(), Host())]);
        }
    }
}
