using System.Collections.Immutable;

namespace ZfsAnsible.Domain.Properties;

/// <summary>
/// Every user property the tool writes, in its own namespace: the policy zfs_dataset_policy writes on each
/// configured dataset (docs/policies.md), the replication mark on a source's base snapshot, and the last success a
/// replication records on its target (docs/metrics.md).
/// </summary>
public static class ZfsAnsibleProperties
{
    public const string Namespace = "zfsansible:";

    public const string Policy = "zfsansible:policy";
    public const string PolicySource = "zfsansible:policy_source";
    public const string Retention = "zfsansible:retention";
    public const string Replicate = "zfsansible:replicate";
    public const string DiscoverChildren = "zfsansible:discover_children";

    /// <summary>On a source snapshot: the ids of the targets it is the base of (see Replication.ReplicationMark).</summary>
    public const string Replicated = "zfsansible:replicated";

    /// <summary>
    /// On a received replica, set by the pull that made it: the source's policy name and the retention the backup
    /// server prunes it by (the source's own, or the pull's override). Never a received zfsansible:policy, which would
    /// make the backup server take snapshots of a replica.
    /// </summary>
    public const string ReplicaPolicy = "zfsansible:replica_policy";
    public const string ReplicaRetention = "zfsansible:replica_retention";

    public const string LastSuccess = "zfsansible:last_success";
    public const string LastDurationMs = "zfsansible:last_duration_ms";
    public const string LastBytes = "zfsansible:last_bytes";

    /// <summary>The properties that carry a dataset's policy, read by the snapshot timer.</summary>
    public static ImmutableArray<string> PolicyNames { get; } = [Policy, PolicySource, Retention, Replicate, DiscoverChildren];

    /// <summary>What the snapshot timer reads: the policy properties and a replica's.</summary>
    public static ImmutableArray<string> ManagedNames { get; } = [.. PolicyNames, ReplicaPolicy, ReplicaRetention];

    public static bool IsOwn(string name) => name.StartsWith(Namespace, StringComparison.Ordinal);
}
