using System.Collections.Immutable;

namespace ZfsAnsible.Domain.Policies;

/// <summary>One entry of <c>zfs_policies</c>: how many snapshots of each interval to keep, and whether to replicate.</summary>
public sealed record SnapshotPolicy(string Name, ImmutableSortedDictionary<Interval, int> Retention, bool Replicate)
{
    public static SnapshotPolicy Create(string name, bool replicate, params (Interval Interval, int Count)[] retention) =>
        new(name, retention.ToImmutableSortedDictionary(r => r.Interval, r => r.Count), replicate);

    /// <summary>0 when the interval is not listed: nothing of it is taken or kept.</summary>
    public int RetentionFor(Interval interval) => Retention.GetValueOrDefault(interval);

    /// <summary>Value equality: two policies read from YAML and from JSON compare equal.</summary>
    public bool Equals(SnapshotPolicy? other) =>
        other is not null
        && Name == other.Name
        && Replicate == other.Replicate
        && Retention.Count == other.Retention.Count
        && Retention.All(r => other.Retention.TryGetValue(r.Key, out var count) && count == r.Value);

    public override int GetHashCode() => HashCode.Combine(Name, Replicate, Retention.Count);
}
