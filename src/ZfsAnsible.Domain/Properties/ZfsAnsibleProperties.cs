using System.Collections.Immutable;

namespace ZfsAnsible.Domain.Properties;

/// <summary>
/// Every user property the tool writes, in its own namespace: the policy zfs_dataset_policy writes on each
/// configured dataset (DESIGN §5), the replication mark on a source's base snapshot, and the last success a
/// replication records on its target (DESIGN §7).
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

    public const string LastSuccess = "zfsansible:last_success";
    public const string LastDurationMs = "zfsansible:last_duration_ms";
    public const string LastBytes = "zfsansible:last_bytes";

    /// <summary>The properties that carry a dataset's policy, read by the snapshot timer.</summary>
    public static ImmutableArray<string> PolicyNames { get; } = [Policy, PolicySource, Retention, Replicate, DiscoverChildren];

    public static bool IsOwn(string name) => name.StartsWith(Namespace, StringComparison.Ordinal);
}
