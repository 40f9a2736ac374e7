using System.Collections.Immutable;
using ZfsAnsible.Domain.Collections;

namespace ZfsAnsible.Domain.Policies;

/// <summary>One entry of <c>zfs_policies</c>: how many snapshots of each interval to keep, and whether to replicate.</summary>
public sealed record SnapshotPolicy(string Name, ValueDictionary<Interval, int> Retention, bool Replicate)
{
    public static SnapshotPolicy Create(string name, bool replicate, params (Interval Interval, int Count)[] retention) =>
        new(name, retention.ToImmutableSortedDictionary(r => r.Interval, r => r.Count), replicate);

    /// <summary>0 when the interval is not listed: nothing of it is taken or kept.</summary>
    public int RetentionFor(Interval interval) => Retention.GetValueOrDefault(interval);
}
