using ZfsAnsible.Domain.Policies;

namespace ZfsAnsible.Domain.Snapshots;

/// <summary>
/// One reason to keep snapshots. Pruning destroys a snapshot only when no rule keeps it, so a rule can only ever
/// save snapshots: safety by construction (the shape of zrepl's pruning rules).
/// </summary>
public interface IKeepRule
{
    /// <summary>Why the snapshots it keeps are kept, for reports ("held", "hourly: newest 24").</summary>
    string Reason { get; }

    /// <summary>The snapshots of one dataset this rule keeps: records of <paramref name="snapshots"/> themselves, never copies.</summary>
    IEnumerable<Snapshot> Keep(IReadOnlyList<Snapshot> snapshots);
}

/// <summary>Snapshots this tool did not name are never its business (docs/safety.md rule 2).</summary>
public sealed record KeepForeign : IKeepRule
{
    public string Reason => "not made by zfsansible";

    public IEnumerable<Snapshot> Keep(IReadOnlyList<Snapshot> snapshots) => snapshots.Where(s => s.Own is null);
}

/// <summary>A user hold means somebody (a person, zfs_replicate, another tool) still needs the snapshot.</summary>
public sealed record KeepHeld : IKeepRule
{
    public string Reason => "held";

    public IEnumerable<Snapshot> Keep(IReadOnlyList<Snapshot> snapshots) => snapshots.Where(s => s.UserRefs > 0);
}

/// <summary>
/// Every snapshot marked as a replication target's base. The newest the target received is the base of its next
/// incremental send; a target has a second mark only briefly: while a run moves its base, or after a transfer that
/// failed (the snapshot it was delivering is marked, the base the target really has is the older one).
/// </summary>
public sealed record KeepReplicationBase : IKeepRule
{
    public string Reason => "replication base";

    public IEnumerable<Snapshot> Keep(IReadOnlyList<Snapshot> snapshots) => snapshots.Where(s => s.Replicated.Length > 0);
}

/// <summary>
/// On a replica, the newest snapshot is what the replica and its source have in common: the base of the next pull.
/// Whoever named it, it stays.
/// </summary>
public sealed record KeepNewestReceived : IKeepRule
{
    public string Reason => "base of the next pull";

    public IEnumerable<Snapshot> Keep(IReadOnlyList<Snapshot> snapshots) => snapshots.MaxBy(s => s.CreateTxg) is { } newest ? [newest] : [];
}

/// <summary>The policy's retention: the newest <paramref name="Count"/> snapshots of one interval.</summary>
public sealed record KeepNewest(Interval Interval, int Count) : IKeepRule
{
    public string Reason => $"{Interval.YamlName()}: newest {Count}";

    public IEnumerable<Snapshot> Keep(IReadOnlyList<Snapshot> snapshots) =>
        snapshots.Where(s => s.Own?.Interval == Interval)
            .OrderByDescending(s => s.Own!.Time)
            .ThenByDescending(s => s.CreateTxg)
            .Take(Count);
}

public static class KeepRules
{
    /// <summary>The rules for a dataset under a policy: the safety rules first (a replica's newest too), then one per retained interval.</summary>
    public static IReadOnlyList<IKeepRule> For(ManagedDataset dataset) =>
        [new KeepForeign(), new KeepHeld(), new KeepReplicationBase(), .. dataset.Replica ? [new KeepNewestReceived()] : Array.Empty<IKeepRule>(), .. dataset.Retention.Where(r => r.Value > 0).Select(r => new KeepNewest(r.Key, r.Value))];

    /// <summary>The snapshots no rule keeps, oldest first.</summary>
    public static IReadOnlyList<Snapshot> Expired(IReadOnlyList<Snapshot> snapshots, IReadOnlyList<IKeepRule> rules)
    {
        // Rules keep the very records they were given: comparing references spares hashing every field of each one.
        var kept = rules.SelectMany(rule => rule.Keep(snapshots)).ToHashSet(ReferenceEqualityComparer.Instance);
        return [.. snapshots.Where(s => !kept.Contains(s)).OrderBy(s => s.CreateTxg)];
    }
}
